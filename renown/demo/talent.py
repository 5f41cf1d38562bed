"""The demo's promotion boards: talent records, demographics, two rounds, succession plans.

The demo fills up the way a real installation does: HR imports files of levels, ratings,
external observations and self-reported demographics (:mod:`renown.talent.imports`), then
opens rounds, calibrates, signs off, receives an appeal and plans successions through the
``check_*`` actions, each with a clock set to when it happens (the events end on 30 June
2026, :data:`~renown.demo.org.DEFAULT_END`):

* January 2026: levels (from titles), dates in role, the 2025 ratings; February: demographics.
* Spring: :data:`DECIDED_ROUND` in the demo employee's department, as of the end of April and
  signed off. The demo employee is a candidate (nominated by their manager when the rules
  leave them out), is not promoted, and has an appeal awaiting HR's answer.
* End of June: the 2026 ratings and external prominence; :data:`OPEN_ROUND` for engineers as
  of the demo's end (top 8, published to its candidates, default weights with internal
  prominence at 20) and its session :data:`CALIBRATION` with three moves, both left open so
  the demo user can take the round to sign-off. July: succession plans for the heads of the
  two largest departments.

Sign in as HR (or admin) to see everything; as the demo employee for a candidate's own view
(``/talent/rounds/<id>/me`` of :data:`DECIDED_ROUND`, with the appeal); as their manager to
see that round for a report. The open round holds engineers, the employee only if one.

Pools aim at 30-80 candidates (open round) and 8-25 (decided round) at any demo size:
eligibility goes from narrow to broad and the first rules admitting enough people are used.

Draws are deterministic, from :data:`TALENT_SEED` and employee ids. Ratings skew to 3-4, a
few are missing, recent hires have none; a person's two ratings share a latent performance
leaning mildly on internal prominence; external scores follow internal prominence with
noise. Demographics are independent of ratings, prominence and department, except the age
band, which follows career level as in any organisation. No group effect is planted (none
could be, after scoring): the bias audits show what chance and that link produce.
"""

from __future__ import annotations

import csv
import io
import zlib
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from statistics import NormalDist
from typing import Final, NamedTuple

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import principal_of
from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.demo.catalog import DEPARTMENTS, EXECUTIVE_DEPARTMENT
from renown.demo.org import DEFAULT_END
from renown.demo.talent_feedback import seed_review_feedback
from renown.demo.workdays import months_before
from renown.org.queries import latest_run
from renown.store.engine import transaction
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from renown.store.tables.scores import ScoreSnapshot
from renown.store.tables.talent import PromotionRound, TalentProfile
from renown.talent import calibration, decisions, succession
from renown.talent.board import board
from renown.talent.demographics import PREFER_NOT_TO_SAY, VOCABULARIES
from renown.talent.imports import check_import_demographics, check_import_talent_records
from renown.talent.readiness import Readiness
from renown.talent.records import DEMOGRAPHICS_COLUMNS, TALENT_COLUMNS
from renown.talent.rounds import (
    Eligibility,
    RoundConfig,
    candidate_ids,
    check_open_round,
    check_set_candidate,
    eligibility_reason,
    is_candidate,
)

