"""Matching the identifiers of events to the people of the organisation, before scoring.

A ranking of the organisation's people must hold only its people: an identifier that
names nobody (an address the HRIS never listed) would otherwise be scored as a stranger
and push everyone's rank down. So an upload lists its unmatched identifiers, with how many
events each appears in, for HR to map, ignore or add (:mod:`renown.org.aliases`) before
scoring; and a scoring run rewrites every identifier to its person's employee id (one
node per person, however many names they appear under) and leaves out the events of
identifiers that are ignored or still unmatched, counting each kind of event on the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.events import EventColumn
from renown.org.identities import IdentityMatch, match_identities
from renown.store.tables.org import Person

MAX_LISTED: Final = 500
"""Unmatched identifiers an upload keeps (the most frequent first); the rest are counted."""

Status = Literal["unmatched", "mapped", "ignored", "matched"]


@dataclass(frozen=True)
class UnmatchedIdentifier:
    """An identifier of an upload that named nobody known when it was uploaded."""

    identifier: str
    """As the events spell it."""
    events: int
    """How many of the upload's events name it (as actor or as target)."""
    status: Status
    """``unmatched`` until HR decides; then ``mapped`` or ``ignored``, or ``matched`` once
    the org chart (or an added person) knows it."""
    person_id: int | None = None
    """The person it names now, if any."""
    person_name: str | None = None
    """That person's name."""


@dataclass(frozen=True)
class EventMatching:
    """How a run's events matched the organisation's people."""

    matched: int = 0
    """Events scored whose identifiers the org chart knows."""
    mapped: int = 0
    """Events scored that name someone through a mapping HR chose."""
    ignored: int = 0
    """Events left out: one of their identifiers is ignored."""
    unmatched: int = 0
    """Events left out: one of their identifiers names nobody yet."""

    def as_dict(self) -> dict[str, int]:
        """Field name -> count, as run records and job results store them."""
        return {
            "events_matched": self.matched,
            "events_mapped": self.mapped,
            "events_ignored": self.ignored,
            "events_unmatched": self.unmatched,
        }


def identifier_counts(events: pl.DataFrame) -> dict[str, int]:
    """Identifier -> number of events naming it (an event naming it twice counts once)."""
    pairs = pl.concat(
        [
            events.select(
                pl.int_range(pl.len()).alias("row"),
                pl.col(column).cast(pl.String).alias("id"),
            )
            for column in (EventColumn.ACTOR, EventColumn.TARGET)
        ]
    )
    counted = pairs.drop_nulls("id").unique().group_by("id").len()
    return dict(
        zip(counted.get_column("id").to_list(), counted.get_column("len").to_list(), strict=True)
    )


def unmatched_in(session: Session, org_id: int, events: pl.DataFrame) -> dict[str, Any]:
    """The unmatched identifiers of ``events``, most frequent first, for a job's params:
    ``{"unmatched": [[identifier, events], ...], "unmatched_identifiers": total}``."""
    counts = identifier_counts(events)
    unmatched = match_identities(session, org_id, counts).unmatched(counts)
    ranked = sorted(unmatched, key=lambda raw: (-counts[raw], raw))
    return {
        "unmatched": [[raw, counts[raw]] for raw in ranked[:MAX_LISTED]],
        "unmatched_identifiers": len(ranked),
    }


def status_of(session: Session, org_id: int, listed: Iterable[Any]) -> list[UnmatchedIdentifier]:
    """The identifiers an upload listed (``[identifier, events]`` pairs), as they stand now."""
    pairs = [(str(item[0]), int(item[1])) for item in listed]
    match = match_identities(session, org_id, (raw for raw, _ in pairs))
    names = _names(session, set(match.owners.values()))
    answer: list[UnmatchedIdentifier] = []
    for raw, events in pairs:
        person = match.owners.get(raw)
        status: Status = (
            "ignored"
            if raw in match.ignored
            else "mapped"
            if raw in match.mapped
            else "matched"
            if person is not None
            else "unmatched"
        )
        answer.append(UnmatchedIdentifier(raw, events, status, person, names.get(person or 0)))
    return answer


