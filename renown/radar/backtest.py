"""Backtest rows: what the radar would have predicted at past cutoffs, and what happened.

A job-change model is only worth showing if it would have been right in the past, judged
the way it is used: trained on what was known at earlier dates and tested on later ones.
:func:`training_rows` builds one row per (subject, cutoff) with the features as of the
cutoff and whether the subject changed company within the horizon after it;
:func:`time_split` and :func:`backtest` keep every training label out of the test period.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.changes import ChangeKind, ProfileChange
from renown.radar.features import FEATURE_COLUMNS, FEATURE_SCHEMA, FeatureIndex, OrgFacts
from renown.radar.snapshots import ProfileSnapshot

if TYPE_CHECKING:
    from renown.radar.evaluation import BinaryMetrics

WARMUP_DAYS: Final = 90
"""The first cutoff is this long after the first snapshot: before it, no one has a history
long enough for rates over 90 days to mean anything."""

LABEL: Final = "moved"


class Classifier(Protocol):
    """What :func:`backtest` needs of a model (scikit-learn's estimators qualify)."""

    def fit(self, X: pl.DataFrame, y: npt.NDArray[np.int64], /) -> object: ...

    def predict_proba(self, X: pl.DataFrame, /) -> Any: ...


@dataclass(frozen=True)
class BacktestFold:
    """One rolling-origin fold: trained on cutoffs up to ``train_to``, tested from ``test_from``."""

    fold: int
    train_to: datetime
    """The last training cutoff; its labels end ``horizon_days`` later, before the test."""
    test_from: datetime
    test_to: datetime
    n_train: int
    n_test: int
    metrics: BinaryMetrics
    """:func:`renown.radar.evaluation.binary_metrics` of the test rows (ROC-AUC, PR-AUC,
    Brier score, precision in the top 10%, rows, positives)."""


def training_rows(
    snapshots: Iterable[ProfileSnapshot],
    changes: Iterable[ProfileChange],
    *,
    horizon_days: int = 180,
    step_days: int = 30,
    org: Mapping[str, OrgFacts] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> pl.DataFrame:
    """Rows ``subject, cutoff, <FEATURE_COLUMNS>, horizon_days, moved``, by cutoff then subject.

    Cutoffs run every ``step_days`` from ``start`` (default: the first snapshot plus
    :data:`WARMUP_DAYS`) to ``end`` (default: the last snapshot minus the horizon). At each
    cutoff, every subject seen by then gets a row with the features as of the cutoff, unless
    they changed company within the ``horizon_days`` before it (they have just moved: the
    edits of their move fill their recent history, and nobody recruits a person in their
    first months). An older move (a position history from a LinkedIn export) does not
    exclude anyone, or everybody with a past job would be left out.

    The label ``moved`` is 1 when a company change falls in ``(cutoff, cutoff + horizon]``,
    0 when a snapshot at or after ``cutoff + horizon`` that names a company shows none
    happened, and the row is **dropped** when neither is known (censored: the history ends
    before the horizon does). Dropping is honest about what is unknown, but it favours
    people who stay visible; the rows keep every subject whose outcome is known.
    """
    snapshots = list(snapshots)
    changes = list(changes)
    empty = _empty_rows()
    if not snapshots:
        return empty
    index = FeatureIndex(snapshots, changes)
    horizon = timedelta(days=horizon_days)
    first = min(s.captured_at for s in snapshots)
    last = max(s.captured_at for s in snapshots)
    cutoff = start if start is not None else first + timedelta(days=WARMUP_DAYS)
    stop = end if end is not None else last - horizon
    moves: dict[str, list[datetime]] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if change.kind is ChangeKind.COMPANY_CHANGED:
            moves.setdefault(change.subject, []).append(change.at)
    company_seen: dict[str, list[datetime]] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.captured_at):
        if snapshot.company is not None:
            company_seen.setdefault(snapshot.subject, []).append(snapshot.captured_at)
    frames: list[pl.DataFrame] = []
    while cutoff <= stop:
        labels: dict[str, int] = {}
        for subject in index.subjects_at(cutoff):
            label = _label(moves.get(subject, []), company_seen.get(subject, []), cutoff, horizon)
            if label is not None:
                labels[subject] = label
        if labels:
            features = index.features(cutoff, org, subjects=sorted(labels))
            frames.append(
                features.with_columns(
                    pl.lit(cutoff).alias("cutoff"),
                    pl.lit(horizon_days, dtype=pl.Int64).alias("horizon_days"),
                    pl.Series(LABEL, [labels[s] for s in features["subject"]], dtype=pl.Int64),
                )
            )
        cutoff += timedelta(days=step_days)
    if not frames:
        return empty
    return pl.concat(frames).select(empty.columns)


def _label(
    moves: list[datetime], seen: list[datetime], cutoff: datetime, horizon: timedelta
) -> int | None:
    """1, 0, or ``None`` when the row is left out (just moved, or the outcome unknown)."""
    recent = bisect.bisect_right(moves, cutoff)
    if recent and moves[recent - 1] > cutoff - horizon:
        return None
    if recent < len(moves) and moves[recent] <= cutoff + horizon:
        return 1
    if seen and seen[-1] >= cutoff + horizon:
        return 0
    return None


def _empty_rows() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"subject": pl.String(), "cutoff": pl.Datetime("us", "UTC")}
    schema.update({name: FEATURE_SCHEMA[name] for name in FEATURE_COLUMNS})
    schema.update({"horizon_days": pl.Int64(), LABEL: pl.Int64()})
    return pl.DataFrame(schema=schema)


