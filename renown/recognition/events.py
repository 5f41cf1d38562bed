"""Kudos, reactions and feedback as canonical interaction events (the prominence link).

The product's own recognition is interaction like any other: the next scoring run counts it
through the ``kudos`` and ``feedback`` channels, with the same channel weights, decay and
pair scaling as mail or chat (``renown.graph.build`` already weighs the ``kudos`` and
``feedback`` channels 1.0 and the ``reaction`` kind 0.3, so nothing new is configured).

* a kudos: giver -> receiver, kind ``kudos``;
* a reaction to a kudos: reacting person -> the kudos' receiver, kind ``reaction`` (the
  attention is for the person thanked, not for whoever wrote the thanks);
* feedback: see :mod:`renown.recognition.feedback_link` (anonymous items have no actor);
* challenge interactions between people (reviews, appeal answers, sponsor feedback,
  accepted invitations) on the ``challenge`` channel: see :mod:`renown.challenges.events`.
  They are exported here, in the same append, so the one export step of the recognition
  and scoring jobs carries everything the product itself knows about who worked with whom.

Event keys come from the row ids (``event_key("renown", org, "kudos", id)``), so exporting
again adds nothing. Discounted kudos (inside a confirmed ring), and reactions to them, are
left out. The lake is append-only: a kudos discounted *after* it was exported stays in the
lake, where the scoring model's own ring detector still discounts the ring's edges.

People are named in the lake by their HRIS employee id: it always exists, never changes
and is the identity score matching trusts most, so the scores of a run find their people.
"""

from __future__ import annotations

from typing import Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.challenges.events import challenge_events
from renown.core.events import Channel, EventColumn, Kind, event_key
from renown.ingest.lake import AppendResult, EventLake
from renown.ingest.schema import EVENT_SCHEMA
from renown.recognition.feedback_link import feedback_events
from renown.settings import Settings
from renown.store.tables.org import Organisation, Person
from renown.store.tables.recognition import Kudos, KudosReaction

SOURCE: Final = "renown-kudos"


def kudos_events(session: Session, org_id: int) -> pl.DataFrame:
    """Canonical events of counted kudos and their reactions, people named by person id."""
    kudos = session.execute(
        sa.select(Kudos.id, Kudos.giver_id, Kudos.receiver_id, Kudos.created_at)
        .where(Kudos.org_id == org_id, Kudos.discounted.is_(False))
        .order_by(Kudos.id)
    ).all()
    reactions = session.execute(
        sa.select(
            KudosReaction.id, KudosReaction.person_id, Kudos.receiver_id, KudosReaction.created_at
        )
        .join(Kudos, Kudos.id == KudosReaction.kudos_id)
        .where(Kudos.org_id == org_id, Kudos.discounted.is_(False))
        .order_by(KudosReaction.id)
    ).all()
    rows = [
        (event_key("renown", org_id, "kudos", i), giver, receiver, at, Kind.KUDOS.value)
        for i, giver, receiver, at in kudos
    ] + [
        (event_key("renown", org_id, "reaction", i), person, receiver, at, Kind.REACTION.value)
        for i, person, receiver, at in reactions
        if person != receiver
    ]
    return pl.DataFrame(
        {
            EventColumn.EVENT_KEY: [r[0] for r in rows],
            EventColumn.ACTOR: [str(r[1]) for r in rows],
            EventColumn.TARGET: [str(r[2]) for r in rows],
            EventColumn.TIMESTAMP: [r[3] for r in rows],
            EventColumn.CHANNEL: [Channel.KUDOS.value] * len(rows),
            EventColumn.KIND: [r[4] for r in rows],
            EventColumn.WEIGHT: [1.0] * len(rows),
            EventColumn.SOURCE: [SOURCE] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


def recognition_events(session: Session, org_id: int) -> pl.DataFrame:
    """Kudos, reactions and feedback of the organisation, people named by person id."""
    return pl.concat([kudos_events(session, org_id), feedback_events(session, org_id)])


def with_employee_ids(session: Session, org_id: int, events: pl.DataFrame) -> pl.DataFrame:
    """Rename people from person ids to their employee ids (the lake's identities)."""
    ids = dict(
        session.execute(
            sa.select(Person.id, Person.employee_id).where(Person.org_id == org_id)
        ).all()
    )
    mapping = {str(person): employee for person, employee in ids.items()}
    return events.with_columns(
        pl.col(EventColumn.ACTOR).replace_strict(mapping, default=None, return_dtype=pl.String),
        pl.col(EventColumn.TARGET).replace_strict(mapping, default=None, return_dtype=pl.String),
    ).filter(pl.col(EventColumn.TARGET).is_not_null())


def do_export_events(
    session: Session,
    settings: Settings,
    org_id: int,
    *,
    actor: str = "system",
    lock_timeout: float = 0.0,
) -> AppendResult:
    """Append the organisation's recognition and challenge events to its lake (idempotent).

    ``lock_timeout``: seconds to wait for another writer of the lake (a background job
    waits for an ingest running beside it; a request should fail fast instead).
    """
    org = session.get(Organisation, org_id)
    if org is None:
        raise ValueError(f"no organisation {org_id}")
    product = pl.concat([recognition_events(session, org_id), challenge_events(session, org_id)])
    events = with_employee_ids(session, org_id, product)
    if events.height == 0:
        return AppendResult(added=0, duplicates=0, months=[])
    lake = EventLake(settings.org_lake_dir(org.slug), lock_timeout=lock_timeout)
    result = lake.append(events)
    audit.append(
        session,
        actor=actor,
        action="recognition.export",
        subject=f"org:{org_id}",
        payload={"added": result.added, "duplicates": result.duplicates},
        org_id=org_id,
    )
    return result