@dataclass(frozen=True)
class MatchedEvents:
    """A run's events ready for :func:`~renown.scoring.pipeline.score_events`."""

    events: pl.DataFrame
    """The events whose identifiers all name people (or nobody: a missing actor)."""
    aliases: dict[str, str]
    """Identifier -> the employee id of its person, for ``score_events(aliases=...)``."""
    matching: EventMatching
    """How many events were of each kind."""


def match_events(session: Session, org_id: int, events: pl.DataFrame) -> MatchedEvents:
    """``events`` without those of ignored or unmatched identifiers, the aliases that name
    every remaining person by their employee id, and how many events were of each kind."""
    events = events.with_columns(
        pl.col(EventColumn.ACTOR).cast(pl.String), pl.col(EventColumn.TARGET).cast(pl.String)
    )
    counts = identifier_counts(events)
    match = match_identities(session, org_id, counts)
    kinds = _kinds_of(match, counts)
    kind_of = pl.DataFrame(
        {"id": list(kinds), "kind": list(kinds.values())},
        schema={"id": pl.String, "kind": pl.Int8},
    )
    ranked = (
        events.with_row_index("_row")
        .join(
            kind_of.rename({"id": EventColumn.ACTOR, "kind": "_a"}),
            on=EventColumn.ACTOR,
            how="left",
        )
        .join(
            kind_of.rename({"id": EventColumn.TARGET, "kind": "_t"}),
            on=EventColumn.TARGET,
            how="left",
        )
        .with_columns(
            pl.max_horizontal(pl.col("_a").fill_null(0), pl.col("_t").fill_null(0)).alias("_k")
        )
        .sort("_row")
    )
    tally = dict(ranked.group_by("_k").len().iter_rows())
    kept = ranked.filter(pl.col("_k") <= MAPPED).drop("_row", "_a", "_t", "_k")
    matching = EventMatching(
        matched=int(tally.get(MATCHED, 0)),
        mapped=int(tally.get(MAPPED, 0)),
        ignored=int(tally.get(IGNORED, 0)),
        unmatched=int(tally.get(UNMATCHED, 0)),
    )
    aliases = {raw: key for raw, key in _canonical_ids(session, match).items() if raw != key}
    return MatchedEvents(kept, aliases, matching)


MATCHED, MAPPED, UNMATCHED, IGNORED = 0, 1, 2, 3
"""An identifier's kind, ordered so that an event takes the larger of its two: an event
with an ignored identifier counts as ignored, one with an unmatched one as unmatched."""


def _kinds_of(match: IdentityMatch, counts: Mapping[str, int]) -> dict[str, int]:
    return {
        raw: IGNORED
        if raw in match.ignored
        else MAPPED
        if raw in match.mapped
        else MATCHED
        if raw in match.owners
        else UNMATCHED
        for raw in counts
    }


def _canonical_ids(session: Session, match: IdentityMatch) -> dict[str, str]:
    """Raw identifier -> the employee id of the person it names."""
    employee_ids: dict[int, str] = {}
    people = sorted(set(match.owners.values()))
    for start in range(0, len(people), 5000):
        rows = session.execute(
            sa.select(Person.id, Person.employee_id).where(
                Person.id.in_(people[start : start + 5000])
            )
        )
        employee_ids.update((person, employee) for person, employee in rows)
    return {raw: employee_ids[p] for raw, p in match.owners.items() if p in employee_ids}


def _names(session: Session, people: set[int]) -> dict[int, str]:
    if not people:
        return {}
    rows = session.execute(sa.select(Person.id, Person.name).where(Person.id.in_(sorted(people))))
    return {person: name for person, name in rows}