OPEN_ROUND: Final = "Senior Engineer 2026"
DECIDED_ROUND: Final = "Team Lead 2025"
CALIBRATION: Final = "Q4 calibration"
TALENT_SEED: Final = 2026
OPEN_POOL: Final = (30, 80)
DECIDED_POOL: Final = (8, 25)
RATING_SHARES: Final = (0.03, 0.12, 0.45, 0.30, 0.10)
"""Share of ratings 1..5: most people meet or exceed expectations."""
MISSING_RATING: Final = 0.05
RATED_PERIODS: Final = (("2025", date(2025, 9, 30)), ("2026", date(2026, 3, 31)))
"""Review periods, each with the latest hire date it rates (a quarter's work at least)."""
PROMINENCE_LEAN: Final = 0.3
"""Correlation of the latent performance with internal prominence (mild)."""
YEAR_TO_YEAR: Final = 0.85
"""Weight of the latent performance in each year's rating (the rest is that year's noise)."""
EXTERNAL_SHARE: Final = 0.40
TWO_NETWORKS: Final = 0.35
ANSWERED: Final = 0.85
SHARES: Final = {
    "sex": (0.46, 0.51, 0.02, 0.01),
    "race_ethnicity": (0.12, 0.52, 0.09, 0.01, 0.17, 0.01, 0.04, 0.04),
    "disability": (0.07, 0.84, 0.09),
}
"""Answer shares in the order of :data:`~renown.talent.demographics.VOCABULARIES`, then
"prefer not to say" (rough shares of a US tech employer's workforce)."""
AGE_BY_LEVEL: Final = {
    "L1": (0.70, 0.25, 0.03, 0.00, 0.02),
    "L2": (0.35, 0.45, 0.13, 0.05, 0.02),
    "L3": (0.10, 0.45, 0.28, 0.15, 0.02),
    "L4": (0.05, 0.40, 0.33, 0.20, 0.02),
    "L5": (0.01, 0.29, 0.43, 0.25, 0.02),
    "L6": (0.00, 0.15, 0.43, 0.40, 0.02),
}
"""Age band shares by career level (``AGE_BANDS`` order, then "prefer not to say")."""
TITLE_LEVELS: Final = (
    ("Junior ", "L1"), ("Senior ", "L3"), ("Manager, ", "L4"), ("Director, ", "L5"), ("VP, ", "L6"),
    ("Chief Executive", "L6"), ("Chief of Staff", "L5"), ("Executive Assistant", "L3"),
)  # fmt: skip
"""Title prefix -> level, as the demo's job catalogue has it; any other title is L2."""
NOMINATION: Final = "Nominated by their manager for leading the team's onboarding programme."
KEPT_BACK: Final = "Strong case; the panel wants one more cycle of leading the onboarding work."
DECISION: Final = "Panel review: the strongest cases on the evidence, confirmed in calibration."
APPEAL: Final = (
    "I led the onboarding of four new colleagues this year, which the board's evidence does "
    "not show. Please review my case with my manager's input."
)


class Move(NamedTuple):
    """A calibration move of the demo: the change of cell, whom it picks, and why."""

    performance: int
    potential: int
    from_top: bool
    """Picked from the recommended top N (else from just below the cut)."""
    reason: str


MOVES: Final = (
    Move(0, 1, False, "Led the cross-team incident reviews; the 360 sample is too small."),
    Move(1, 0, False, "Rated before the Q2 migration they drove; the room agrees it is higher."),
    Move(-1, 0, True, "Rating predates two missed milestones discussed here; moderated to peers."),
)
READINESS_NOTE: Final[dict[Readiness, str]] = {
    "now": "Has covered for the head during two leaves this year and runs the planning cycle.",
    "1-2y": "Strong evidence, but has not yet led a budget cycle; ready in one to two years.",
}
RATED_2025_AT: Final = datetime(2026, 1, 19, 9, tzinfo=UTC)
ANSWERS_AT: Final = datetime(2026, 2, 9, 9, tzinfo=UTC)
DECIDED_AS_OF: Final = months_before(DEFAULT_END, 2)
RATED_2026_AT: Final = DEFAULT_END
PLANNED_AT: Final = DEFAULT_END + timedelta(days=10)

Step = Callable[[str], None]
Row = dict[str, object]
_CUTS: Final = [NormalDist().inv_cdf(p) for p in accumulate(RATING_SHARES[:-1])]


def seed_talent(sessions: sessionmaker[Session], principal: Principal, step: Step) -> None:
    """Seed the promotion boards once, as ``principal`` (HR or admin) of the demo organisation.

    Does nothing when :data:`OPEN_ROUND` already exists; otherwise everything is written in
    one transaction, so a failure leaves no half-seeded boards behind.
    """
    org_id = principal.org_id
    with transaction(sessions) as session:
        rounds = sa.select(PromotionRound.id).where(PromotionRound.org_id == org_id)
        if session.scalar(rounds.where(PromotionRound.name == OPEN_ROUND)) is not None:
            return
        step("importing talent records and demographics, opening promotion rounds")
        staff = sa.select(Person).where(Person.org_id == org_id).order_by(Person.employee_id)
        people = list(session.scalars(staff))
        _import_files(session, principal, people)
        profiles = session.scalars(sa.select(TalentProfile).where(TalentProfile.org_id == org_id))
        org = _Org(session, principal, people, {p.person_id: p for p in profiles})
        _decided_round(org, _demo_employee(session, org_id))
        _open_round(org)
        step("planning successions for the heads of the two largest departments")
        _succession(org)


