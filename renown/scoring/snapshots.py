"""Storing a scoring result in the database: one run row and one snapshot per known person.

Scores are computed on event identities (e-mail addresses, handles, ids); the store keeps
them per person. Each scored identity is matched to the person who owns it in the
organisation (:func:`renown.org.identities.owners_of`). Identities that match nobody are
counted (``people_scored`` vs ``people_matched``) but not stored: snapshots belong to
people. When one person was scored under several identities, the best-ranked one is kept
(scoring after merging identities is better, but the store must not fail on data that did
not).

Storing is idempotent per organisation and ``run_key`` (the deterministic id of the run's
inputs and parameters), so a retried job does not duplicate a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.org.identities import owners_of
from renown.scoring.pipeline import ScoringResult
from renown.scoring.runs import run_id
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

INSERT_BATCH = 1000
"""Snapshots per INSERT round trip (bounded memory for the explanations of large orgs)."""


def store_scoring_result(
    session: Session, *, org_id: int, result: ScoringResult, actor: str
) -> ScoringRun:
    """Save ``result`` for ``org_id`` (in the caller's transaction) and return its run."""
    metadata = result.metadata
    key = run_id(metadata)
    existing = session.scalar(
        sa.select(ScoringRun).where(ScoringRun.org_id == org_id, ScoringRun.run_key == key)
    )
    if existing is not None:
        return existing
    scores = result.scores
    people = scores.get_column("person").to_list()
    matches = _match(session, org_id, people)
    run = ScoringRun(
        org_id=org_id,
        run_key=key,
        status="done",
        as_of=_instant(metadata["as_of"]),
        params={
            "graph_params": metadata.get("graph_params"),
            "model_params": metadata.get("model_params"),
            "as_of_rule": metadata.get("as_of_rule"),
            "trend_days": metadata.get("trend_days"),
            "engine": metadata.get("engine"),
            "source": metadata.get("source"),
            "weights_file": metadata.get("weights_file"),
        },
        input_fingerprint=str(metadata["input_fingerprint"]),
        code_version=str(metadata.get("renown_version", "")),
        input_events=int(metadata.get("input_events", 0)),
        people_scored=scores.height,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    matched = 0
    for batch in _batches(_snapshot_rows(result, scores, matches, run.id), INSERT_BATCH):
        session.execute(sa.insert(ScoreSnapshot), batch)
        matched += len(batch)
    run.people_matched = matched
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="scoring.run",
        subject=f"run:{run.id}",
        payload={
            "run_key": key,
            "as_of": metadata["as_of"],
            "input_fingerprint": run.input_fingerprint,
            "input_events": run.input_events,
            "people_scored": run.people_scored,
            "people_matched": matched,
            "code_version": run.code_version,
        },
        org_id=org_id,
    )
    return run


def _instant(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _match(session: Session, org_id: int, people: list[str]) -> dict[str, int]:
    """Scored identity -> person id, keeping only the best-ranked identity of each person."""
    resolved = owners_of(session, org_id, people)
    taken: set[int] = set()
    best: dict[str, int] = {}
    for person in people:  # scores are ordered best first
        owner = resolved.get(person)
        if owner is not None and owner not in taken:
            taken.add(owner)
            best[person] = owner
    return best


def _snapshot_rows(
    result: ScoringResult, scores: pl.DataFrame, matches: dict[str, int], run_pk: int
) -> Iterator[dict[str, Any]]:
    """Insert parameters of every matched person's snapshot, explanation included.

    Explanations are built only for matched people: unmatched identities are not stored,
    and explaining costs about as much as everything else here together.
    """
    components = list(result.model.components_)
    has_trend = "trend" in scores.columns
    columns = ["person", "score", "score_exact", "rank", *(f"{c}_points" for c in components)]
    if has_trend:
        columns.append("trend")
    for row in scores.select(columns).iter_rows(named=True):
        person_id = matches.get(row["person"])
        if person_id is None:
            continue
        trend = row["trend"] if has_trend else None
        yield {
            "run_id": run_pk,
            "person_id": person_id,
            "score": int(row["score"]),
            "score_exact": float(row["score_exact"]),
            "rank": int(row["rank"]),
            "trend": None if trend is None else float(trend),
            "components": {c: float(row[f"{c}_points"]) for c in components},
            "explanation": result.explain(row["person"]).to_dict(),
        }


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
