"""Read-only org queries, always scoped to the principal's organisation and visibility.

Visibility is one SQL criterion (:func:`visible_person_ids_clause`) that every query adds,
so no page can forget it: HR and admins see everyone in their organisation; a manager sees
themselves, everyone below them in the reporting line and people who opted in to a public
profile; employees and recruiters see themselves and public profiles; challenge-only roles
(sponsor, member) see no prominence data at all. Anything outside the organisation or the
criterion is "not found", never "forbidden", so its existence is not revealed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.core.explanation import Explanation
from renown.core.roles import Role
from renown.org.identities import owners_of
from renown.org.reporting import reporting_line_ids
from renown.org.results import (
    COLLEAGUE,
    Connection,
    HistoryPoint,
    Leaderboard,
    LeaderboardRow,
    MemberView,
    Network,
    NetworkEdge,
    NetworkNode,
    Page,
    Profile,
    TeamView,
)
from renown.store.tables.org import Department, Person, Team
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

__all__ = [
    "get_person",
    "get_team",
    "latest_run",
    "leaderboard",
    "list_departments",
    "list_people",
    "list_teams",
    "network",
    "profile",
    "reports_of",
    "visible_person_ids_clause",
]

MAX_PAGE = 500
MAX_NETWORK = 5000
"""Most people one network map draws (a whole organisation of a few thousand)."""
OUTSIDER = "someone outside the org chart"
"""Label of a driver whose identity matches nobody in the organisation."""


STAFF_ONLY = "this role does not see people or prominence scores"


_UNINDEXED_ORG_ID = Person.org_id + 0
"""Built once: SQL expressions are immutable, and building this one costs more than the
lookup it steers."""


def visible_person_ids_clause(
    principal: Principal, *, narrowed: bool = False
) -> ColumnElement[bool]:
    """SQL criterion on :class:`Person` selecting the people ``principal`` may see.

    ``narrowed``: the query already picks few rows by a more selective key (person ids, one
    scoring run). The organisation test is then written as ``org_id + 0`` so that it cannot
    steer the planner: without table statistics SQLite otherwise walks the whole
    organisation's ``org_id`` index (every person) instead of looking the few rows up by
    key, a hundred times slower. The test itself is unchanged.
    """
    principal.require_staff(STAFF_ONLY)
    in_org = (_UNINDEXED_ORG_ID if narrowed else Person.org_id) == principal.org_id
    if principal.sees_everyone:
        return in_org
    seen: list[ColumnElement[bool]] = [Person.public_profile.is_(True)]
    if principal.person_id is not None:
        seen.append(Person.id == principal.person_id)
        if principal.role is Role.MANAGER:
            seen.append(Person.id.in_(reporting_line_ids(principal.org_id, principal.person_id)))
    return sa.and_(in_org, sa.or_(*seen))


def get_person(session: Session, principal: Principal, person_id: int) -> Person:
    """A person the principal may see (NotFound otherwise, wherever they are)."""
    person = session.scalar(
        sa.select(Person).where(
            Person.id == person_id, visible_person_ids_clause(principal, narrowed=True)
        )
    )
    if person is None:
        raise NotFound(f"no person {person_id}")
    return person


def _window(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_PAGE)), max(0, offset)


def list_people(
    session: Session,
    principal: Principal,
    *,
    q: str | None = None,
    team_id: int | None = None,
    department_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Person]:
    """Visible people by name; ``q`` matches name, e-mail or title (case-insensitive)."""
    limit, offset = _window(limit, offset)
    where = [visible_person_ids_clause(principal)]
    if q and q.strip():
        where.append(_text_matches(q))
    if team_id is not None:
        where.append(Person.team_id == team_id)
    if department_id is not None:
        where.append(Person.department_id == department_id)
    total = session.scalar(sa.select(sa.func.count(Person.id)).where(*where)) or 0
    items = session.scalars(
        sa.select(Person).where(*where).order_by(Person.name, Person.id).limit(limit).offset(offset)
    ).all()
    return Page(items, total, limit, offset)


def _text_matches(q: str) -> ColumnElement[bool]:
    """Name, e-mail or title contains ``q`` (case-insensitive)."""
    pattern = "%" + _escape_like(q.strip().lower()) + "%"
    return sa.or_(
        *(
            sa.func.lower(sa.func.coalesce(column, "")).like(pattern, escape="\\")
            for column in (Person.name, Person.email, Person.title)
        )
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_teams(session: Session, principal: Principal) -> list[Team]:
    """Teams of the organisation by name (structure, not people: every staff role sees it)."""
    principal.require_staff(STAFF_ONLY)
    return list(
        session.scalars(sa.select(Team).where(Team.org_id == principal.org_id).order_by(Team.name))
    )


def list_departments(session: Session, principal: Principal) -> list[Department]:
    """Departments of the organisation by name."""
    principal.require_staff(STAFF_ONLY)
    return list(
        session.scalars(
            sa.select(Department)
            .where(Department.org_id == principal.org_id)
            .order_by(Department.name)
        )
    )


def get_team(session: Session, principal: Principal, team_id: int) -> TeamView:
    """A team with its visible members and their scores in the latest run."""
    principal.require_staff(STAFF_ONLY)
    team = session.get(Team, team_id)
    if team is None or team.org_id != principal.org_id:
        raise NotFound(f"no team {team_id}")
    department = session.get(Department, team.department_id) if team.department_id else None
    run = latest_run(session, principal.org_id)
    rows = session.execute(
        sa.select(Person, ScoreSnapshot.score)
        .outerjoin(
            ScoreSnapshot,
            sa.and_(
                ScoreSnapshot.person_id == Person.id,
                ScoreSnapshot.run_id == (run.id if run else -1),
            ),
        )
        .where(Person.team_id == team.id, visible_person_ids_clause(principal))
        .order_by(ScoreSnapshot.score.desc().nulls_last(), Person.name, Person.id)
    ).all()
    members = [MemberView(person, score) for person, score in rows]
    return TeamView(team, department.name if department else None, members)


def reports_of(
    session: Session, principal: Principal, *, direct_only: bool = False
) -> list[Person]:
    """People below the principal in the reporting line (everyone below, or direct reports)."""
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        return []
    return list(
        session.scalars(
            sa.select(Person)
            .where(_below(principal, principal.person_id, direct_only))
            .order_by(Person.name, Person.id)
        )
    )


def find_reports(session: Session, principal: Principal, q: str, *, limit: int) -> Page[Person]:
    """The first ``limit`` people below the principal in the reporting line whose name,
    e-mail or title contains ``q``, by name, and how many match in all.

    A senior manager's line runs to hundreds, so a form asks for a report by search
    rather than listing them all; a blank ``q`` finds nobody.
    """
    principal.require_staff(STAFF_ONLY)
    limit, _ = _window(limit, 0)
    if principal.person_id is None or not q.strip():
        return Page([], 0, limit, 0)
    where = sa.and_(_below(principal, principal.person_id, False), _text_matches(q))
    total = session.scalar(sa.select(sa.func.count(Person.id)).where(where)) or 0
    items = session.scalars(
        sa.select(Person).where(where).order_by(Person.name, Person.id).limit(limit)
    ).all()
    return Page(items, total, limit, 0)


def report_of(session: Session, principal: Principal, person_id: int) -> Person | None:
    """The person ``person_id`` if they are below the principal in the reporting line."""
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        return None
    return session.scalar(
        sa.select(Person).where(
            Person.id == person_id, _below(principal, principal.person_id, False)
        )
    )


def _below(principal: Principal, person_id: int, direct_only: bool) -> ColumnElement[bool]:
    """People below ``person_id`` (the principal's person) in the organisation."""
    line: ColumnElement[bool] = (
        Person.manager_id == person_id
        if direct_only
        else Person.id.in_(reporting_line_ids(principal.org_id, person_id))
    )
    return sa.and_(line, Person.id != person_id, Person.org_id == principal.org_id)


def latest_run(session: Session, org_id: int) -> ScoringRun | None:
    """The organisation's finished run with the newest as-of date.

    "Latest" means the most recent picture of the organisation, not the run that happened
    to finish last (re-scoring an old window must not replace today's leaderboard); the
    profile history uses the same order, so both pages agree.
    """
    return session.scalar(
        sa.select(ScoringRun)
        .where(
            ScoringRun.org_id == org_id,
            ScoringRun.status == "done",
            ScoringRun.finished_at.is_not(None),
        )
        .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
        .limit(1)
    )


def previous_run(session: Session, run: ScoringRun) -> ScoringRun | None:
    """The organisation's finished run just before ``run`` in :func:`latest_run`'s order
    (as-of instant, then id): what a person's change since the previous run compares with."""
    earlier = sa.or_(
        ScoringRun.as_of < run.as_of,
        sa.and_(ScoringRun.as_of == run.as_of, ScoringRun.id < run.id),
    )
    return session.scalar(
        sa.select(ScoringRun)
        .where(
            ScoringRun.org_id == run.org_id,
            ScoringRun.status == "done",
            ScoringRun.finished_at.is_not(None),
            earlier,
        )
        .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
        .limit(1)
    )


def scores_in_run(session: Session, run_id: int | None, person_ids: list[int]) -> dict[int, int]:
    """Score in run ``run_id`` of each of ``person_ids`` that run scored (one query)."""
    if run_id is None or not person_ids:
        return {}
    rows = session.execute(
        sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score).where(
            ScoreSnapshot.run_id == run_id, ScoreSnapshot.person_id.in_(person_ids)
        )
    )
    return {int(person_id): int(score) for person_id, score in rows}


