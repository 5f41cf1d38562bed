"""The demo's social layer: kudos with reactions and comments, and 360° feedback.

Everything goes through the product's own actions, each with a clock set to the moment it
happens, so the monthly allowance, the pair cap, the no-self-kudos rule, the relationship
the org chart implies and the anonymity releases all hold exactly as they would for real
people; a kudos the limits refuse is simply not given. People who have no account act as
:class:`SeededColleague`, which the audit log names as seeded, never as an account.

What is drawn (deterministically, from the seed and employee ids, never from database ids):

* **Kudos** over the last :data:`SOCIAL_MONTHS` months: each month about one person in
  :data:`GIVERS_PER` thanks one to three of their frequent collaborators (from the
  interactions in the event lake), so kudos follow real working ties.
* **The cast** is shown at its best: the demo employee is thanked by six collaborators in
  the last month and thanks someone every week; their manager is thanked by reports.
* **Reactions and comments** under kudos, from the receiver's collaborators.
* **360° feedback** for the manager's reports: private self-assessments a quarter apart,
  named feedback from the manager and a peer,
  anonymous answers about the demo employee from enough distinct colleagues for a release
  (so both the employee and the manager see an aggregate), fewer than that for another
  report (shown as "fewer than N responses"), upward anonymous feedback for the manager,
  and one open request to the demo employee.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.errors import Invalid
from renown.core.events import EventColumn
from renown.core.roles import Role
from renown.demo.texts import (
    COMMENTS,
    FEEDBACK_THEMES,
    KUDOS_MESSAGES,
    REQUEST_MESSAGE,
    feedback_text,
)
from renown.demo.workdays import months_before
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.frameworks import competency_keys, do_seed_default_framework
from renown.feedback.requests import check_request_feedback
from renown.feedback.thresholds import org_threshold
from renown.feedback.vocabulary import Anonymity, Visibility
from renown.recognition.actions import REACTION_KINDS, check_comment, check_give_kudos, check_react
from renown.store.tables.org import Person

SOCIAL_MONTHS: Final = 5
GIVERS_PER: Final = 70
"""About one person in this many gives kudos in a given month."""
TOP_COLLABORATORS: Final = 12
REACTIONS_PER_KUDOS: Final = 1.0
COMMENT_SHARE: Final = 0.15
REPORTS_WITH_FEEDBACK: Final = 6
REQUEST_LIFETIME: Final = timedelta(days=60)
SELF_ASSESSMENT_DAYS: Final = (100, 10)
"""Team members assess themselves this many days before the end of the data."""


@dataclass(frozen=True)
class SeededColleague(Principal):
    """A demo person acting without an account (the audit log says the demo seeded it)."""

    @property
    def actor(self) -> str:
        """How the audit log names what the demo seeding did in this person's name."""
        return f"demo-seed:person:{self.person_id}"


@dataclass(frozen=True)
class Colleague:
    """What drawing the social layer needs to know of a person."""

    id: int
    manager_id: int | None
    hired_on: date | None
    left_on: date | None

    def present(self, at: datetime) -> bool:
        """Working here at ``at`` (hired, not yet left)."""
        day = at.date()
        return (self.hired_on is None or self.hired_on <= day) and (
            self.left_on is None or day < self.left_on
        )


@dataclass(frozen=True)
class SocialSummary:
    """What seeding the social layer added."""

    kudos: int
    reactions: int
    comments: int
    feedback: int