@dataclass(frozen=True)
class _Org:
    """What the steps after the imports read: HR's session, the people and their profiles."""

    session: Session
    hr: Principal
    people: list[Person]
    profiles: dict[int, TalentProfile]

    def admitted(self, rules: Eligibility, as_of: datetime) -> int:
        """How many people ``rules`` admit to a round as of ``as_of``."""
        day = as_of.date()
        return sum(
            eligibility_reason(p, self.profiles.get(p.id), rules, day)[0] for p in self.people
        )

    def open_round(
        self,
        name: str,
        rungs: Sequence[tuple[str, Eligibility]],
        *,
        least: int,
        top_n: int,
        as_of: datetime,
    ) -> PromotionRound:
        """Open ``name`` as of ``as_of`` (the next day) with the first, narrowest rules that
        admit at least ``least`` people, or else the broadest (the last)."""
        target, rules = next(
            (rung for rung in rungs if self.admitted(rung[1], as_of) >= least), rungs[-1]
        )
        return check_open_round(
            self.session,
            self.hr,
            name=name,
            target=target,
            eligibility=rules,
            config=RoundConfig(top_n=top_n, transparency="candidates"),
            clock=FixedClock(as_of + timedelta(days=1)),
            as_of=as_of,
        )


def level_of(title: str | None) -> str:
    """Career level L1-L6 from a demo title (what HR would derive from its job catalogue)."""
    text = title or ""
    return next((level for prefix, level in TITLE_LEVELS if text.startswith(prefix)), "L2")


def _rng(employee_id: str, purpose: int) -> np.random.Generator:
    return np.random.default_rng([TALENT_SEED, purpose, zlib.crc32(employee_id.encode())])


def _pick(rng: np.random.Generator, values: Sequence[str], shares: Sequence[float]) -> str:
    weights = np.asarray(shares) / sum(shares)
    return str(rng.choice([*values, PREFER_NOT_TO_SAY], p=weights))


def _rating(signal: float) -> int:
    return 1 + bisect(_CUTS, signal)


def _csv(columns: Sequence[str], rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _latest_scores(session: Session, org_id: int) -> dict[int, int]:
    """Internal prominence in the newest scoring run (the demo's end), by person."""
    run = latest_run(session, org_id)
    if run is None:
        return {}
    query = sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score)
    return {
        int(p): int(score)
        for p, score in session.execute(query.where(ScoreSnapshot.run_id == run.id))
    }


def _import_files(session: Session, hr: Principal, people: list[Person]) -> None:
    """The three files HR imports: 2025 records, the demographics, 2026 records."""
    employee_ids = {p.id: p.employee_id for p in people}
    scores = _latest_scores(session, hr.org_id)
    early: list[Row] = []
    answers: list[Row] = []
    late: list[Row] = []
    for person in people:
        rng, score = _rng(person.employee_id, 1), scores.get(person.id)
        first, later = _career(rng, person, score, employee_ids.get(person.manager_id or 0, ""))
        early.append(first)
        late.extend(later)
        if person.left_on is None and rng.random() < EXTERNAL_SHARE:
            late.extend(_external(rng, person.employee_id, score))
        level = level_of(person.title)
        answers.append(_answers(_rng(person.employee_id, 2), person.employee_id, level))
    files = (
        ("demo-talent-2025.csv", TALENT_COLUMNS, early, RATED_2025_AT),
        ("demo-demographics.csv", DEMOGRAPHICS_COLUMNS, answers, ANSWERS_AT),
        ("demo-talent-2026.csv", TALENT_COLUMNS, late, RATED_2026_AT),
    )
    for source, columns, rows, at in files:
        action = check_import_demographics if rows is answers else check_import_talent_records
        action(session, hr, _csv(columns, rows), source, clock=FixedClock(at))


