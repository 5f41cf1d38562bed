"""A deterministic synthetic organisation: people, reporting lines and interaction events.

``make demo``, the tests of every scoring measure and the benchmarks need an organisation
that looks real without exposing anyone: thousands of people, a management tree, and
months of heavy-tailed, homophilous, office-hours interaction. The same arguments always
give the same frames (down to the event keys), so scores computed on the demo can be
quoted in documentation and compared across code versions. Collusion rings can be added on
top, with the ring members returned as ground truth for anti-gaming tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
import polars as pl

from renown.core.events import EventColumn
from renown.demo.activity import (
    CHAT,
    MENTION,
    MESSAGE,
    SOCIAL,
    EventCodes,
    events_frame,
    generate_events,
)
from renown.demo.hierarchy import build_roster
from renown.demo.workdays import WorkCalendar, months_before

DEFAULT_END: Final = datetime(2026, 6, 30, tzinfo=UTC)
RING_CHAT_SHARE: Final = 0.7
"""Share of ring events sent as chat messages; the rest are social mentions."""
RING_ACTIVITY_QUANTILES: Final = (0.2, 0.6)
"""Ring members come from this band of activity: ordinary people, not the stars."""


@dataclass(frozen=True, eq=False)
class SyntheticOrg:
    """A generated organisation and everything that happened in it during the window.

    Attributes
    ----------
    people:
        One row per person: ``person_id``, ``name``, ``email``, ``title``, ``level``
        (1-6), ``team``, ``department``, ``manager_id`` (null for the CEO), ``hired_on``
        and ``left_on`` (null unless the person left during the window).
    events:
        Canonical event frame (:data:`renown.ingest.schema.EVENT_SCHEMA`), sorted by time.
    seed:
        Seed the organisation was generated from.
    start, end:
        The window ``[start, end)`` the events cover.
    bridges:
        Ids of the people designated to keep many ties across departments.
    collusion_rings:
        Rings injected by :func:`inject_collusion_rings`, as ground truth.
    """

    people: pl.DataFrame
    events: pl.DataFrame
    seed: int
    start: datetime
    end: datetime
    bridges: tuple[str, ...]
    collusion_rings: tuple[tuple[str, ...], ...] = ()

    @property
    def groups(self) -> dict[str, str]:
        """Department of every person, keyed by person id (the graph builder's ``groups``)."""
        return dict(self.people.select("person_id", "department").iter_rows())

    @property
    def managers(self) -> frozenset[str]:
        """Ids of everyone who has at least one direct report."""
        return frozenset(self.people.get_column("manager_id").drop_nulls().to_list())


def generate_org(
    *,
    people: int = 3000,
    months: int = 6,
    seed: int = 7,
    end: datetime = DEFAULT_END,
) -> SyntheticOrg:
    """Generate a synthetic organisation and its interaction events.

    Parameters
    ----------
    people:
        Head count (at least 30). The default gives about 11 departments and 400k events.
    months:
        Length of the event window in calendar months, ending at ``end``.
    seed:
        Non-negative seed; equal arguments give identical people and event frames.
    end:
        Aware datetime closing the window (exclusive).

    Returns
    -------
    SyntheticOrg
        The people, their events and the designated bridge people.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    if end.tzinfo is None:
        raise ValueError("end must be an aware datetime")
    end = end.astimezone(UTC)
    start = months_before(end, months)
    structure_seed, events_seed = np.random.SeedSequence(seed).spawn(2)
    roster, frame = build_roster(np.random.default_rng(structure_seed), people, start, end)
    events = generate_events(
        np.random.default_rng(events_seed),
        roster,
        WorkCalendar.between(start, end),
        key_prefix=("demo", seed),
    )
    return SyntheticOrg(
        people=frame,
        events=events,
        seed=seed,
        start=start,
        end=end,
        bridges=tuple(roster.ids[roster.bridge].tolist()),
    )


def _ring_candidates(org: SyntheticOrg) -> list[str]:
    """Ordinary people: no reports, no bridge, no earlier ring, employed all window long,
    with an activity between the 20th and 60th percentile of such people."""
    excluded = org.managers | set(org.bridges) | {p for ring in org.collusion_rings for p in ring}
    sent = org.events.group_by(EventColumn.ACTOR).len(name="sent")
    eligible = (
        org.people.filter(
            (pl.col("level") <= 3)
            & ~pl.col("person_id").is_in(sorted(excluded))
            & (pl.col("hired_on") <= org.start.date())
            & pl.col("left_on").is_null()
        )
        .join(sent, left_on="person_id", right_on=EventColumn.ACTOR, how="left")
        .with_columns(pl.col("sent").fill_null(0))
    )
    low, high = (eligible.get_column("sent").quantile(q) for q in RING_ACTIVITY_QUANTILES)
    band = eligible.filter(pl.col("sent").is_between(low, high))
    return sorted(band.get_column("person_id").to_list())


def inject_collusion_rings(
    org: SyntheticOrg,
    *,
    rings: int = 3,
    size: int = 5,
    events_per_pair: int = 60,
    seed: int = 11,
) -> tuple[SyntheticOrg, list[list[str]]]:
    """Add rings of ordinary people who message and mention each other heavily.

    Each ring member addresses every other member ``events_per_pair`` times, spread over
    the window in office hours, the way a group inflating each other's score would. Members
    are drawn from low-to-mid activity people who manage nobody and are not bridges, so a
    detector cannot succeed by merely flagging the busiest people.

    Parameters
    ----------
    org:
        Organisation to add the rings to; it is not modified.
    rings, size:
        Number of disjoint rings and members per ring (at least 2).
    events_per_pair:
        Events for each ordered pair of members.
    seed:
        Seed of the member choice and event draws (combined with ``org.seed``).

    Returns
    -------
    tuple of SyntheticOrg and list of list of str
        The organisation with the ring events added (and recorded in
        ``collusion_rings``), and the member ids of each new ring.
    """
    if rings < 1 or size < 2 or events_per_pair < 1:
        raise ValueError("need rings >= 1, size >= 2 and events_per_pair >= 1")
    candidates = _ring_candidates(org)
    if len(candidates) < rings * size:
        raise ValueError(
            f"only {len(candidates)} eligible people for {rings} rings of {size} members"
        )
    rng = np.random.default_rng([org.seed, seed, len(org.collusion_rings)])
    members = rng.choice(np.asarray(candidates), size=(rings, size), replace=False)

    # Rows of ``members.ravel()``: ring r holds rows r*size ... r*size + size - 1.
    local = np.arange(size)
    actor_in_ring, target_in_ring = (a.ravel() for a in np.meshgrid(local, local, indexing="ij"))
    distinct = actor_in_ring != target_in_ring
    offsets = np.arange(rings)[:, None] * size
    actor = np.repeat((offsets + actor_in_ring[distinct]).ravel(), events_per_pair)
    target = np.repeat((offsets + target_in_ring[distinct]).ravel(), events_per_pair)

    calendar = WorkCalendar.between(org.start, org.end)
    count = len(actor)
    chat = rng.random(count) < RING_CHAT_SHARE
    codes = EventCodes(
        actor=actor.astype(np.int64),
        target=target.astype(np.int64),
        time_us=calendar.sample(
            rng,
            np.zeros(count, dtype=np.int64),
            np.full(count, len(calendar.day_us), dtype=np.int64),
        ),
        channel=np.where(chat, CHAT, SOCIAL).astype(np.int64),
        kind=np.where(chat, MESSAGE, MENTION).astype(np.int64),
    )
    ring_events = events_frame(
        members.ravel(),
        codes,
        key_prefix=("demo", org.seed, "ring", seed, len(org.collusion_rings)),
    )
    events = pl.concat([org.events, ring_events]).sort(EventColumn.TIMESTAMP, maintain_order=True)
    new_rings = [list(map(str, ring)) for ring in members.tolist()]
    injected = dataclasses.replace(
        org,
        events=events,
        collusion_rings=org.collusion_rings + tuple(tuple(ring) for ring in new_rings),
    )
    return injected, new_rings
