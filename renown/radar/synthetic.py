"""Synthetic profile histories: a demo organisation's radar, and the ground truth tests need.

Real histories cannot ship with renown (they are people's data), yet the radar must be
shown and its model tested on something with the shape of the real thing. The generator
follows what recruiters describe: most people rarely touch their profile (a skill now and
then, connections creeping up); people about to move show it weeks to months ahead (a burst
of headline and summary edits, several skills added, sometimes open to work, a jump in
connections) and then change company. Some who stay have bursts too (false alarms), and
some are promoted without moving, so the signal is real but not perfect.

Each subject's history depends only on the seed and the subject, so adding people to a
demo does not rewrite the others.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from renown.radar.features import OrgFacts
from renown.radar.snapshots import ProfileSnapshot

ORGANISATION: Final = "Northwind Analytics"
"""The demo organisation's name: the company of every subject that has organisation facts."""

COMPANIES: Final = (
    "Acme Robotics",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Capital",
    "Hooli",
    "Vandelay Industries",
    "Soylent Foods",
    "Tyrell Systems",
    "Cyberdyne Labs",
    "Oceanic Air",
)
LOCATIONS: Final = (
    "Berlin, Germany",
    "London, United Kingdom",
    "Amsterdam, Netherlands",
    "Paris, France",
    "Madrid, Spain",
    "Stockholm, Sweden",
    "New York, United States",
    "Toronto, Canada",
    "Remote",
)


@dataclass(frozen=True)
class _Family:
    ladder: tuple[str, ...]
    skills: tuple[str, ...]
    pitch: str


FAMILIES: Final = (
    _Family(
        ("Software engineer", "Senior software engineer", "Staff engineer", "Principal engineer"),
        (
            "Python",
            "Go",
            "Rust",
            "SQL",
            "Kubernetes",
            "AWS",
            "Terraform",
            "React",
            "TypeScript",
            "PostgreSQL",
            "Kafka",
            "System design",
            "CI/CD",
            "Docker",
            "GraphQL",
        ),
        "I build reliable services and the teams that run them",
    ),
    _Family(
        ("Data analyst", "Senior data analyst", "Analytics lead", "Head of analytics"),
        (
            "SQL",
            "Python",
            "Tableau",
            "Power BI",
            "Statistics",
            "dbt",
            "Looker",
            "Excel",
            "A/B testing",
            "Forecasting",
            "Spark",
            "Data modelling",
        ),
        "I turn messy data into decisions people trust",
    ),
    _Family(
        ("Product manager", "Senior product manager", "Group product manager", "VP Product"),
        (
            "Roadmapping",
            "User research",
            "Agile",
            "Jira",
            "Stakeholder management",
            "Pricing",
            "Go-to-market",
            "Analytics",
            "Discovery",
            "OKRs",
        ),
        "I ship products customers love and pay for",
    ),
    _Family(
        ("Account executive", "Senior account executive", "Sales manager", "Head of sales"),
        (
            "Negotiation",
            "Salesforce",
            "Account management",
            "Prospecting",
            "SaaS sales",
            "Forecasting",
            "Enterprise sales",
            "CRM",
            "Public speaking",
        ),
        "I help companies buy software that pays for itself",
    ),
    _Family(
        ("HR business partner", "Senior HR business partner", "HR manager", "Head of people"),
        (
            "Talent management",
            "Employee relations",
            "Workday",
            "Compensation",
            "Recruiting",
            "Coaching",
            "Change management",
            "Labour law",
        ),
        "I help people and organisations grow together",
    ),
    _Family(
        ("Financial analyst", "Senior financial analyst", "Finance manager", "CFO"),
        (
            "Financial modelling",
            "Excel",
            "FP&A",
            "Budgeting",
            "SAP",
            "IFRS",
            "Valuation",
            "Power BI",
            "Treasury",
        ),
        "I keep plans honest and cash flowing",
    ),
)

_OPENERS: Final = ("Passionate about", "Focused on", "Curious about", "Driven by")
_TOPICS: Final = ("scale", "clarity", "customers", "craft", "impact", "learning", "teams")


