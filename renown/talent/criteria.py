"""Criterion sources: turn stored evidence into points 0..100 on fixed, explainable scales.

A promotion board weighs criteria it can explain to the people it ranks, so every source
maps its raw evidence onto a scale written down here (never a percentile of the pool, which
would make a person's points depend on who else is in the round), and says in words what
it saw. Missing evidence is ``points=None``, never 0: a person nobody rated is not a person
rated badly. Each source reads the whole pool in a constant number of queries, only from
the organisation asked about, and only evidence dated on or before the round's as-of
instant, so a round can be recomputed later and show the same evidence.

Sources are found through a registry keyed by criterion key or by prefix (``feedback:``
covers every competency), so new kinds of evidence plug in without changing the boards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.feedback.frameworks import DEFAULT_COMPETENCIES
from renown.store.tables.feedback import (
    AnonymousRelease,
    Competency,
    CompetencyFramework,
    FeedbackItem,
    FeedbackRating,
)
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.store.tables.talent import ExternalProminence, PerformanceRating

MIN_RATINGS = 3
"""360 ratings a feedback criterion needs before a mean says anything about a person."""
BADGES_FOR_FULL_POINTS = 10
YEARS_FOR_FULL_POINTS = 10
FEEDBACK_PREFIX = "feedback:"
SHARED_VISIBILITIES = ("manager", "public")
"""Named feedback HR may read: the receiver's private feedback is theirs alone."""
RELEASE_AUDIENCE = "manager"
"""Anonymous feedback is usable only from releases cut for the manager chain (and HR)."""
_IN_LIST_LIMIT = 5000
"""Above this many people, filter by organisation only and pick the pool in Python, so
no query exceeds a database's bound-parameter limit and the query count stays constant."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One person's standing on one criterion.

    ``points`` is 0..100 or ``None`` (missing); ``shown`` is the raw value in words, or why
    it is missing; ``source`` says where it came from (a period, a run, networks).
    """

    points: float | None
    shown: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class CriterionInfo:
    """What a criterion is, for pickers, explanations and the legal flags of audits."""

    key: str
    label: str
    description: str
    external: bool
    """Evidence from outside the organisation (public social networks)."""
    prominence: bool
    """A prominence measure (internal or external), reported separately in audits."""