class _Seeder:
    """Draws and gives the social layer inside one transaction."""

    def __init__(
        self,
        session: Session,
        org_id: int,
        people: dict[str, Colleague],
        accounts: dict[int, Principal],
        rng: np.random.Generator,
    ) -> None:
        self.session, self.org_id, self.people, self.rng = session, org_id, people, rng
        self.accounts = accounts
        self.kudos_ids: list[tuple[int, str, datetime]] = []
        self.feedback = 0
        self.texts: set[str] = set()
        """Every feedback comment given so far (each is unique)."""

    def principal(self, employee: str) -> Principal:
        person = self.people[employee].id
        return self.accounts.get(person) or SeededColleague(
            account_id=0, org_id=self.org_id, role=Role.EMPLOYEE, person_id=person, email=""
        )

    def give_kudos(self, giver: str, receiver: str, at: datetime) -> None:
        if not (self.people[giver].present(at) and self.people[receiver].present(at)):
            return
        message, competency = KUDOS_MESSAGES[int(self.rng.integers(len(KUDOS_MESSAGES)))]
        try:
            kudos = check_give_kudos(
                self.session,
                self.principal(giver),
                self.people[receiver].id,
                message,
                clock=FixedClock(at),
                competency=competency,
            )
        except Invalid:  # over the allowance or the pair cap: the product refuses, so do we
            return
        self.kudos_ids.append((kudos.id, receiver, at))

    def assess_self(self, person: str, at: datetime, keys: Sequence[str]) -> None:
        """A self-assessment on every competency, kept private (the person's own 360 page
        compares it with what others said; promotion boards never read private items)."""
        ratings = {key: int(self.rng.integers(2, 6)) for key in keys}
        check_give_feedback(
            self.session,
            self.principal(person),
            receiver_id=self.people[person].id,
            answer=Answer(text="", ratings=ratings),
            visibility=Visibility.PRIVATE,
            clock=FixedClock(at),
        )
        self.feedback += 1

    def give_feedback(
        self,
        giver: str,
        receiver: str,
        at: datetime,
        *,
        visibility: Visibility,
        anonymous: bool = False,
    ) -> None:
        keys = FEEDBACK_THEMES[int(self.rng.integers(len(FEEDBACK_THEMES)))]
        ratings = {key: int(self.rng.integers(3, 6)) for key in keys}
        text = feedback_text(self.rng, keys, self.texts)
        check_give_feedback(
            self.session,
            self.principal(giver),
            receiver_id=self.people[receiver].id,
            answer=Answer(text=text, ratings=ratings),
            visibility=visibility,
            anonymous=anonymous,
            clock=FixedClock(at),
        )
        self.feedback += 1


def seed_social(
    session: Session,
    org_id: int,
    events: pl.LazyFrame,
    *,
    manager: int,
    employee: int,
    accounts: Iterable[Principal],
    end: datetime,
    seed: int,
    asked_at: datetime,
) -> SocialSummary:
    """Add the social layer to the organisation (the caller checks it is not there yet).

    ``events``: the organisation's interactions (employee ids), whose frequent pairs are
    who thanks whom; ``end``: the end of the demo's data; ``asked_at``: when the open
    feedback request is asked (it must still be open when people look at the demo).
    """
    do_seed_default_framework(session, org_id, actor="system")
    people, by_id, _loaded = _colleagues(session, org_id)
    start = months_before(end, SOCIAL_MONTHS)
    partners = collaborators(events, start, end, set(people))
    seeder = _Seeder(
        session,
        org_id,
        people,
        {p.person_id: p for p in accounts if p.person_id is not None},
        np.random.default_rng([seed, 2026]),
    )
    me, boss = by_id[employee], by_id[manager]
    reports = sorted(
        e
        for e, c in people.items()
        if c.manager_id == manager and e != me and c.present(end - timedelta(days=1))
    )
    for giver, receiver, at in sorted(
        _background_kudos(seeder.rng, partners, start, end)
        + _cast_kudos(seeder.rng, partners, me, boss, reports, end)
    ):
        seeder.give_kudos(giver, receiver, at)
    reactions, comments = _reactions_and_comments(seeder, partners, end)
    _feedback(seeder, me, boss, reports, partners, end)
    check_request_feedback(
        session,
        seeder.principal(boss),
        person_ids=[people[e].id for e in [me, *reports[:2]]],
        expires_at=asked_at + REQUEST_LIFETIME,
        competencies=["leadership", "communication"],
        message=REQUEST_MESSAGE,
        anonymity=Anonymity.ALLOWED,
        clock=FixedClock(asked_at),
    )
    return SocialSummary(len(seeder.kudos_ids), reactions, comments, seeder.feedback)