@dataclass
class _Profile:
    """The mutable state of one synthetic profile while its history is written."""

    headline: str
    title: str
    company: str
    location: str
    skills: list[str]
    summary: str
    photo: str
    connections: int
    open_to_work: bool
    title_since: datetime


def synthetic_histories(
    subjects: Sequence[str],
    *,
    start: datetime,
    end: datetime,
    seed: int,
    movers: float = 0.2,
    org: Mapping[str, OrgFacts] | None = None,
    pending: float = 0.0,
) -> list[ProfileSnapshot]:
    """Snapshot histories between ``start`` and ``end`` (aware datetimes), by subject.

    A subject whose ``in_role_days`` places the role's start inside the history is promoted
    then (the organisation's records and the profile agree).

    About ``movers`` of the subjects change company once, between 150 days after ``start``
    and 20 days before ``end``; a share ``pending`` of them moves 20 to 150 days *after*
    ``end`` instead, so the history ends inside their burst of edits with the move not yet
    seen: the people a radar exists to find (a demo without them shows only people who have
    already moved or never will). Captures come roughly monthly (a few days either way, one in
    ten missed). Subjects with organisation facts work at :data:`ORGANISATION`, with their
    role start taken from ``in_role_days`` (as of ``end``) when given. Deterministic for a
    seed.
    """
    if end <= start:
        raise ValueError("end must be after start")
    snapshots: list[ProfileSnapshot] = []
    for subject in subjects:
        rng = random.Random(f"{seed}:{subject}")  # nosec B311
        facts = (org or {}).get(subject)
        snapshots.extend(_history(subject, rng, start, end, movers, facts, pending))
    return snapshots


def _capture_times(rng: random.Random, start: datetime, end: datetime) -> list[datetime]:
    times: list[datetime] = []
    when = start + timedelta(days=rng.uniform(0, 20), hours=rng.uniform(0, 23))
    while when <= end:
        if rng.random() >= 0.1 or not times:
            times.append(when)
        when += timedelta(days=30 + rng.uniform(-6, 6))
    return times


def _history(
    subject: str,
    rng: random.Random,
    start: datetime,
    end: datetime,
    movers: float,
    facts: OrgFacts | None,
    pending: float = 0.0,
) -> list[ProfileSnapshot]:
    family = rng.choice(FAMILIES)
    level = rng.randrange(len(family.ladder) - 1)
    company = ORGANISATION if facts is not None else rng.choice(COMPANIES)
    in_role = facts.in_role_days if facts is not None and facts.in_role_days else None
    since = (
        end - timedelta(days=in_role)
        if in_role is not None
        else start - timedelta(days=rng.uniform(60, 1500))
    )
    profile = _Profile(
        headline=f"{family.ladder[level]} at {company}",
        title=family.ladder[level],
        company=company,
        location=rng.choice(LOCATIONS),
        skills=rng.sample(family.skills, rng.randint(3, 7)),
        summary=_summary(rng, family),
        photo=f"photo-{rng.randrange(10**6)}",
        connections=int(rng.lognormvariate(5.5, 0.8)),
        open_to_work=False,
        title_since=since if since <= start else start - timedelta(days=rng.uniform(60, 900)),
    )
    span = (end - start).days
    moves = rng.random() < movers and span > 200
    move_at: datetime | None = None
    if moves:
        # No draw for ``pending`` unless asked, so existing seeds give the same histories.
        if pending and rng.random() < pending:
            move_at = end + timedelta(days=rng.uniform(20, 150))
        else:
            move_at = start + timedelta(days=rng.uniform(150, span - 20))
    # A burst window: before the move for movers; a false alarm for some who stay.
    burst: tuple[datetime, datetime] | None = None
    if move_at is not None:
        lead = timedelta(days=rng.uniform(30, 150))
        burst = (move_at - lead, move_at)
    elif rng.random() < 0.18:
        centre = start + timedelta(days=rng.uniform(60, span))
        burst = (centre - timedelta(days=rng.uniform(30, 90)), centre)
    promote_at = None
    if since > start:  # the organisation says the current role began during the history
        promote_at = since
    elif move_at is None and rng.random() < 0.15:
        promote_at = start + timedelta(days=rng.uniform(60, span))
    open_in_burst = rng.random() < (0.45 if move_at is not None else 0.15)
    edit_rate = rng.uniform(0.02, 0.12)
    history: list[ProfileSnapshot] = []
    moved = False
    promoted = False
    for when in _capture_times(rng, start, end):
        in_burst = burst is not None and burst[0] <= when < burst[1]
        if move_at is not None and not moved and when >= move_at:
            _move(rng, profile, family, move_at)
            moved = True
        elif promote_at is not None and not promoted and when >= promote_at:
            _promote(profile, family, promote_at)
            promoted = True
        else:
            _everyday(rng, profile, family, edit_rate, in_burst, open_in_burst)
        history.append(_snapshot(subject, when, profile))
    return history