def _career(
    rng: np.random.Generator, person: Person, score: int | None, rater: str
) -> tuple[Row, list[Row]]:
    """Level, date in role and 2025 rating (one line), and the 2026 rating (a later file).

    Both ratings read one latent performance, which leans :data:`PROMINENCE_LEAN` on the
    person's internal prominence.
    """
    hired, level, end = person.hired_on, level_of(person.title), DEFAULT_END.date()
    since = hired
    if hired is not None and level != "L1" and (end - hired).days > 365:
        since = hired + timedelta(days=int((end - hired).days * rng.uniform(0.25, 0.95)))
    lean = NormalDist().inv_cdf(score / 101) if score else 0.0
    latent = PROMINENCE_LEAN * lean + (1 - PROMINENCE_LEAN**2) ** 0.5 * rng.normal()
    rated: dict[str, Row] = {}
    for period, hired_by in RATED_PERIODS:
        signal = YEAR_TO_YEAR * latent + (1 - YEAR_TO_YEAR**2) ** 0.5 * rng.normal()
        if rng.random() >= MISSING_RATING and hired is not None and hired <= hired_by:
            rating = _rating(signal)
            rated[period] = {"period": period, "performance_rating": rating, "rated_by": rater}
    who = person.employee_id
    first = {"employee_id": who, "level": level, "in_role_since": since} | rated.get("2025", {})
    current = person.left_on is None and "2026" in rated
    return first, [{"employee_id": who} | rated["2026"]] if current else []


def _external(rng: np.random.Generator, employee_id: str, internal: int | None) -> list[Row]:
    """One or two public-network observations in the last three months of the window."""
    networks = ["linkedin", "github"] if rng.random() < TWO_NETWORKS else ["linkedin"]
    base = internal if internal is not None else rng.uniform(20, 60)
    rows: list[Row] = []
    for network in networks:
        noisy = 0.6 * base + 0.4 * rng.uniform(1, 100) + rng.normal(0, 8)
        observed = DEFAULT_END.date() - timedelta(days=int(rng.integers(1, 91)))
        score = int(np.clip(round(noisy), 1, 100))
        row: Row = {"employee_id": employee_id, "external_network": network}
        rows.append(row | {"external_score": score, "external_observed_on": observed})
    return rows


def _answers(rng: np.random.Generator, employee_id: str, level: str) -> Row:
    """A person's self-reported answers (all "prefer not to say" for the unanswered)."""
    row: Row = {"employee_id": employee_id}
    if rng.random() >= ANSWERED:
        return row | dict.fromkeys(VOCABULARIES, PREFER_NOT_TO_SAY)
    for field, values in VOCABULARIES.items():
        shares = AGE_BY_LEVEL[level] if field == "age_band" else SHARES[field]
        row[field] = _pick(rng, values, shares)
    return row


def _demo_employee(session: Session, org_id: int) -> Principal | None:
    """The demo employee's sign-in (the first employee account linked to a person)."""
    account = session.scalar(
        sa.select(Account)
        .where(Account.org_id == org_id, Account.role == Role.EMPLOYEE.value)
        .where(Account.person_id.is_not(None))
        .order_by(Account.id)
        .limit(1)
    )
    return principal_of(account) if account else None


def _department(person: Person) -> str | None:
    return person.department.name if person.department else None


def _departments(people: list[Person]) -> list[str]:
    """Departments of current people, largest first (the executive office left out)."""
    sizes = Counter(_department(p) for p in people if p.left_on is None)
    names = [name for name in sizes if name is not None and name != EXECUTIVE_DEPARTMENT]
    return sorted(names, key=lambda name: (-sizes[name], name))


def _decided_round(org: _Org, employee: Principal | None) -> None:
    """A smaller round, signed off, with the demo employee's appeal awaiting HR."""
    session, hr = org.session, org.hr
    appellant = employee.person_id if employee else None
    home = next((_department(p) for p in org.people if p.id == appellant), None)
    department = home or _departments(org.people)[0]
    local = f"Team lead, {department}"
    rungs = [(local, Eligibility(24, months, ("L3",), (department,))) for months in (36, 24, 12)]
    rungs.append((local, Eligibility(12, 0, ("L2", "L3"), (department,))))
    rungs += [("Team lead (L4)", Eligibility(24, months, ("L3",))) for months in (24, 12, 0)]
    round_ = org.open_round(
        DECIDED_ROUND, rungs, least=DECIDED_POOL[0], top_n=3, as_of=DECIDED_AS_OF
    )
    if appellant is not None and not is_candidate(session, round_.id, appellant):
        nominated = FixedClock(DECIDED_AS_OF + timedelta(days=2))
        check_set_candidate(
            session, hr, round_.id, appellant, included=True, reason=NOMINATION, clock=nominated
        )
    recommended = board(session, hr, round_.id).recommended
    decided_at = DECIDED_AS_OF + timedelta(days=14)
    decisions.check_sign_off(
        session,
        hr,
        round_.id,
        promoted=[pid for pid in recommended if pid != appellant],
        reason=DECISION,
        override_reasons={appellant: KEPT_BACK} if appellant in recommended else None,
        clock=FixedClock(decided_at),
    )
    if employee is not None:
        appealed = FixedClock(decided_at + timedelta(days=5))
        decisions.check_file_appeal(session, employee, round_.id, APPEAL, clock=appealed)