def _colleagues(
    session: Session, org_id: int
) -> tuple[dict[str, Colleague], dict[int, str], list[Person]]:
    """Everyone, keyed by employee id; and the loaded rows, which the caller keeps alive
    so the actions' thousands of look-ups by id are answered from the session."""
    rows = list(session.scalars(sa.select(Person).where(Person.org_id == org_id)))
    people = {p.employee_id: Colleague(p.id, p.manager_id, p.hired_on, p.left_on) for p in rows}
    return people, {c.id: e for e, c in people.items()}, rows


def collaborators(
    events: pl.LazyFrame, start: datetime, end: datetime, known: set[str]
) -> dict[str, list[str]]:
    """Each person's most frequent interaction partners in ``[start, end)``, most first."""
    pairs = (
        events.filter(
            (pl.col(EventColumn.TIMESTAMP) >= start)
            & (pl.col(EventColumn.TIMESTAMP) < end)
            & (pl.col(EventColumn.ACTOR) != pl.col(EventColumn.TARGET))
        )
        .group_by(EventColumn.ACTOR, EventColumn.TARGET)
        .len()
        .collect()
        .filter(
            pl.col(EventColumn.ACTOR).is_in(sorted(known))
            & pl.col(EventColumn.TARGET).is_in(sorted(known))
        )
        .sort(["len", EventColumn.ACTOR, EventColumn.TARGET], descending=[True, False, False])
        .group_by(EventColumn.ACTOR, maintain_order=True)
        .head(TOP_COLLABORATORS)
    )
    partners: dict[str, list[str]] = {}
    for actor, target in pairs.select(EventColumn.ACTOR, EventColumn.TARGET).iter_rows():
        partners.setdefault(str(actor), []).append(str(target))
    return dict(sorted(partners.items()))


def _month_starts(start: datetime, end: datetime) -> list[datetime]:
    month = datetime(start.year, start.month, 1, tzinfo=UTC)
    starts = []
    while month < end:
        starts.append(max(month, start))
        month = (month + timedelta(days=32)).replace(day=1)
    return starts


