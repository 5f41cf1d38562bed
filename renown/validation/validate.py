"""Validate a score, each of its components and the baselines against one set of labels.

The one code path behind ``renown validate``, the real-data tests and ``docs/validity.md``:
events are cleaned once (:mod:`renown.validation.cleaning`), scored with the default model
(or given weights), the baselines are computed on the same cleaned events, and every ranking
is measured on the same labelled people with the same bootstrap resamples, so that their
intervals are comparable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from renown.core.errors import InputError
from renown.prominence.components import COMPONENTS
from renown.prominence.model import ProminenceModel
from renown.scoring.pipeline import ScoringResult, score_events
from renown.validation.baselines import compute_baselines
from renown.validation.cleaning import clean_events
from renown.validation.labels import Labels, match_labels, merge_label_aliases
from renown.validation.metrics import (
    FloatArray,
    Resamples,
    evaluate,
    paired_difference,
    top_threshold,
)
from renown.validation.report import ReportRow, RowKind, ValidationReport

SCORE_ROW: Final = "score"
SCORE_COLUMN: Final = "score_exact"


@dataclass(frozen=True)
class Ranking:
    """Values that order people: the score, a component or a baseline."""

    name: str
    kind: RowKind
    values: Mapping[str, float]
    description: str = ""


def score_for_validation(
    events: pl.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    groups: Mapping[str, str] | None = None,
) -> ScoringResult:
    """Score already cleaned ``events`` the way ``renown score`` does (no trend window)."""
    model = ProminenceModel(weights=weights) if weights is not None else None
    return score_events(events, groups=groups, model=model, trend_days=None)


def result_rankings(result: ScoringResult) -> list[Ranking]:
    """The exact score and every component the model computed (raw values)."""
    people = [str(p) for p in result.model.people_]
    found = [
        Ranking(
            SCORE_ROW,
            "score",
            dict(zip(people, result.model.scores_.tolist(), strict=True)),
            "renown's 1-100 score (exact)",
        )
    ]
    for name in result.model.components_:
        component = COMPONENTS[name]
        weight = result.model.weights_.get(name, 0.0)
        found.append(
            Ranking(
                name,
                "component",
                dict(zip(people, result.model.raw_[name].tolist(), strict=True)),
                f"{component.description} (weight {weight:.2f})",
            )
        )
    return found


def frame_rankings(scores: pl.DataFrame, source: str) -> list[Ranking]:
    """The score and component columns of a scores file written by ``renown score``."""
    for column in ("person", SCORE_COLUMN):
        if column not in scores.columns:
            raise InputError(source, "not a scores file written by 'renown score'", field=column)
    people = [str(p) for p in scores["person"].to_list()]
    found = [
        Ranking(
            SCORE_ROW,
            "score",
            dict(zip(people, scores[SCORE_COLUMN].cast(pl.Float64).to_list(), strict=True)),
            "renown's 1-100 score (exact)",
        )
    ]
    for name, component in COMPONENTS.items():
        if name in scores.columns:
            values = scores[name].cast(pl.Float64).fill_null(0.0).to_list()
            found.append(
                Ranking(
                    name,
                    "component",
                    dict(zip(people, values, strict=True)),
                    component.description,
                )
            )
    return found


def baseline_rankings(events: pl.DataFrame) -> list[Ranking]:
    """The baselines of already cleaned events (:mod:`renown.validation.baselines`)."""
    return [
        Ranking(
            b.name,
            "baseline",
            dict(zip(b.people, b.values.tolist(), strict=True)),
            b.description,
        )
        for b in compute_baselines(events)
    ]


def build_report(
    rankings: Sequence[Ranking],
    labels: Labels,
    *,
    people: Sequence[str],
    top_from: float | None = None,
    seed: int = 0,
    notes: Sequence[str] = (),
) -> ValidationReport:
    """Measure every ranking on the labelled ``people`` (the scored ones), same resamples.

    A labelled person a ranking does not mention (a baseline of a file scored elsewhere)
    counts as 0 on it: they drew no attention in those events.
    """
    matched = match_labels(labels, people)
    threshold = top_threshold(matched.labels, top_from)
    top = int((matched.labels >= threshold).sum())
    if top in (0, len(matched.people)):
        raise InputError(
            labels.source,
            f"top = label >= {threshold:g} takes {top} of {len(matched.people)} labelled "
            "people; the AUC needs people on both sides (set --top-from)",
        )
    resamples = Resamples(len(matched.people), seed=seed)
    rows = []
    aligned: dict[tuple[str, str], FloatArray] = {}
    for ranking in rankings:
        values: FloatArray = np.array(
            [ranking.values.get(p, 0.0) for p in matched.people], dtype=np.float64
        )
        aligned[ranking.kind, ranking.name] = values
        metrics = evaluate(values, matched.labels, top_from=threshold, resamples=resamples)
        rows.append(ReportRow(ranking.name, ranking.kind, metrics, ranking.description))
    score = aligned.get(("score", SCORE_ROW))
    against = tuple(
        ReportRow(
            name,
            "baseline",
            paired_difference(
                score, values, matched.labels, top_from=threshold, resamples=resamples
            ),
        )
        for (kind, name), values in aligned.items()
        if kind == "baseline" and score is not None
    )
    warning = matched.warning()
    return ValidationReport(
        labels=Path(labels.source).name,
        people=len(matched.people),
        top=top,
        top_from=threshold,
        rows=tuple(rows),
        unmatched=len(matched.unmatched),
        notes=tuple(notes) + ((warning,) if warning else ()),
        against_baselines=against,
    )


def validate_events(
    events: pl.DataFrame,
    labels: Labels,
    *,
    weights: Mapping[str, float] | None = None,
    aliases: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
    top_from: float | None = None,
    seed: int = 0,
) -> ValidationReport:
    """Clean, score and validate ``events``: score, every component, every baseline.

    ``aliases`` merge ids in the events and in the labels alike."""
    cleaned = clean_events(events, aliases)
    labels = merge_label_aliases(labels, aliases)
    result = score_for_validation(cleaned, weights=weights, groups=groups)
    rankings = [*result_rankings(result), *baseline_rankings(cleaned)]
    people = [str(p) for p in result.model.people_]
    return build_report(rankings, labels, people=people, top_from=top_from, seed=seed)


def validate_scores(
    scores: pl.DataFrame,
    labels: Labels,
    *,
    source: str,
    events: pl.DataFrame | None = None,
    aliases: Mapping[str, str] | None = None,
    top_from: float | None = None,
    seed: int = 0,
) -> ValidationReport:
    """Validate a scores file's columns; baselines only when its ``events`` are given."""
    rankings = frame_rankings(scores, source)
    labels = merge_label_aliases(labels, aliases)
    notes: list[str] = []
    if events is not None:
        rankings += baseline_rankings(clean_events(events, aliases))
    else:
        notes.append("no baselines: pass --events with the events the scores were computed on")
    people = [str(p) for p in scores["person"].to_list()]
    return build_report(rankings, labels, people=people, top_from=top_from, seed=seed, notes=notes)