def time_split(
    rows: pl.DataFrame, test_from: datetime, *, horizon_days: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(train, test)``: test is every cutoff from ``test_from``; train every cutoff whose
    label window ``(cutoff, cutoff + horizon]`` ends by ``test_from``.

    The gap (the rows between) is dropped: a training label that looked into the test period
    would let the model learn the very moves it is tested on. ``horizon_days`` defaults to
    the rows' own ``horizon_days`` column (180 when there is none).
    """
    horizon = timedelta(days=_horizon(rows, horizon_days))
    train = rows.filter(pl.col("cutoff") + horizon <= test_from)
    test = rows.filter(pl.col("cutoff") >= test_from)
    return train, test


def _horizon(rows: pl.DataFrame, horizon_days: int | None) -> int:
    if horizon_days is not None:
        return horizon_days
    if "horizon_days" in rows.columns and rows.height:
        return int(rows["horizon_days"].max())  # type: ignore[arg-type]
    return 180


def backtest(
    rows: pl.DataFrame,
    make_model: Callable[[], Classifier],
    *,
    folds: int = 3,
    horizon_days: int | None = None,
    min_class: int = 1,
) -> list[BacktestFold]:
    """Rolling-origin evaluation: ``folds`` test periods, each trained on everything before.

    The distinct cutoffs are cut into ``folds + 1`` consecutive blocks; fold ``k`` tests on
    block ``k`` (1-based) and trains on the cutoffs whose labels end before it (see
    :func:`time_split`). A fold whose training rows hold one class only (nothing to learn)
    or whose test rows hold one class only (ROC-AUC undefined) is skipped, so the answer may
    hold fewer folds than asked. ``min_class`` raises the bar for training rows: a fold
    whose training rows hold fewer rows of either class is skipped too (an early period with
    two moves teaches nothing, and a cross-fitted model cannot even be fitted on it).
    """
    from renown.radar.evaluation import binary_metrics

    if folds < 1:
        raise ValueError("folds must be at least 1")
    cutoffs: Sequence[datetime] = sorted(set(rows["cutoff"].to_list())) if rows.height else []
    if len(cutoffs) < folds + 1:
        return []
    blocks = np.array_split(np.arange(len(cutoffs)), folds + 1)
    horizon = _horizon(rows, horizon_days)
    results: list[BacktestFold] = []
    for number, block in enumerate(blocks[1:], start=1):
        test_from = cutoffs[int(block[0])]
        test_to = cutoffs[int(block[-1])]
        train, test = time_split(rows, test_from, horizon_days=horizon)
        test = test.filter(pl.col("cutoff") <= test_to)
        if not _two_classes(train, min_class) or not _two_classes(test):
            continue
        model = make_model()
        model.fit(train.select(FEATURE_COLUMNS), train[LABEL].to_numpy().astype(np.int64))
        probability = _positive_probability(model.predict_proba(test.select(FEATURE_COLUMNS)))
        metrics = binary_metrics(test[LABEL].to_numpy().astype(np.int64), probability)
        results.append(
            BacktestFold(
                fold=number,
                train_to=max(train["cutoff"].to_list()),
                test_from=test_from,
                test_to=test_to,
                n_train=train.height,
                n_test=test.height,
                metrics=metrics,
            )
        )
    return results


def _two_classes(rows: pl.DataFrame, at_least: int = 1) -> bool:
    if rows.height == 0 or rows[LABEL].n_unique() != 2:
        return False
    positives = int(rows[LABEL].sum())
    return min(positives, rows.height - positives) >= at_least


def _positive_probability(raw: Any) -> npt.NDArray[np.float64]:
    """The positive class's column of ``predict_proba`` (or the values, when one column)."""
    values = np.asarray(raw, dtype=np.float64)
    return values[:, -1] if values.ndim == 2 else values
