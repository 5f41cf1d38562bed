"""The scoring job: score the organisation's event lake and store the run.

Recognition is interaction too: before reading the lake the job exports the product's own
kudos, reactions and released feedback to it (idempotent, so a re-export adds nothing),
so every run counts the latest of them; and the badges that depend on prominence scores
are evaluated with the run, in the same transaction, so a run never exists without the
awards it earned (nor awards without their run).

Only the organisation's people are ranked: every identifier is merged into its person's
employee id (``score_events(aliases=...)``, one node per person) and the events of
identifiers that are ignored or still match nobody are left out
(:func:`renown.scoring.matching.match_events`); the run records how many events were
matched, mapped, ignored and unmatched. Breadth of reach is measured across departments,
so each scored identity is given the department of its person.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.clock import SystemClock
from renown.core.errors import InputError
from renown.core.events import EventColumn
from renown.ingest import merge_aliases
from renown.ingest.lake import EventLake
from renown.jobs.runner import JobContext
from renown.org.identities import owners_of
from renown.prominence.model import ProminenceModel
from renown.recognition.badges import do_evaluate_badges
from renown.recognition.job import export_recognition
from renown.scoring.asof import EXPLICIT, AsOf, as_period, live_as_of
from renown.scoring.matching import match_events
from renown.scoring.pipeline import score_events
from renown.scoring.snapshots import store_scoring_result
from renown.scoring.weights import chosen_weights
from renown.store.engine import transaction
from renown.store.tables.org import Department, Person

STAGE_PROGRESS: Final[dict[str, float]] = {
    "loading events": 0.1,
    "building the interaction graph": 0.2,
    "computing measures and scores": 0.35,
    "combining measures into scores": 0.35,
    "scoring the previous window for trends": 0.6,
}
"""How far along a run is when :func:`score_events` starts each stage (measured share)."""


def run_scoring(context: JobContext) -> dict[str, Any]:
    """Score the lake as of the job's ``as_of`` (default: the end of the last complete
    period holding an event, :mod:`renown.scoring.asof`) with the organisation's chosen
    weights (:mod:`renown.scoring.weights`; default: the registry's), store the run and
    award the badges it makes due."""
    context.report("exporting kudos and feedback to the event lake", 0.01)
    with transaction(context.sessions) as session:
        exported = export_recognition(session, context)
    context.report("reading the event lake", 0.02)
    lake = EventLake(context.settings.org_lake_dir(context.org_slug))
    events = lake.scan()
    as_of = run_as_of(context, events)
    frame = events.filter(pl.col(EventColumn.TIMESTAMP) <= as_of.instant).collect()
    if frame.height == 0:
        raise InputError(
            f"event lake of {context.org_slug}",
            f"no events to score up to {as_of.instant.isoformat()}; upload events first",
        )
    with context.sessions() as session:
        matched = match_events(session, context.org_id, frame)
        frame, matching = matched.events, matched.matching
        if frame.height == 0:
            raise InputError(
                f"event lake of {context.org_slug}",
                f"none of the {matching.ignored + matching.unmatched:,} events names people "
                "of the org chart; map or add the unmatched identifiers of your uploads",
            )
        groups = departments_of(session, context.org_id, merge_aliases(frame, matched.aliases))
        chosen = chosen_weights(session, context.org_id)
    half_life = context.params.get("half_life_days")
    result = score_events(
        frame,
        as_of=as_of.instant,
        half_life_days=float(half_life) if half_life else context.settings.half_life_days,
        groups=groups or None,
        aliases=matched.aliases,
        source=f"org:{context.org_slug}",
        as_of_rule=as_of.rule,
        model=ProminenceModel(weights=chosen.weights) if chosen else None,
        on_stage=lambda stage: context.report(stage, STAGE_PROGRESS.get(stage, 0.5)),
    )
    if chosen is not None:
        result.metadata["weights_file"] = chosen.run_record()
    stage = f"storing the scores of {result.scores.height:,} people and awarding badges"
    context.report(stage, 0.8)
    with transaction(context.sessions) as session:
        run = store_scoring_result(
            session, org_id=context.org_id, result=result, actor=context.actor
        )
        for column, count in matching.as_dict().items():
            setattr(run, column, count)
        badges = do_evaluate_badges(session, context.org_id, SystemClock(), actor=context.actor)
        summary = {
            "run_id": run.id,
            "run_key": run.run_key,
            "as_of": run.as_of.isoformat(),
            "input_events": run.input_events,
            "people_scored": run.people_scored,
            "people_matched": run.people_matched,
            **matching.as_dict(),
            "recognition_events_added": exported.added,
            "badges_awarded": len(badges.awarded),
        }
    return summary


def departments_of(session: Session, org_id: int, events: pl.DataFrame) -> dict[str, str]:
    """Department name of every event identity that belongs to a person with a department."""
    identities = (
        pl.concat([events.get_column(EventColumn.ACTOR), events.get_column(EventColumn.TARGET)])
        .drop_nulls()
        .unique()
        .to_list()
    )
    owners = owners_of(session, org_id, identities)
    named = session.execute(
        sa.select(Person.id, Department.name)
        .join(Department, Department.id == Person.department_id)
        .where(Person.org_id == org_id)
    )
    department_of = {person: name for person, name in named}
    return {raw: department_of[p] for raw, p in owners.items() if p in department_of}


def run_as_of(context: JobContext, events: pl.LazyFrame) -> AsOf:
    """The job's explicit ``as_of``, else the live organisation's rule at the wall clock
    (:func:`renown.scoring.asof.live_as_of`, period from the job or the settings)."""
    value = context.params.get("as_of")
    if value not in (None, ""):
        moment = datetime.fromisoformat(str(value))
        return AsOf(moment if moment.tzinfo else moment.replace(tzinfo=UTC), EXPLICIT)
    period = as_period(context.params.get("period") or context.settings.scoring_period)
    try:
        return live_as_of(events, now=SystemClock().now(), period=period)
    except ValueError:
        raise InputError(
            f"event lake of {context.org_slug}", "no events to score; upload events first"
        ) from None