def _run(session: Session, org_id: int, run_id: int | None) -> ScoringRun | None:
    if run_id is None:
        return latest_run(session, org_id)
    run = session.get(ScoringRun, run_id)
    if run is None or run.org_id != org_id:
        raise NotFound(f"no scoring run {run_id}")
    return run


def leaderboard(
    session: Session,
    principal: Principal,
    *,
    run_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    department_id: int | None = None,
    team_id: int | None = None,
) -> Leaderboard:
    """Visible people of a run (default: the latest) by score, then name."""
    limit, offset = _window(limit, offset)
    visible = visible_person_ids_clause(principal, narrowed=True)
    run = _run(session, principal.org_id, run_id)
    if run is None:
        return Leaderboard([], 0, limit, offset)
    where = [ScoreSnapshot.run_id == run.id, visible]
    if team_id is not None:
        where.append(Person.team_id == team_id)
    if department_id is not None:
        where.append(Person.department_id == department_id)
    everyone = principal.sees_everyone and team_id is None and department_id is None
    total = _cached_total(session, run) if everyone else None
    if total is None:
        base = sa.select(ScoreSnapshot.id).join(Person, Person.id == ScoreSnapshot.person_id)
        total = session.scalar(
            sa.select(sa.func.count()).select_from(base.where(*where).subquery())
        )
        if everyone:
            _remember_total(session, run, total or 0)
    # Named columns, not whole snapshots: the explanation JSON is large and not shown here.
    rows = session.execute(
        sa.select(
            ScoreSnapshot.person_id,
            ScoreSnapshot.score,
            ScoreSnapshot.rank,
            ScoreSnapshot.trend,
            ScoreSnapshot.components,
            Person.name,
            Person.title,
            Team.name,
            Department.name,
        )
        .join(Person, Person.id == ScoreSnapshot.person_id)
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(Department, Department.id == Person.department_id)
        .where(*where)
        .order_by(ScoreSnapshot.rank, Person.name, Person.id)
        .limit(limit)
        .offset(offset)
    ).all()
    # the previous run's scores of this page only, in a second query: joined into the page's
    # query, the database looks up everybody's previous snapshot before sorting by rank
    # (more than the whole page costs on a 2,000-person organisation)
    before = previous_run(session, run) if rows else None
    previous = scores_in_run(session, before.id if before else None, [row[0] for row in rows])
    items = [
        LeaderboardRow(
            person_id=person_id,
            name=name,
            title=title,
            team=team,
            department=department,
            score=score,
            rank=rank,
            trend=trend,
            components={k: float(v) for k, v in components.items()},
            since_previous=(
                None if person_id not in previous else int(score) - previous[person_id]
            ),
        )
        for person_id, score, rank, trend, components, name, title, team, department in rows
    ]
    return Leaderboard(items, total or 0, limit, offset, run_id=run.id, as_of=run.as_of)


