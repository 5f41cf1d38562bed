"""The built-in criteria's measures: performance, 360 feedback, prominence, badges, tenure
and challenges.

Each maps its raw evidence onto a fixed scale written down here (never a percentile of the
pool) and says in words what it saw; evidence that is missing is ``points=None``. Every
measure reads the whole pool in a constant number of queries, only from the organisation
asked about and only evidence dated on or before the as-of instant. They live apart from
the registry in :mod:`renown.talent.criteria`, which labels, describes and registers them,
so that the contract of a source and the queries behind each one can be read separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.challenges.rating_update import display_rating
from renown.core.dates import format_date
from renown.feedback.vocabulary import Relationship
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import RatingHistory
from renown.store.tables.external import ExternalScore
from renown.store.tables.feedback import FeedbackItem, FeedbackRating
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.store.tables.talent import ExternalProminence, PerformanceRating
from renown.talent.evidence import Evidence, Measure

MIN_RATINGS = 3
"""360 ratings a feedback criterion needs before a mean says anything about a person."""
BADGES_FOR_FULL_POINTS = 10
YEARS_FOR_FULL_POINTS = 10
CHALLENGE_RATING_FOR_ZERO_POINTS = 1000
"""The display rating of a newcomer (``mu - 3 sigma`` of 0: nothing proven yet), and below."""
CHALLENGE_RATING_FOR_FULL_POINTS = 2000
"""The display rating worth 100 points: about ten straight wins in fields of eight; a member
who finishes mid-field stays near 1000, hence near 0 points."""
SHARED_VISIBILITIES = ("manager", "public")
"""Named feedback HR may read: the receiver's private feedback is theirs alone."""
"""Anonymous feedback is usable only from releases cut for the manager chain (and HR)."""
_IN_LIST_LIMIT = 5000
"""Above this many people, filter by organisation only and pick the pool in Python, so
no query exceeds a database's bound-parameter limit and the query count stays constant."""


def _among(column: Any, person_ids: Sequence[int]) -> Any:
    return column.in_(list(person_ids)) if len(person_ids) <= _IN_LIST_LIMIT else sa.true()


def _day(as_of: datetime) -> date:
    return as_of.astimezone(UTC).date()


def _number(value: float) -> str:
    """``61`` for whole numbers, ``60.5`` otherwise (scores read as people write them)."""
    return f"{value:.1f}".removesuffix(".0")


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


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


