"""Interaction events of the synthetic organisation, drawn for all people at once.

Prominence scores are only convincing on data with the shape of real communication, so
the generator reproduces its well-known regularities: activity is heavy-tailed (a few
people send a large share of everything), most traffic stays inside teams, mail gets
replies and copies, code review happens among engineers, the public upvotes visible
people anonymously, and everything happens on weekdays in office hours. All draws are
vectorised numpy; only the event keys are computed one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.events import Channel, EventColumn, Kind, event_key
from renown.demo.hierarchy import Roster
from renown.demo.partners import IntArray, PartnerModel
from renown.demo.workdays import MICROS_PER_SECOND, WorkCalendar
from renown.ingest.schema import conform

SOURCE: Final = "demo"
EVENTS_PER_WORKDAY: Final = 0.8
"""Interactions a typical person starts per working day (before copies and replies)."""
ACTIVITY_SIGMA: Final = 1.1
"""Spread of the lognormal activity level: the top 1% start roughly 10% of all events."""
ROLE_ACTIVITY: Final = np.array([0.0, 1.0, 1.0, 1.0, 1.4, 1.6, 1.8])
"""Activity multiplier by level (index): managers spend their days communicating."""
BRIDGE_ACTIVITY: Final = 2.0
CC_SHARE: Final = 0.3
REPLY_SHARE: Final = 0.35
REPLY_MEDIAN_SECONDS: Final = 2 * 3600.0
ANONYMOUS_SHARE: Final = 0.05

CHANNELS: Final = (Channel.EMAIL, Channel.CHAT, Channel.REVIEW, Channel.SOCIAL, Channel.KUDOS)
EMAIL, CHAT, REVIEW, SOCIAL, KUDOS = range(len(CHANNELS))
CHANNEL_MIX: Final = np.array(
    [
        [0.45, 0.40, 0.01, 0.10, 0.04],  # departments that do not write code
        [0.22, 0.46, 0.20, 0.08, 0.04],  # engineering departments
    ]
)
KINDS: Final = (
    Kind.TO,
    Kind.CC,
    Kind.REPLY,
    Kind.MESSAGE,
    Kind.MENTION,
    Kind.REACTION,
    Kind.REVIEW,
    Kind.COMMENT,
    Kind.UPVOTE,
    Kind.KUDOS,
)
TO, CC, REPLY, MESSAGE, MENTION, REACTION, REVIEW_KIND, COMMENT, UPVOTE, KUDOS_KIND = range(
    len(KINDS)
)
KIND_MIX: Final[dict[int, tuple[tuple[int, ...], tuple[float, ...]]]] = {
    EMAIL: ((TO,), (1.0,)),
    CHAT: ((MESSAGE, MENTION, REACTION), (0.62, 0.23, 0.15)),
    REVIEW: ((REVIEW_KIND, COMMENT), (0.65, 0.35)),
    SOCIAL: ((MENTION, UPVOTE), (0.45, 0.55)),
    KUDOS: ((KUDOS_KIND,), (1.0,)),
}
"""Kinds of a first-hand event per channel; copies and replies are added afterwards."""


@dataclass(frozen=True, eq=False)
class EventCodes:
    """Columns of a batch of events as integer codes.

    ``actor`` and ``target`` are roster rows (actor ``-1`` means anonymous), ``channel``
    indexes :data:`CHANNELS` and ``kind`` indexes :data:`KINDS`.
    """

    actor: IntArray
    target: IntArray
    time_us: IntArray
    channel: IntArray
    kind: IntArray

    def subset(self, rows: NDArray[np.bool_] | IntArray) -> EventCodes:
        """The events selected by a boolean mask or an index array, in that order."""
        return EventCodes(
            self.actor[rows],
            self.target[rows],
            self.time_us[rows],
            self.channel[rows],
            self.kind[rows],
        )

    @staticmethod
    def concat(batches: list[EventCodes]) -> EventCodes:
        """All events of ``batches``, one batch after the other."""
        return EventCodes(
            *(
                np.concatenate([getattr(b, name) for b in batches])
                for name in ("actor", "target", "time_us", "channel", "kind")
            )
        )


def activity_levels(rng: np.random.Generator, roster: Roster) -> NDArray[np.float64]:
    """Heavy-tailed relative activity per person (mean about 1 for contributors)."""
    base = rng.lognormal(-(ACTIVITY_SIGMA**2) / 2.0, ACTIVITY_SIGMA, roster.size)
    # Bridges are connectors by definition: never among the quiet, whatever the draw.
    base = np.where(roster.bridge, BRIDGE_ACTIVITY * np.maximum(base, 1.0), base)
    activity: NDArray[np.float64] = base * ROLE_ACTIVITY[roster.level]
    return activity


def _first_hand(
    rng: np.random.Generator,
    roster: Roster,
    partners: PartnerModel,
    calendar: WorkCalendar,
    activity: NDArray[np.float64],
) -> EventCodes:
    """Events people start themselves: a Poisson count per person over their working days."""
    lo, hi = calendar.day_range(roster.active_from_us, roster.active_until_us)
    counts = rng.poisson(EVENTS_PER_WORKDAY * activity * (hi - lo))
    actor = np.repeat(np.arange(roster.size, dtype=np.int64), counts)
    time_us = calendar.sample(rng, lo[actor], hi[actor])
    target = partners.targets(rng, actor)

    mix = np.cumsum(CHANNEL_MIX, axis=1)[roster.engineering[actor].astype(np.int64)]
    channel = (rng.random(len(actor))[:, None] > mix).sum(axis=1).astype(np.int64)
    channel = np.minimum(channel, len(CHANNELS) - 1)
    # Engineers review engineers' code; a "review" addressed elsewhere is really a chat.
    stray = (channel == REVIEW) & roster.engineering[actor] & ~roster.engineering[target]
    channel[stray] = CHAT

    kind = np.empty(len(actor), dtype=np.int64)
    for code, (kinds, shares) in KIND_MIX.items():
        rows = np.flatnonzero(channel == code)
        kind[rows] = rng.choice(np.asarray(kinds, dtype=np.int64), size=len(rows), p=shares)
    return EventCodes(actor, target, time_us, channel, kind)


def _copies(rng: np.random.Generator, partners: PartnerModel, mail: EventCodes) -> EventCodes:
    """Colleagues copied on a share of the mail, at the same instant as the original."""
    copied = mail.subset(rng.random(len(mail.actor)) < CC_SHARE)
    target = partners.colleague(rng, copied.actor)
    keep = target != copied.target
    kind = np.full(len(target), CC, dtype=np.int64)
    return EventCodes(copied.actor, target, copied.time_us, copied.channel, kind).subset(keep)


def _replies(rng: np.random.Generator, roster: Roster, mail: EventCodes) -> EventCodes:
    """Recipients answering mail after a lognormal delay; some people reply more than others."""
    responsiveness = np.clip(REPLY_SHARE * rng.lognormal(0.0, 0.5, roster.size), 0.0, 0.9)
    answered = mail.subset(rng.random(len(mail.actor)) < responsiveness[mail.target])
    delay_s = rng.lognormal(np.log(REPLY_MEDIAN_SECONDS), 1.0, len(answered.actor))
    time_us = answered.time_us + (delay_s * MICROS_PER_SECOND).astype(np.int64)
    kind = np.full(len(time_us), REPLY, dtype=np.int64)
    return EventCodes(answered.target, answered.actor, time_us, answered.channel, kind)


def _anonymous_upvotes(
    rng: np.random.Generator, partners: PartnerModel, calendar: WorkCalendar, count: int
) -> EventCodes:
    """Public upvotes without a known actor, going mostly to visible people."""
    days = len(calendar.day_us)
    time_us = calendar.sample(
        rng, np.zeros(count, dtype=np.int64), np.full(count, days, dtype=np.int64)
    )
    return EventCodes(
        np.full(count, -1, dtype=np.int64),
        partners.visible(rng, count),
        time_us,
        np.full(count, SOCIAL, dtype=np.int64),
        np.full(count, UPVOTE, dtype=np.int64),
    )


def _plausible(roster: Roster, calendar: WorkCalendar, batch: EventCodes) -> NDArray[np.bool_]:
    """Inside the window, between two people employed at that instant, not to oneself."""
    t = batch.time_us
    known = batch.actor >= 0
    actor = np.where(known, batch.actor, 0)
    actor_ok = ~known | ((roster.active_from_us[actor] <= t) & (t < roster.active_until_us[actor]))
    target_ok = (roster.active_from_us[batch.target] <= t) & (
        t < roster.active_until_us[batch.target]
    )
    in_window = (calendar.start_us <= t) & (t < calendar.end_us)
    plausible: NDArray[np.bool_] = actor_ok & target_ok & in_window & (batch.actor != batch.target)
    return plausible


def generate_events(
    rng: np.random.Generator,
    roster: Roster,
    calendar: WorkCalendar,
    *,
    key_prefix: tuple[object, ...],
) -> pl.DataFrame:
    """Draw the canonical event frame of the organisation over the calendar's window.

    Parameters
    ----------
    rng:
        Source of randomness; the same state yields the same frame.
    roster:
        The organisation (see :func:`renown.demo.hierarchy.build_roster`).
    calendar:
        Window and working days.
    key_prefix:
        Leading parts of every event key; row ``i`` gets ``event_key(*key_prefix, i)``.

    Returns
    -------
    polars.DataFrame
        Events in the canonical schema, sorted by time.
    """
    activity = activity_levels(rng, roster)
    partners = PartnerModel.of(roster, activity, rng)
    first = _first_hand(rng, roster, partners, calendar, activity)
    mail = first.subset(first.kind == TO)
    anonymous_count = int(rng.poisson(ANONYMOUS_SHARE * len(first.actor)))
    batch = EventCodes.concat(
        [
            first,
            _copies(rng, partners, mail),
            _replies(rng, roster, mail),
            _anonymous_upvotes(rng, partners, calendar, anonymous_count),
        ]
    )
    batch = batch.subset(_plausible(roster, calendar, batch))
    order = np.lexsort((batch.kind, batch.channel, batch.target, batch.actor, batch.time_us))
    return events_frame(
        roster.ids,
        batch.subset(order),
        key_prefix=key_prefix,
    )


def events_frame(
    ids: NDArray[np.str_], batch: EventCodes, *, key_prefix: tuple[object, ...]
) -> pl.DataFrame:
    """Turn integer-coded events into the canonical polars frame."""
    people = pl.Series(ids)
    anonymous = np.flatnonzero(batch.actor < 0)
    actor_rows = (
        pl.Series(batch.actor).scatter(anonymous, None)
        if len(anonymous)
        else pl.Series(batch.actor)
    )
    keys = [event_key(*key_prefix, i) for i in range(len(batch.actor))]
    frame = pl.DataFrame(
        {
            EventColumn.EVENT_KEY: pl.Series(keys, dtype=pl.String),
            EventColumn.ACTOR: people.gather(actor_rows),
            EventColumn.TARGET: people.gather(pl.Series(batch.target)),
            EventColumn.TIMESTAMP: pl.Series(batch.time_us).cast(pl.Datetime("us", "UTC")),
            EventColumn.CHANNEL: pl.Series([c.value for c in CHANNELS]).gather(
                pl.Series(batch.channel)
            ),
            EventColumn.KIND: pl.Series([k.value for k in KINDS]).gather(pl.Series(batch.kind)),
            EventColumn.WEIGHT: np.ones(len(keys)),
            EventColumn.SOURCE: pl.repeat(SOURCE, len(keys), eager=True),
        }
    )
    return conform(frame)