class CriterionSource(Protocol):
    """Anything that can measure a criterion for a pool of people."""

    @property
    def info(self) -> CriterionInfo:
        """The criterion this source measures."""
        ...

    def measure(
        self, session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        """One entry per person id asked for, in a constant number of queries."""
        ...


Measure = Callable[[Session, int, Sequence[int], datetime], dict[int, Evidence]]
SourceFactory = Callable[[str], CriterionSource]


@dataclass(frozen=True, slots=True)
class _Source:
    info: CriterionInfo
    run: Measure

    def measure(
        self, session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        return self.run(session, org_id, person_ids, as_of)


def _among(column: Any, person_ids: Sequence[int]) -> Any:
    return column.in_(list(person_ids)) if len(person_ids) <= _IN_LIST_LIMIT else sa.true()


def _day(as_of: datetime) -> date:
    return as_of.astimezone(UTC).date()


def _number(value: float) -> str:
    """``61`` for whole numbers, ``60.5`` otherwise (scores read as people write them)."""
    return f"{value:.1f}".removesuffix(".0")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fill(
    person_ids: Sequence[int], found: dict[int, Evidence], missing: str
) -> dict[int, Evidence]:
    return {pid: found.get(pid, Evidence(None, missing)) for pid in person_ids}


def _members(session: Session, org_id: int, person_ids: Sequence[int]) -> dict[int, date | None]:
    """Hire date of every asked-for person who belongs to the organisation."""
    rows = session.execute(
        sa.select(Person.id, Person.hired_on).where(
            Person.org_id == org_id, _among(Person.id, person_ids)
        )
    )
    wanted = set(person_ids)
    return {pid: hired for pid, hired in rows if pid in wanted}


_NOT_HERE = "not a person of this organisation"


def _performance(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    latest: dict[int, tuple[str, int]] = {}
    wanted = set(person_ids)
    for pid, period, rating in session.execute(
        sa.select(
            PerformanceRating.person_id, PerformanceRating.period, PerformanceRating.rating
        ).where(
            PerformanceRating.org_id == org_id,
            _among(PerformanceRating.person_id, person_ids),
            PerformanceRating.created_at <= as_of,
        )
    ):
        if pid in wanted and (pid not in latest or period > latest[pid][0]):
            latest[pid] = (period, rating)
    found = {
        pid: Evidence((rating - 1) / 4 * 100, f"{rating} of 5 ({period})", f"rating for {period}")
        for pid, (period, rating) in latest.items()
    }
    return _fill(person_ids, found, "no performance rating")


def _feedback_measure(competency: str | None) -> Measure:
    """Mean 360 rating from feedback HR may use (all competencies, or one)."""

    def measure(
        session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        # Anonymous items count only as whole releases cut by as_of, so the cut-off can
        # never split a release into a group smaller than its anonymity threshold.
        usable = sa.or_(
            sa.and_(
                FeedbackItem.anonymous.is_(False),
                FeedbackItem.visibility.in_(SHARED_VISIBILITIES),
            ),
            sa.and_(
                FeedbackItem.anonymous.is_(True),
                AnonymousRelease.audience == RELEASE_AUDIENCE,
                AnonymousRelease.org_id == org_id,
                AnonymousRelease.receiver_id == FeedbackItem.receiver_id,
                AnonymousRelease.cut_at <= as_of,
            ),
        )
        query = (
            sa.select(
                FeedbackItem.receiver_id,
                sa.func.sum(FeedbackRating.rating),
                sa.func.count(FeedbackRating.id),
            )
            .join(FeedbackRating, FeedbackRating.item_id == FeedbackItem.id)
            .outerjoin(AnonymousRelease, AnonymousRelease.id == FeedbackItem.release_id)
            .where(
                FeedbackItem.org_id == org_id,
                _among(FeedbackItem.receiver_id, person_ids),
                FeedbackItem.created_at <= as_of,
                usable,
            )
            .group_by(FeedbackItem.receiver_id)
        )
        if competency is not None:
            query = query.where(FeedbackRating.competency_key == competency)
        counted = {pid: (int(total), int(n)) for pid, total, n in session.execute(query)}
        source = "360 feedback shared with managers" + (f" ({competency})" if competency else "")
        result: dict[int, Evidence] = {}
        for pid in person_ids:
            total, n = counted.get(pid, (0, 0))
            if n < MIN_RATINGS:
                got = "no ratings" if n == 0 else _plural(n, "rating")
                result[pid] = Evidence(None, f"{got}; {MIN_RATINGS} needed", source)
                continue
            mean = total / n
            result[pid] = Evidence((mean - 1) / 4 * 100, f"{mean:.1f} from {n} ratings", source)
        return result

    return measure


def _prominence_internal(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    run = session.execute(
        sa.select(ScoringRun.id, ScoringRun.as_of)
        .where(
            ScoringRun.org_id == org_id,
            ScoringRun.status == "done",
            ScoringRun.finished_at.is_not(None),
            ScoringRun.as_of <= as_of,
        )
        .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
        .limit(1)
    ).first()
    if run is None:
        return _fill(person_ids, {}, f"no scoring run by {_day(as_of)}")
    run_id, run_as_of = run
    day = _day(run_as_of)
    wanted = set(person_ids)
    found = {
        pid: Evidence(float(score), f"{score} (run of {day})", f"scoring run {run_id}")
        for pid, score in session.execute(
            sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score)
            .join(Person, Person.id == ScoreSnapshot.person_id)
            .where(
                ScoreSnapshot.run_id == run_id,
                Person.org_id == org_id,
                _among(ScoreSnapshot.person_id, person_ids),
            )
        )
        if pid in wanted
    }
    return _fill(person_ids, found, f"not scored in the run of {day}")


def _prominence_external(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    latest: dict[int, dict[str, tuple[date, int]]] = defaultdict(dict)
    wanted = set(person_ids)
    for pid, network, score, observed_on in session.execute(
        sa.select(
            ExternalProminence.person_id,
            ExternalProminence.network,
            ExternalProminence.score,
            ExternalProminence.observed_on,
        ).where(
            ExternalProminence.org_id == org_id,
            _among(ExternalProminence.person_id, person_ids),
            ExternalProminence.observed_on <= _day(as_of),
        )
    ):
        if pid not in wanted:
            continue
        seen = latest[pid].get(network)
        if seen is None or observed_on > seen[0]:
            latest[pid][network] = (observed_on, score)
    found: dict[int, Evidence] = {}
    for pid, networks in latest.items():
        mean = sum(score for _, score in networks.values()) / len(networks)
        newest = max(day for day, _ in networks.values())
        shown = f"{_number(mean)} ({_plural(len(networks), 'network')}, latest {newest})"
        found[pid] = Evidence(mean, shown, ", ".join(sorted(networks)))
    return _fill(person_ids, found, "no external observation")


def _badges(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    members = _members(session, org_id, person_ids)
    counts = dict(
        session.execute(
            sa.select(BadgeAward.person_id, sa.func.count(BadgeAward.id))
            .where(
                BadgeAward.org_id == org_id,
                _among(BadgeAward.person_id, person_ids),
                BadgeAward.awarded_at <= as_of,
            )
            .group_by(BadgeAward.person_id)
        ).all()
    )
    found = {
        pid: Evidence(
            min(counts.get(pid, 0) / BADGES_FOR_FULL_POINTS, 1.0) * 100,
            _plural(counts.get(pid, 0), "badge"),
            "badge awards",
        )
        for pid in members
    }
    return _fill(person_ids, found, _NOT_HERE)


def _tenure(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    day = _day(as_of)
    found: dict[int, Evidence] = {}
    for pid, hired_on in _members(session, org_id, person_ids).items():
        if hired_on is None:
            found[pid] = Evidence(None, "no hire date")
        elif hired_on > day:
            found[pid] = Evidence(None, f"hired on {hired_on}, after {day}")
        else:
            years = (day - hired_on).days / 365.25
            points = min(years / YEARS_FOR_FULL_POINTS, 1.0) * 100
            found[pid] = Evidence(points, f"{years:.1f} years (since {hired_on})", "hire date")
    return _fill(person_ids, found, _NOT_HERE)


EXTERNAL_KEYS = frozenset({"prominence_external"})
PROMINENCE_KEYS = frozenset({"prominence_internal", "prominence_external"})
_BUILTINS: tuple[tuple[str, str, str, Measure], ...] = (
    (
        "performance",
        "Performance rating",
        "The latest manager performance rating (1-5): 1 is 0 points, 5 is 100.",
        _performance,
    ),
    (
        "feedback",
        "360 feedback",
        f"Mean 360 rating over every competency (1-5 to 0-100); needs {MIN_RATINGS} ratings. "
        "Private feedback is never used.",
        _feedback_measure(None),
    ),
    (
        "prominence_internal",
        "Internal prominence",
        "The prominence score (1-100) in the newest scoring run on or before the round's date.",
        _prominence_internal,
    ),
    (
        "prominence_external",
        "External prominence",
        "Mean of the latest score (1-100) on each public social network. Evidence from outside "
        "the organisation: a legal risk when it carries weight.",
        _prominence_external,
    ),
    (
        "badges",
        "Badges",
        f"Badges earned: 10 points each, full points at {BADGES_FOR_FULL_POINTS}.",
        _badges,
    ),
    (
        "tenure",
        "Tenure",
        f"Years since the hire date: 10 points a year, full at {YEARS_FOR_FULL_POINTS} years.",
        _tenure,
    ),
)

_SOURCES: dict[str, SourceFactory] = {}


def register(prefix_or_key: str, factory: SourceFactory) -> None:
    """Make a criterion (``"key"``) or a family of them (``"prefix:"``) available.

    ``factory`` receives the full key asked for. Registering a name twice is a programming
    error (two plug-ins would silently fight over the same key).
    """
    if not prefix_or_key or prefix_or_key in _SOURCES:
        raise ValueError(f"criterion {prefix_or_key!r} is already registered or empty")
    _SOURCES[prefix_or_key] = factory


def source_for(key: str) -> CriterionSource:
    """The source measuring ``key`` (exact keys first, then ``prefix:`` families).

    Raises
    ------
    Invalid
        ``unknown criterion 'x'`` when no registered key or prefix matches.
    """
    factory = _SOURCES.get(key)
    if factory is None and ":" in key:
        factory = _SOURCES.get(key.split(":", 1)[0] + ":")
    if factory is None:
        raise Invalid(f"unknown criterion {key!r}")
    return factory(key)


def _competency_label(key: str) -> str:
    names = {k: name for k, name, _ in DEFAULT_COMPETENCIES}
    return names.get(key, key.replace("_", " ").capitalize())


def _feedback_source(key: str, label: str | None = None) -> CriterionSource:
    competency = key.removeprefix(FEEDBACK_PREFIX)
    if not competency or len(competency) > 64 or competency != competency.strip():
        raise Invalid(f"unknown criterion {key!r}")
    info = CriterionInfo(
        key,
        f"360: {label or _competency_label(competency)}",
        f"Mean 360 rating of this competency (1-5 to 0-100); needs {MIN_RATINGS} ratings.",
        external=False,
        prominence=False,
    )
    return _Source(info, _feedback_measure(competency))


def _fixed(source: CriterionSource) -> SourceFactory:
    return lambda _key: source


for _key, _label, _description, _run in _BUILTINS:
    _info = CriterionInfo(
        _key, _label, _description, _key in EXTERNAL_KEYS, prominence=_key in PROMINENCE_KEYS
    )
    register(_key, _fixed(_Source(_info, _run)))
register(FEEDBACK_PREFIX, _feedback_source)


def available(session: Session, org_id: int) -> list[CriterionInfo]:
    """Criteria a round of ``org_id`` may use: built-ins, exact plug-ins, one per competency.

    Competencies come from the organisation's active frameworks, labelled with their names
    (``360: Communication``).
    """
    infos = [source_for(key).info for key in _SOURCES if not key.endswith(":")]
    rows = session.execute(
        sa.select(Competency.key, Competency.name)
        .join(CompetencyFramework, CompetencyFramework.id == Competency.framework_id)
        .where(CompetencyFramework.org_id == org_id, CompetencyFramework.active.is_(True))
        .order_by(CompetencyFramework.id, Competency.id)
    )
    seen: set[str] = set()
    for competency, name in rows:
        if competency not in seen:
            seen.add(competency)
            infos.append(_feedback_source(FEEDBACK_PREFIX + competency, name).info)
    return infos


def measure_all(
    session: Session,
    org_id: int,
    keys: Iterable[str],
    person_ids: Sequence[int],
    as_of: datetime,
) -> dict[str, dict[int, Evidence]]:
    """Evidence of every person on every criterion in ``keys`` (duplicates measured once).

    Every key is resolved before anything is read, so an unknown key fails fast with
    :class:`Invalid` rather than after half the queries.
    """
    sources = {key: source_for(key) for key in dict.fromkeys(keys)}
    pool = list(dict.fromkeys(person_ids))
    return {key: source.measure(session, org_id, pool, as_of) for key, source in sources.items()}