def measure_performance(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """The rating of the latest period recorded by ``as_of``: 1 of 5 is 0 points, 5 is 100."""
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


def feedback_measure(competency: str | None) -> Measure:
    """Mean 360 rating from named feedback shared with managers (all competencies, or one).

    Anonymous feedback is never used: it was given on the promise that it is only ever
    shown in aggregates of enough givers, and a criterion is a per-person number that
    boards publish and subtract from each other, which would let one answer be isolated.
    At least :data:`MIN_RATINGS` distinct givers are required, so a single enthusiastic
    reviewer rating many competencies does not make an evidenced mean. A self-assessment is
    never counted: a board ranks people on what others say of them, and a self-rating shared
    with managers would let a candidate raise their own criterion.
    """

    def measure(
        session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        giver = sa.func.coalesce(FeedbackItem.giver_person_id, -FeedbackItem.external_rater_id)
        query = (
            sa.select(
                FeedbackItem.receiver_id,
                sa.func.sum(FeedbackRating.rating),
                sa.func.count(FeedbackRating.id),
                sa.func.count(sa.distinct(giver)),
            )
            .join(FeedbackRating, FeedbackRating.item_id == FeedbackItem.id)
            .where(
                FeedbackItem.org_id == org_id,
                _among(FeedbackItem.receiver_id, person_ids),
                FeedbackItem.created_at <= as_of,
                FeedbackItem.anonymous.is_(False),
                FeedbackItem.visibility.in_(SHARED_VISIBILITIES),
                FeedbackItem.relationship != Relationship.SELF,
                sa.func.coalesce(FeedbackItem.giver_person_id, -1) != FeedbackItem.receiver_id,
            )
            .group_by(FeedbackItem.receiver_id)
        )
        if competency is not None:
            query = query.where(FeedbackRating.competency_key == competency)
        counted = {
            pid: (int(total), int(n), int(givers))
            for pid, total, n, givers in session.execute(query)
        }
        source = "named 360 feedback shared with managers" + (
            f" ({competency})" if competency else ""
        )
        result: dict[int, Evidence] = {}
        for pid in person_ids:
            total, n, givers = counted.get(pid, (0, 0, 0))
            if givers < MIN_RATINGS:
                got = "no ratings" if n == 0 else f"ratings from {_people(givers)}"
                result[pid] = Evidence(None, f"{got}; {MIN_RATINGS} people needed", source)
                continue
            mean = total / n
            shown = f"{mean:.1f} from {n} ratings by {givers} people"
            result[pid] = Evidence((mean - 1) / 4 * 100, shown, source)
        return result

    return measure


def measure_prominence_internal(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """The score in the newest finished scoring run dated on or before ``as_of``."""
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
        return _fill(person_ids, {}, f"no scoring run by {format_date(as_of)}")
    run_id, run_as_of = run
    day = _day(run_as_of)
    wanted = set(person_ids)
    found = {
        pid: Evidence(float(score), f"{score} (run of {format_date(day)})", f"scoring run {run_id}")
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
    return _fill(person_ids, found, f"not scored in the run of {format_date(day)}")


def measure_prominence_external(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """External prominence on or before ``as_of``: renown's own combined score of the
    person's linked public accounts (``external_scores``, each network normalised against
    its own population), else the mean of each imported network's latest observation."""
    found = _combined_external(session, org_id, person_ids, as_of)
    latest: dict[int, dict[str, tuple[date, int]]] = defaultdict(dict)
    wanted = set(person_ids) - set(found)
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
    for pid, networks in latest.items():
        mean = sum(score for _, score in networks.values()) / len(networks)
        newest = max(day for day, _ in networks.values())
        counted = _plural(len(networks), "network")
        shown = f"{_number(mean)} ({counted}, latest {format_date(newest)})"
        found[pid] = Evidence(mean, shown, ", ".join(sorted(networks)))
    return _fill(person_ids, found, "no external observation")


def _combined_external(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """Each person's newest combined external score observed on or before ``as_of``."""
    newest: dict[int, tuple[date, int, list[str]]] = {}
    wanted = set(person_ids)
    for pid, score, observed_on, explanation in session.execute(
        sa.select(
            ExternalScore.person_id,
            ExternalScore.score,
            ExternalScore.observed_on,
            ExternalScore.explanation,
        ).where(
            ExternalScore.org_id == org_id,
            ExternalScore.network == "combined",
            _among(ExternalScore.person_id, person_ids),
            ExternalScore.observed_on <= _day(as_of),
        )
    ):
        if pid in wanted and (pid not in newest or observed_on > newest[pid][0]):
            shares = explanation.get("shares", []) if isinstance(explanation, dict) else []
            networks = [str(s.get("network")) for s in shares if isinstance(s, dict)]
            newest[pid] = (observed_on, score, networks)
    return {
        pid: Evidence(
            float(score),
            f"{score} combined ({_plural(len(networks), 'network')}, {format_date(day)})",
            ", ".join(networks),
        )
        for pid, (day, score, networks) in newest.items()
    }


def measure_badges(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """Badges awarded by ``as_of``, full points at :data:`BADGES_FOR_FULL_POINTS`."""
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


def measure_tenure(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """Years from the hire date to ``as_of``, full points at :data:`YEARS_FOR_FULL_POINTS`."""
    day = _day(as_of)
    found: dict[int, Evidence] = {}
    for pid, hired_on in _members(session, org_id, person_ids).items():
        if hired_on is None:
            found[pid] = Evidence(None, "no hire date")
        elif hired_on > day:
            after = f"hired on {format_date(hired_on)}, after {format_date(day)}"
            found[pid] = Evidence(None, after)
        else:
            years = (day - hired_on).days / 365.25
            points = min(years / YEARS_FOR_FULL_POINTS, 1.0) * 100
            since = f"{years:.1f} years (since {format_date(hired_on)})"
            found[pid] = Evidence(points, since, "hire date")
    return _fill(person_ids, found, _NOT_HERE)


def measure_challenges(
    session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
) -> dict[int, Evidence]:
    """The person's challenge rating right after their last rated challenge on or before
    ``as_of``: 0 points at :data:`CHALLENGE_RATING_FOR_ZERO_POINTS` or below, full points at
    :data:`CHALLENGE_RATING_FOR_FULL_POINTS` or above, linear between.

    The rating is the conservative one every profile shows (``mu - 3 sigma``), so one lucky
    win does not outweigh a record. It is read from the rating history, never the current
    rating, so a challenge settled after the round's date does not move the round. Staff
    take part through their accounts (``accounts.person_id``); a person with several
    accounts is measured by the latest rating among them. Never rated: missing, not 0.
    """
    wanted = set(person_ids)
    latest: dict[int, tuple[datetime, int, float, float]] = {}
    contests: dict[int, int] = defaultdict(int)
    for pid, at, history_id, mu, sigma in session.execute(
        sa.select(
            Account.person_id,
            RatingHistory.at,
            RatingHistory.id,
            RatingHistory.mu,
            RatingHistory.sigma,
        )
        .join(RatingHistory, RatingHistory.account_id == Account.id)
        .where(
            Account.org_id == org_id,
            _among(Account.person_id, person_ids),
            RatingHistory.at <= as_of,
        )
    ):
        if pid not in wanted:
            continue
        contests[pid] += 1
        if pid not in latest or (at, history_id) > latest[pid][:2]:
            latest[pid] = (at, history_id, mu, sigma)
    found: dict[int, Evidence] = {}
    for pid, (at, _, mu, sigma) in latest.items():
        rating = display_rating(mu, sigma)
        span = CHALLENGE_RATING_FOR_FULL_POINTS - CHALLENGE_RATING_FOR_ZERO_POINTS
        points = min(max((rating - CHALLENGE_RATING_FOR_ZERO_POINTS) / span, 0.0), 1.0) * 100
        shown = f"rating {rating} after {_plural(contests[pid], 'rated challenge')} ({_day(at)})"
        found[pid] = Evidence(points, shown, "challenge rating history")
    return _fill(person_ids, found, f"no rated challenge by {format_date(as_of)}")
