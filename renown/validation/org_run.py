"""An organisation's latest scoring run, computed again for validation and tuning.

A validation must be about the score HR actually sees: the run's own events (the lake up
to the run's as-of instant, matched to the org chart and merged per person, as
:mod:`renown.scoring.job` reads it), its recorded graph and model parameters (weights
included) and the departments breadth is measured across. The baselines are computed on
the same matched, merged events. The
run row keeps parameters, not component values per identity, so the run is refitted
from them, without the trend window, which no metric reads.

Scores belong to event identities, labels to people. Matching already merges a person's
names into one; should two scored identities still belong to one person, the person is
represented by the best-scored one, as snapshots do
(:func:`renown.org.identities.owners_of` says who owns which), and their label is keyed by
that identity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from renown.core.errors import InputError, NotFound
from renown.core.events import EventColumn
from renown.ingest import merge_aliases
from renown.ingest.lake import EventLake
from renown.org.identities import owners_of
from renown.prominence.model import ProminenceModel
from renown.scoring.job import departments_of
from renown.scoring.matching import match_events
from renown.scoring.pipeline import ScoringResult, score_events
from renown.settings import Settings
from renown.store.tables.scores import ScoringRun
from renown.validation.cleaning import clean_events
from renown.validation.labels import Labels


@dataclass(frozen=True)
class RunScoring:
    """A run scored again: the result, the cleaned events for the baselines, and each
    person's best-scored identity."""

    run_id: int
    result: ScoringResult
    cleaned: pl.DataFrame
    identity_of: dict[int, str]
    """Person id -> the identity that represents them (their best-scored one)."""


def rescore_run(
    session: Session,
    settings: Settings,
    *,
    org_id: int,
    org_slug: str,
    run_id: int,
    on_stage: Callable[[str], None] | None = None,
) -> RunScoring:
    """Score run ``run_id`` of ``org_id`` again with its own events and parameters."""
    run = session.get(ScoringRun, run_id)
    if run is None or run.org_id != org_id:
        raise NotFound(f"no scoring run {run_id}")
    frame = (
        EventLake(settings.org_lake_dir(org_slug))
        .scan()
        .filter(pl.col(EventColumn.TIMESTAMP) <= run.as_of)
        .collect()
    )
    if frame.height == 0:
        raise InputError(f"event lake of {org_slug}", f"no events up to run {run_id}'s as-of date")
    matched = match_events(session, org_id, frame)
    if matched.events.height == 0:
        raise InputError(
            f"event lake of {org_slug}", "none of the run's events names people of the org chart"
        )
    frame = matched.events
    params: dict[str, Any] = dict(run.params or {})
    graph_params = dict(params.get("graph_params") or {})
    half_life = graph_params.pop("half_life_days", None)
    window = graph_params.pop("window_days", None)
    graph_params.pop("ring_discount", None)
    model_params = params.get("model_params")
    groups = departments_of(session, org_id, merge_aliases(frame, matched.aliases))
    result = score_events(
        frame,
        as_of=run.as_of,
        half_life_days=float(half_life) if half_life else settings.half_life_days,
        window_days=float(window) if window else None,
        groups=groups or None,
        model=ProminenceModel(**model_params) if model_params else None,
        trend_days=None,
        aliases=matched.aliases,
        graph_options=graph_params,
        on_stage=on_stage,
    )
    scores = dict(
        zip(
            [str(p) for p in result.model.people_],
            result.model.scores_.tolist(),
            strict=True,
        )
    )
    best: dict[int, str] = {}
    for identity, person in owners_of(session, org_id, scores).items():
        if person not in best or scores[identity] > scores[best[person]]:
            best[person] = identity
    return RunScoring(run_id, result, clean_events(frame, matched.aliases), best)


def identity_labels(source: str, labels: dict[int, float], scoring: RunScoring) -> Labels:
    """Person labels keyed by each person's identity in the run (people it did not score
    are left out: a label needs a score to be compared with)."""
    return Labels(
        source,
        {scoring.identity_of[p]: v for p, v in labels.items() if p in scoring.identity_of},
    )
