"""What changed since the previous scoring run, and why a score may have moved.

A score that moves needs its reason next to it, or a rescore looks like a hidden side
effect. Runs are ordered as the leaderboard and the profile history order them (as-of
instant, then id), and each run is compared with the one before it: whether its as-of
moved, how many events it read, whether the decay or the weights of the components changed,
whether the code did. A person's change is their score in the run minus their score in the
previous run, so it is always the last step of the chart of their scores over runs (the
stored ``trend`` compares two windows of one run instead, and is 0.0 when the as-of jumped
past months without events even though the score moved).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.jobs.access import PEOPLE_ADMINS_ONLY
from renown.org.queries import previous_run, scores_in_run
from renown.scoring.queries import get_run
from renown.store.tables.org import Person
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

FIRST_RUN = "the first scoring run of the organisation"
SAME_INPUTS = "nothing changed: same as-of, events and parameters"


@dataclass(frozen=True)
class RunChange:
    """How a run differs from the previous one, in words."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    run_id: int
    as_of: datetime
    previous_run_id: int | None
    """The run before it by as-of instant (null: the first run)."""
    previous_as_of: datetime | None
    reasons: tuple[str, ...]
    """Why scores may differ from the previous run: as-of moved, events, weights, decay."""


@dataclass(frozen=True)
class PersonChange:
    """A person's score in a run against the previous run, with the run's reasons."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    person_id: int
    score: int
    previous_score: int | None
    """Null when the person was not scored in the previous run (or there is none)."""
    change: int | None
    """score - previous_score: the last step of the person's chart over runs."""
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RunChanges:
    """A run's change and, for a page of its people by rank, each one's change."""

    run: RunChange
    people: tuple[PersonChange, ...]


def _day(moment: datetime) -> str:
    return moment.strftime("%d %b %Y")


def _params(run: ScoringRun) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    graph = run.params.get("graph_params") or {}
    model = run.params.get("model_params") or {}
    return graph, model


def reasons_between(run: ScoringRun, before: ScoringRun | None) -> tuple[str, ...]:
    """Why ``run``'s scores may differ from ``before``'s, most telling first."""
    if before is None:
        return (FIRST_RUN,)
    reasons: list[str] = []
    if run.as_of != before.as_of:
        rule = run.params.get("as_of_rule")
        reasons.append(
            f"as-of moved from {_day(before.as_of)} to {_day(run.as_of)}"
            + (f" ({rule})" if rule else "")
        )
    if run.input_events != before.input_events:
        more = run.input_events - before.input_events
        word = "more" if more > 0 else "fewer"
        reasons.append(f"{abs(more):,} {word} events read ({run.input_events:,} in all)")
    elif run.input_fingerprint != before.input_fingerprint:
        reasons.append("the events read changed (same count, different events)")
    graph, model = _params(run)
    graph_before, model_before = _params(before)
    for key in sorted(set(graph) | set(graph_before)):
        now, then = graph.get(key), graph_before.get(key)
        if now != then:
            what = key.replace("_", " ")
            if isinstance(now, dict) and isinstance(then, dict):
                keys = sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))
                reasons.append(f"{what} changed: {', '.join(keys)}")
            else:
                reasons.append(f"{what} changed from {then} to {now}")
    weights, weights_before = model.get("weights") or {}, model_before.get("weights") or {}
    changed = sorted(
        k for k in set(weights) | set(weights_before) if weights.get(k) != weights_before.get(k)
    )
    if changed:
        reasons.append("component weights changed: " + ", ".join(changed))
    other = sorted(
        k
        for k in set(model) | set(model_before)
        if k != "weights" and model.get(k) != model_before.get(k)
    )
    if other:
        reasons.append("model settings changed: " + ", ".join(other))
    if run.code_version != before.code_version:
        reasons.append(f"renown {before.code_version} -> {run.code_version}")
    return tuple(reasons) or (SAME_INPUTS,)


def run_change(session: Session, run: ScoringRun) -> RunChange:
    """``run`` against the previous run, in words."""
    before = previous_run(session, run)
    return RunChange(
        run_id=run.id,
        as_of=run.as_of,
        previous_run_id=before.id if before else None,
        previous_as_of=before.as_of if before else None,
        reasons=reasons_between(run, before),
    )


def person_changes(
    session: Session, change: RunChange, current: Mapping[int, int]
) -> list[PersonChange]:
    """Each person's change from the previous run (``current``: person id -> score now)."""
    before = scores_in_run(session, change.previous_run_id, list(current))
    return [
        PersonChange(
            person_id=pid,
            score=score,
            previous_score=before.get(pid),
            change=None if pid not in before else score - before[pid],
            reasons=change.reasons
            if pid in before or change.previous_run_id is None
            else ("not scored in the previous run", *change.reasons),
        )
        for pid, score in current.items()
    ]


def run_changes(
    session: Session, principal: Principal, run_id: int, *, limit: int = 50, offset: int = 0
) -> RunChanges:
    """A run's change and its people's changes, by rank (HR and administrators)."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    run = get_run(session, principal, run_id)
    change = run_change(session, run)
    page = session.execute(
        sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score)
        .join(Person, Person.id == ScoreSnapshot.person_id)
        .where(ScoreSnapshot.run_id == run.id, Person.org_id == principal.org_id)
        .order_by(ScoreSnapshot.rank, ScoreSnapshot.person_id)
        .limit(max(1, min(limit, 200)))
        .offset(max(0, offset))
    ).all()
    current = {int(pid): int(score) for pid, score in page}
    return RunChanges(change, tuple(person_changes(session, change, current)))


def latest_change_of(session: Session, org_id: int, person_id: int) -> PersonChange | None:
    """The person's change in the newest run that scored them, against the run before it.

    The caller has already decided that the principal may see this person's score.
    """
    latest = session.execute(
        sa.select(ScoringRun, ScoreSnapshot.score)
        .join(ScoreSnapshot, ScoreSnapshot.run_id == ScoringRun.id)
        .where(
            ScoringRun.org_id == org_id,
            ScoringRun.status == "done",
            ScoreSnapshot.person_id == person_id,
        )
        .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    run, score = latest
    return person_changes(session, run_change(session, run), {person_id: int(score)})[0]