def _workday_time(rng: np.random.Generator, day: datetime) -> datetime:
    """A moment in office hours (UTC) on ``day``'s date, moved off weekends."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        minutes=int(rng.integers(0, 9 * 60))
    )


def _between(rng: np.random.Generator, start: datetime, end: datetime) -> datetime:
    at = _workday_time(rng, start + timedelta(days=float(rng.uniform(0, (end - start).days))))
    return min(at, end - timedelta(hours=1))


def _background_kudos(
    rng: np.random.Generator, partners: dict[str, list[str]], start: datetime, end: datetime
) -> list[tuple[str, str, datetime]]:
    givers = sorted(partners)
    drawn: list[tuple[str, str, datetime]] = []
    starts = _month_starts(start, end)
    for month_start, month_end in zip(starts, [*starts[1:], end], strict=True):
        count = max(1, len(givers) // GIVERS_PER)
        for giver in rng.choice(givers, size=min(count, len(givers)), replace=False):
            targets = partners[str(giver)]
            for _ in range(int(rng.choice([1, 1, 1, 2, 3]))):
                # frequent partners are thanked more: pick from the top of the list
                index = min(int(rng.geometric(0.35)) - 1, len(targets) - 1)
                drawn.append((str(giver), targets[index], _between(rng, month_start, month_end)))
    return drawn


def _cast_kudos(
    rng: np.random.Generator,
    partners: dict[str, list[str]],
    me: str,
    boss: str,
    reports: Sequence[str],
    end: datetime,
) -> list[tuple[str, str, datetime]]:
    """The demo employee thanked by six colleagues in the last month and thanking weekly;
    their manager thanked by reports."""
    thanking_me = [p for p in [*reports, *partners.get(me, [])] if p not in (me, boss)]
    month = end - timedelta(days=28)
    drawn = [
        (giver, me, _between(rng, month, end)) for giver in list(dict.fromkeys(thanking_me))[:6]
    ]
    thanked = [p for p in [*partners.get(me, []), *reports] if p != me] or [boss]
    for week in range(5):
        day = end - timedelta(days=7 * (week + 1))
        drawn.append((me, thanked[week % len(thanked)], _workday_time(rng, day)))
    drawn += [(r, boss, _between(rng, end - timedelta(days=60), end)) for r in reports[:3]]
    return drawn


def _reactions_and_comments(
    seeder: _Seeder, partners: dict[str, list[str]], end: datetime
) -> tuple[int, int]:
    rng = seeder.rng
    reactions = comments = 0
    for kudos_id, receiver, at in seeder.kudos_ids:
        audience = [p for p in partners.get(receiver, []) if p != receiver]
        if not audience:
            continue
        size = min(len(audience), int(rng.poisson(REACTIONS_PER_KUDOS)))
        for fan in rng.choice(audience, size=size, replace=False):
            when = min(at + timedelta(minutes=int(rng.integers(5, 2880))), end)
            if seeder.people[str(fan)].present(when):
                kind = REACTION_KINDS[int(rng.integers(len(REACTION_KINDS)))]
                check_react(
                    seeder.session,
                    seeder.principal(str(fan)),
                    kudos_id,
                    kind,
                    clock=FixedClock(when),
                )
                reactions += 1
        if rng.random() < COMMENT_SHARE:
            author = str(audience[int(rng.integers(len(audience)))])
            when = min(at + timedelta(minutes=int(rng.integers(30, 1440))), end)
            if seeder.people[author].present(when):
                text = COMMENTS[int(rng.integers(len(COMMENTS)))]
                check_comment(
                    seeder.session, seeder.principal(author), kudos_id, text, clock=FixedClock(when)
                )
                comments += 1
    return reactions, comments


def _feedback(
    seeder: _Seeder,
    me: str,
    boss: str,
    reports: Sequence[str],
    partners: dict[str, list[str]],
    end: datetime,
) -> None:
    """Named feedback for the manager's reports, anonymous answers that make a release for
    the demo employee, too few for another report, and upward feedback for the manager.

    Given in time order, so a release is cut at the answer that completed it.
    """
    rng, people = seeder.rng, seeder.people
    team = [me, *reports]
    shared, private = Visibility.MANAGER, Visibility.PRIVATE
    plan: list[tuple[str, str, Visibility, bool]] = []
    for receiver in team[:REPORTS_WITH_FEEDBACK]:
        plan.append((boss, receiver, shared, False))
        plan += [(peer, receiver, shared, False) for peer in team if peer != receiver][:1]
    threshold = org_threshold(seeder.session, seeder.org_id)
    above = _chain(people, people[me].id)
    candidates = dict.fromkeys([*reports, *partners.get(me, []), *sorted(partners)])
    anonymous = [
        p
        for p in candidates
        if p != me and people[p].id not in above and people[p].present(end - timedelta(days=1))
    ]
    plan += [(giver, me, shared, True) for giver in anonymous[:threshold]]
    if reports:
        plan += [(giver, reports[0], shared, True) for giver in team if giver != reports[0]][:3]
    plan += [(giver, boss, private, True) for giver in team[:threshold]]
    timed = sorted((_between(rng, end - timedelta(days=60), end), *item) for item in plan)
    for at, giver, receiver, visibility, hidden in timed:
        seeder.give_feedback(giver, receiver, at, visibility=visibility, anonymous=hidden)
    keys = competency_keys(seeder.session, seeder.org_id)
    for person in team[:REPORTS_WITH_FEEDBACK]:
        for days in SELF_ASSESSMENT_DAYS:  # two quarters apart: the trend has two points
            seeder.assess_self(person, _workday_time(rng, end - timedelta(days=days)), keys)


def _chain(people: dict[str, Colleague], person_id: int) -> set[int]:
    """Ids of everyone above ``person_id`` (whose feedback is never anonymous)."""
    manager_of = {c.id: c.manager_id for c in people.values()}
    above: set[int] = set()
    current = manager_of.get(person_id)
    while current is not None and current not in above:
        above.add(current)
        current = manager_of.get(current)
    return above