_RUN_TOTALS: weakref.WeakKeyDictionary[object, dict[tuple[Any, ...], int]] = (
    weakref.WeakKeyDictionary()
)
"""Everyone-visible leaderboard size per database and scoring run.

A run's snapshots are written in the same transaction as the run and never change, and
people are never deleted or moved between organisations, so the number of people an HR
view of a run counts is fixed once the run is visible; counting it again on every page
costs more than the rest of the request. The key holds the run's own identity (id, key
and finish time), so a new run, or a database emptied and refilled with the same ids, is
counted afresh. Filtered and partial views (opt-in profiles, reporting lines, teams) change
without a new run and are always counted.
"""
_RUN_TOTALS_LIMIT = 256
_RUN_TOTALS_LOCK = threading.Lock()


def _run_identity(run: ScoringRun) -> tuple[Any, ...]:
    return (run.org_id, run.id, run.run_key, run.finished_at)


def _cached_total(session: Session, run: ScoringRun) -> int | None:
    if run.status != "done" or run.finished_at is None:
        return None
    with _RUN_TOTALS_LOCK:
        return _RUN_TOTALS.get(session.get_bind(), {}).get(_run_identity(run))


def _remember_total(session: Session, run: ScoringRun, total: int) -> None:
    if run.status != "done" or run.finished_at is None:
        return
    with _RUN_TOTALS_LOCK:
        totals = _RUN_TOTALS.setdefault(session.get_bind(), {})
        if len(totals) >= _RUN_TOTALS_LIMIT:
            totals.clear()
        totals[_run_identity(run)] = total


