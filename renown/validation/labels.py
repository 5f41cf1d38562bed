"""Labels an organisation trusts (level, rating, count), read strictly and matched to people.

A validation is only as good as its join: a label file keyed by e-mail against scores keyed
by login matches nobody, and a metric on the few people who happen to match would look like
a finding. So a label file that matches nobody is refused, and one that matches only some
people says which ids it could not place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from renown.core.delimited import read_records
from renown.core.errors import InputError

if TYPE_CHECKING:  # metrics imports scipy.stats, which every CLI start would pay for
    from renown.validation.metrics import FloatArray

DEFAULT_ID: Final = "person"
DEFAULT_LABEL: Final = "label"
UNMATCHED_SHOWN: Final = 10
"""How many unmatched ids a warning lists."""


@dataclass(frozen=True)
class Labels:
    """Person id -> numeric label, and where they came from."""

    source: str
    values: dict[str, float]


@dataclass(frozen=True)
class Matched:
    """Labels aligned with the scored people that have one."""

    people: tuple[str, ...]
    labels: FloatArray
    unmatched: tuple[str, ...]
    """Labelled ids that are not among the scored people."""

    def warning(self) -> str | None:
        """One line naming up to :data:`UNMATCHED_SHOWN` unmatched ids, or ``None``."""
        if not self.unmatched:
            return None
        shown = ", ".join(self.unmatched[:UNMATCHED_SHOWN])
        more = len(self.unmatched) - UNMATCHED_SHOWN
        tail = f" and {more} more" if more > 0 else ""
        return (
            f"{len(self.unmatched)} labelled id(s) match nobody in the scores and are "
            f"left out: {shown}{tail}"
        )


def _delimiter(name: str, data: bytes) -> str:
    """Tab for ``.tsv`` files; otherwise the first of tab, semicolon or comma the header uses.

    Spreadsheets in many locales save "CSV" with semicolons; the header line says which.
    """
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    header = data.split(b"\n", 1)[0]
    for candidate in ("\t", ";", ","):
        if candidate.encode() in header:
            return candidate
    return ","


def read_labels(
    path: Path, *, id_column: str = DEFAULT_ID, label_column: str = DEFAULT_LABEL
) -> Labels:
    """Read ``path`` (CSV or TSV with a header) into person -> numeric label.

    Raises
    ------
    InputError
        No such file, a missing column, an empty id, a label that is not a finite number,
        or one id given two different labels; each names the file, line and field.
    """
    where = str(path)
    if not path.is_file():
        raise InputError(where, "no such file")
    return parse_labels(
        path.read_bytes(), source=where, id_column=id_column, label_column=label_column
    )


def parse_labels(
    data: bytes, *, source: str, id_column: str = DEFAULT_ID, label_column: str = DEFAULT_LABEL
) -> Labels:
    """Labels from the bytes of a CSV or TSV file called ``source`` (an upload's name, or a
    path), with the checks and errors of :func:`read_labels`."""
    where = source
    records = read_records(data, source=where, delimiter=_delimiter(Path(source).name, data))
    header = next(records, None)
    if header is None:
        raise InputError(where, "the file is empty; it needs a header row", line=1)
    columns = [cell.strip() for cell in header.cells]
    for column in (id_column, label_column):
        if column not in columns:
            raise InputError(
                where,
                f"missing column (columns are: {', '.join(columns)})",
                line=header.line,
                field=column,
            )
    who, what = columns.index(id_column), columns.index(label_column)
    values: dict[str, float] = {}
    first_line: dict[str, int] = {}
    for record in records:
        person = record.cells[who].strip()
        if not person:
            raise InputError(where, "empty id", line=record.line, field=id_column)
        text = record.cells[what].strip()
        label = _number(text)
        if label is None:
            raise InputError(
                where, f"label {text!r} is not a number", line=record.line, field=label_column
            )
        if person in values and values[person] != label:
            raise InputError(
                where,
                f"{person!r} has label {text} here and {values[person]:g} on line "
                f"{first_line[person]}",
                line=record.line,
                field=label_column,
            )
        values.setdefault(person, label)
        first_line.setdefault(person, record.line)
    if not values:
        raise InputError(where, "no labelled people", line=header.line)
    return Labels(where, values)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def match_labels(labels: Labels, people: Iterable[str]) -> Matched:
    """Align ``labels`` with the scored ``people``; refuse when nobody matches."""
    scored = set(people)
    matched = tuple(sorted(p for p in labels.values if p in scored))
    unmatched = tuple(sorted(p for p in labels.values if p not in scored))
    if not matched:
        example = ", ".join(sorted(labels.values)[:3])
        raise InputError(
            labels.source,
            f"no labelled id matches a scored person (labels use ids like {example}); "
            "check the --id column and that ids are spelled as in the events",
        )
    values = np.array([labels.values[p] for p in matched], dtype=np.float64)
    return Matched(matched, values, unmatched)


def merge_label_aliases(labels: Labels, aliases: Mapping[str, str] | None) -> Labels:
    """``labels`` keyed by the person each alias is merged into, as the events are.

    Without this, a label given under someone's second id would match nobody once the
    events are merged. Two ids of one person with different labels are refused: which of
    them the organisation trusts is not for renown to guess.
    """
    if not aliases:
        return labels
    merged: dict[str, float] = {}
    given_as: dict[str, str] = {}
    for person, value in labels.values.items():
        target = aliases.get(person, person)
        if target in merged and merged[target] != value:
            raise InputError(
                labels.source,
                f"{given_as[target]!r} and {person!r} are one person ({target!r}) with "
                f"different labels ({merged[target]:g} and {value:g})",
                field=person,
            )
        merged[target] = value
        given_as.setdefault(target, person)
    return Labels(labels.source, merged)