def _summary(rng: random.Random, family: _Family) -> str:
    topics = rng.sample(_TOPICS, 2)
    return f"{rng.choice(_OPENERS)} {topics[0]} and {topics[1]}. {family.pitch}."


def _everyday(
    rng: random.Random,
    p: _Profile,
    family: _Family,
    edit_rate: float,
    in_burst: bool,
    open_in_burst: bool,
) -> None:
    """One month of ordinary life, or of a burst (more edits, a network push)."""
    p.connections += int(rng.expovariate(1 / 6))
    if in_burst:
        if rng.random() < 0.5:
            p.headline = rng.choice(
                (
                    f"{p.title} | {rng.choice(family.skills)} | open to new challenges",
                    f"{p.title} · {rng.choice(family.skills)} · {rng.choice(family.skills)}",
                    f"{rng.choice(_OPENERS)} {rng.choice(_TOPICS)} | {p.title}",
                )
            )
        if rng.random() < 0.35:
            p.summary = _summary(rng, family) + f" Lately: {rng.choice(family.skills)}."
        if rng.random() < 0.6:
            _add_skills(rng, p, family, rng.randint(1, 3))
        if rng.random() < 0.45:
            p.connections += rng.randint(60, 220)
        if open_in_burst and rng.random() < 0.5:
            p.open_to_work = True
        if rng.random() < 0.1:
            p.photo = f"photo-{rng.randrange(10**6)}"
        return
    if p.open_to_work and rng.random() < 0.5:
        p.open_to_work = False
    if rng.random() < edit_rate:
        _add_skills(rng, p, family, 1)
    if rng.random() < edit_rate / 3:
        p.headline = f"{p.title} at {p.company}"
    if rng.random() < edit_rate / 4:
        p.summary = _summary(rng, family)
    if rng.random() < 0.01:
        p.photo = f"photo-{rng.randrange(10**6)}"
    if rng.random() < 0.005:
        p.location = rng.choice(LOCATIONS)


def _add_skills(rng: random.Random, p: _Profile, family: _Family, count: int) -> None:
    fresh = [s for s in family.skills if s not in p.skills]
    p.skills.extend(rng.sample(fresh, min(count, len(fresh))))


def _move(rng: random.Random, p: _Profile, family: _Family, at: datetime) -> None:
    level = family.ladder.index(p.title)
    if rng.random() < 0.6 and level + 1 < len(family.ladder):
        level += 1
    p.company = rng.choice([c for c in COMPANIES if c != p.company])
    p.title = family.ladder[level]
    p.headline = f"{p.title} at {p.company}"
    p.open_to_work = False
    p.title_since = at
    if rng.random() < 0.3:
        p.location = rng.choice(LOCATIONS)


def _promote(p: _Profile, family: _Family, at: datetime) -> None:
    level = family.ladder.index(p.title)
    if level + 1 < len(family.ladder):
        p.title = family.ladder[level + 1]
        p.headline = f"{p.title} at {p.company}"
        p.title_since = at


def _snapshot(subject: str, when: datetime, p: _Profile) -> ProfileSnapshot:
    return ProfileSnapshot(
        subject=subject,
        captured_at=when,
        headline=p.headline,
        title=p.title,
        company=p.company,
        location=p.location,
        skills=tuple(p.skills),
        summary=p.summary,
        photo=p.photo,
        connections=p.connections,
        open_to_work=p.open_to_work,
        title_since=p.title_since,
        source="synthetic",
    )