def _owners_and_names(
    session: Session, principal: Principal, raw_values: Iterable[str]
) -> tuple[dict[str, int], dict[int, str]]:
    """Who owns each raw identity, and the names of those owners the principal may see (an
    owner the principal may not see has no name, and is shown as a colleague, never named).
    """
    owners = owners_of(session, principal.org_id, raw_values)
    if not owners:
        return {}, {}
    visible = visible_person_ids_clause(principal, narrowed=True)
    rows = session.execute(
        sa.select(Person.id, Person.name).where(
            Person.id.in_(sorted(set(owners.values()))), visible
        )
    ).all()
    return owners, {pid: name for pid, name in rows}


def profile(session: Session, principal: Principal, person_id: int) -> Profile:
    """A visible person's page: latest snapshot, score history, top connections."""
    person = get_person(session, principal, person_id)
    rows = session.execute(
        sa.select(ScoreSnapshot, ScoringRun.as_of)
        .join(ScoringRun, ScoringRun.id == ScoreSnapshot.run_id)
        .where(
            ScoreSnapshot.person_id == person.id,
            ScoringRun.org_id == principal.org_id,
            ScoringRun.status == "done",
        )
        .order_by(ScoringRun.as_of, ScoringRun.id)
    ).all()
    snapshots = list(rows)
    history = [HistoryPoint(snap.run_id, as_of, snap.score) for snap, as_of in snapshots]
    latest = snapshots[-1][0] if snapshots else None
    connections: list[Connection] = []
    if latest is not None:
        drivers = _drivers(latest.explanation)
        owners, names = _owners_and_names(session, principal, (raw for raw, _ in drivers))
        for raw, share in drivers:
            owner = owners.get(raw)
            if owner is None:
                connections.append(Connection(None, OUTSIDER, share))
            elif owner in names:
                connections.append(Connection(owner, names[owner], share))
            else:
                connections.append(Connection(None, COLLEAGUE, share))
    return Profile(person, latest, history, connections)


def _drivers(explanation: dict[str, Any]) -> list[tuple[str, float]]:
    return [(d.person, d.share) for d in Explanation.from_dict(explanation).drivers]


def network(
    session: Session,
    principal: Principal,
    *,
    team_id: int | None = None,
    department_id: int | None = None,
    limit: int = 300,
) -> Network:
    """Who drives whom among the top visible people of the latest run (edge driver -> person)."""
    visible = visible_person_ids_clause(principal)
    run = latest_run(session, principal.org_id)
    if run is None:
        return Network([], [])
    where = [ScoreSnapshot.run_id == run.id, visible]
    if team_id is not None:
        where.append(Person.team_id == team_id)
    if department_id is not None:
        where.append(Person.department_id == department_id)
    rows = session.execute(
        sa.select(
            Person.id,
            Person.name,
            Team.name,
            ScoreSnapshot.score,
            ScoreSnapshot.explanation,
            Person.title,
            Person.department_id,
            Department.name,
        )
        .join(ScoreSnapshot, ScoreSnapshot.person_id == Person.id)
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(Department, Department.id == Person.department_id)
        .where(*where)
        .order_by(ScoreSnapshot.score.desc(), Person.name, Person.id)
        .limit(max(0, min(limit, MAX_NETWORK)))
    ).all()
    nodes: list[NetworkNode] = []
    drivers_of: dict[int, list[tuple[str, float]]] = {}
    for pid, name, team, score, explanation, title, department, department_name in rows:
        nodes.append(NetworkNode(pid, name, team, score, title, department, department_name))
        drivers_of[pid] = _drivers(explanation)
    owners = owners_of(
        session, principal.org_id, (raw for ds in drivers_of.values() for raw, _ in ds)
    )
    in_picture = set(drivers_of)
    edges = [
        NetworkEdge(owners[raw], target, share)
        for target, ds in drivers_of.items()
        for raw, share in ds
        if owners.get(raw) in in_picture and owners[raw] != target
    ]
    return Network(nodes, edges)