def _open_round(org: _Org) -> None:
    """The engineers' round as of the demo's end, with an open calibration session."""
    session, hr = org.session, org.hr
    ranked = _departments(org.people)
    engineering = {d.name for d in DEPARTMENTS if d.engineering}
    family = tuple(name for name in ranked if name in engineering) or tuple(ranked[:1])
    target = "Senior engineer (L3)"
    rungs = [(target, Eligibility(12, m, ("L2",), family[:1])) for m in (48, 36, 24, 12, 0)]
    rungs.append((target, Eligibility(12, 0, ("L2",), family)))
    rungs += [(target, Eligibility(months, 0, ("L1", "L2"), family)) for months in (12, 6)]
    round_ = org.open_round(OPEN_ROUND, rungs, least=OPEN_POOL[0], top_n=8, as_of=DEFAULT_END)
    seed_review_feedback(session, round_.org_id, candidate_ids(session, round_.id), DEFAULT_END)
    held = DEFAULT_END + timedelta(days=8)
    meeting = calibration.check_open_session(
        session, hr, round_.id, CALIBRATION, clock=FixedClock(held)
    )
    grid = calibration.nine_box(session, hr, round_.id, session_id=meeting.id)
    placed = sorted(
        (r for r in grid.rows if r.box is not None and r.rank is not None),
        key=lambda r: (r.rank or 0, r.person_id),
    )
    top, rest = placed[: round_.top_n], placed[round_.top_n :]
    used: set[int] = set()
    for minute, move in enumerate(MOVES, start=1):
        for row in top if move.from_top else rest + top:
            box = row.box or (0, 0)
            to = (box[0] + move.performance, box[1] + move.potential)
            if row.person_id not in used and min(to) >= 1 and max(to) <= 3:
                used.add(row.person_id)
                moved = FixedClock(held + timedelta(minutes=10 * minute))
                calibration.check_move(
                    session, hr, round_.id, meeting.id, row.person_id, to, move.reason, clock=moved
                )
                break


def _succession(org: _Org) -> None:
    """Replacement charts for the heads of the two largest departments (4 and 3 successors)."""
    session, hr, people, clock = org.session, org.hr, org.people, FixedClock(PLANNED_AT)
    for index, department in enumerate(_departments(people)[:2]):
        members = [p for p in people if p.left_on is None and _department(p) == department]
        levels = {p.id: level_of(p.title) for p in members}
        head = next((p for p in members if levels[p.id] == "L6"), None)
        plan = succession.check_create_plan(
            session,
            hr,
            role_name=head.title if head and head.title else f"Head of {department}",
            incumbent_id=head.id if head else None,
            clock=clock,
        )
        ranked = succession.suggest_successors(
            session, hr, plan.id, now=PLANNED_AT, limit=len(people)
        )
        senior = [pid for pid, *_ in ranked if levels.get(pid) in ("L4", "L5")]
        senior += [pid for pid, *_ in ranked if levels.get(pid) == "L3"]
        added = [
            succession.check_add_successor(session, hr, plan.id, pid, readiness=None, clock=clock)
            for pid in senior[: 4 - index]
        ]
        if index == 0 and added:
            readiness: Readiness = "1-2y" if added[0].readiness == "now" else "now"
            succession.check_set_readiness(
                session,
                hr,
                plan.id,
                added[0].person_id,
                readiness=readiness,
                reason=READINESS_NOTE[readiness],
                clock=FixedClock(PLANNED_AT + timedelta(days=2)),
            )
