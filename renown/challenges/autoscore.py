"""Automatic scoring of data-science submissions against a hidden answer key (pure).

The sponsor uploads an answer key (``id,target``); a member submits predictions
(``id,prediction``) for every id. Rows are split into a *public* part, whose score members
see on the public leaderboard while the challenge runs, and a *private* part, which decides
the winners and stays hidden until then. The split is a keyed hash of each id with a secret
salt, so nobody can tell which rows are public, and a member who tunes against the public
board learns nothing about the private rows: the classic defence against overfitting a
leaderboard.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from renown.core.delimited import read_records
from renown.core.errors import InputError

MAX_KEY_ROWS: Final = 1_000_000


class Metric(StrEnum):
    """How predictions are compared with the answers."""

    ACCURACY = "accuracy"
    """Share of ids whose prediction equals the answer exactly (labels); higher is better."""
    RMSE = "rmse"
    """Root mean squared error of numbers; lower is better."""
    MAE = "mae"
    """Mean absolute error of numbers; lower is better."""

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value is a better score."""
        return self is Metric.ACCURACY

    @property
    def numeric(self) -> bool:
        """Whether answers and predictions are numbers."""
        return self is not Metric.ACCURACY


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """The answers by id, and which ids are public."""

    answers: dict[str, str]
    public: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scores:
    """A submission's metric on the public and the private rows."""

    public: float
    private: float


def _delimiter(data: bytes) -> str:
    header = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return "\t" if b"\t" in header else ("," if b"," in header or b";" not in header else ";")


def _read_pairs(
    data: bytes, source: str, value_column: str, metric: Metric
) -> tuple[dict[str, str], int]:
    """``id -> value`` from a two-column table whose header is ``id,<value_column>``."""
    records = read_records(data, source=source, delimiter=_delimiter(data))
    header = next(records)
    names = [cell.strip().lower() for cell in header.cells]
    if names != ["id", value_column]:
        raise InputError(
            source,
            f"the header must be 'id,{value_column}' (found {','.join(header.cells)!r})",
            line=header.line,
        )
    values: dict[str, str] = {}
    for record in records:
        key, value = (cell.strip() for cell in record.cells)
        if not key:
            raise InputError(source, "the id is empty", line=record.line, field="id")
        if key in values:
            raise InputError(source, f"id {key!r} appears twice", line=record.line, field="id")
        if not value:
            raise InputError(source, "the value is empty", line=record.line, field=value_column)
        if metric.numeric:
            try:
                number = float(value)
            except ValueError:
                raise InputError(
                    source, f"{value!r} is not a number", line=record.line, field=value_column
                ) from None
            if not math.isfinite(number):
                raise InputError(
                    source,
                    f"{value!r} is not a finite number",
                    line=record.line,
                    field=value_column,
                )
        values[key] = value
        if len(values) > MAX_KEY_ROWS:
            raise InputError(source, f"holds more than {MAX_KEY_ROWS:,} rows", line=record.line)
    if not values:
        raise InputError(source, "holds no rows", line=header.line + 1)
    return values, header.line


def is_public(row_id: str, salt: str, fraction: float) -> bool:
    """Whether ``row_id`` belongs to the public part (a keyed hash, uniform in [0, 1))."""
    digest = hashlib.sha256(f"{salt}\x00{row_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def read_answer_key(
    data: bytes, source: str, metric: Metric, *, salt: str, public_fraction: float
) -> AnswerKey:
    """The answer key with its public rows; both parts must hold at least one row."""
    answers, header_line = _read_pairs(data, source, "target", metric)
    public = frozenset(key for key in answers if is_public(key, salt, public_fraction))
    if not public or len(public) == len(answers):
        raise InputError(
            source,
            f"{len(answers)} rows are too few to split into a public and a private part"
            f" at {public_fraction:.0%} public; add rows",
            line=header_line,
        )
    return AnswerKey(answers=answers, public=public)


def score_predictions(data: bytes, source: str, key: AnswerKey, metric: Metric) -> Scores:
    """The metric on the public and private rows; every id of the key, and no other, needed."""
    predictions, header_line = _read_pairs(data, source, "prediction", metric)
    unknown = sorted(set(predictions) - set(key.answers))
    if unknown:
        raise InputError(
            source,
            f"{len(unknown)} ids are not in the challenge's data (first: {unknown[0]!r})",
            field="id",
        )
    missing = len(key.answers) - len(predictions)
    if missing:
        raise InputError(
            source,
            f"{missing} of the {len(key.answers)} ids have no prediction",
            line=header_line,
            field="id",
        )
    public = [k for k in key.answers if k in key.public]
    private = [k for k in key.answers if k not in key.public]
    scores = Scores(
        public=_metric(metric, key.answers, predictions, public),
        private=_metric(metric, key.answers, predictions, private),
    )
    # Every value is finite, but errors near 1e308 overflow when squared or summed: an
    # infinite score would show as no score at all (JSON has no infinity) yet still rank.
    if not (math.isfinite(scores.public) and math.isfinite(scores.private)):
        raise InputError(
            source,
            "the predictions are too far from the answers to score (the error overflows)",
            line=header_line,
            field="prediction",
        )
    return scores


def _metric(
    metric: Metric, answers: dict[str, str], predicted: dict[str, str], ids: list[str]
) -> float:
    if metric is Metric.ACCURACY:
        return sum(answers[i] == predicted[i] for i in ids) / len(ids)
    errors = [float(predicted[i]) - float(answers[i]) for i in ids]
    if metric is Metric.RMSE:
        return math.sqrt(sum(e * e for e in errors) / len(errors))
    return sum(abs(e) for e in errors) / len(errors)


def ordering_value(metric: Metric, value: float) -> float:
    """A value where larger is always better (for ranking)."""
    return value if metric.higher_is_better else -value
