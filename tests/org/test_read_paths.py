"""The hot read paths stay correct: remembered leaderboard sizes, one-query connections."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.roles import Role
from renown.org import queries
from renown.org.actions import do_create_org, import_org_file
from renown.org.results import COLLEAGUE
from renown.scoring.pipeline import score_events
from renown.scoring.snapshots import store_scoring_result
from renown.store import transaction
from renown.store.tables import Person, ScoreSnapshot
from tests.org.orgchart import demo_chart, person_ids, principal, scored_demo


def _scored_org(db: sessionmaker[Session]) -> tuple[int, dict[str, int], int]:
    org_data, result = scored_demo()
    with transaction(db) as session:
        org = do_create_org(session, "demo", "Demo").id
        import_org_file(session, org, demo_chart(org_data), "people.csv", actor="test")
        run = store_scoring_result(session, org_id=org, result=result, actor="test")
        return org, person_ids(session, org), run.id


def _snapshots(session: Session, run_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).where(ScoreSnapshot.run_id == run_id)) or 0


def test_hr_leaderboard_size_follows_each_new_run(db: sessionmaker[Session]) -> None:
    org, ids, first = _scored_org(db)
    hr = principal(Role.HR, org)
    with db() as session:
        assert queries.leaderboard(session, hr).total == len(ids)
        assert queries.leaderboard(session, hr).total == len(ids)  # remembered: the same
    # A newer run that scored only part of the organisation (their events among themselves).
    org_data, _result = scored_demo()
    half = set(org_data.people["person_id"].to_list()[: len(ids) // 2])
    events = org_data.events.filter(pl.col("actor").is_in(half) & pl.col("target").is_in(half))
    newest = org_data.events["timestamp"].max()
    assert newest is not None
    later = score_events(events, as_of=newest + timedelta(days=7), groups=org_data.groups)
    with transaction(db) as session:
        second = store_scoring_result(session, org_id=org, result=later, actor="test").id
    with db() as session:
        board = queries.leaderboard(session, hr)
        assert board.run_id == second
        assert board.total == _snapshots(session, second) < len(ids)
        assert queries.leaderboard(session, hr, run_id=first).total == len(ids)


def test_partial_views_are_counted_afresh_within_a_run(db: sessionmaker[Session]) -> None:
    """Opt-in profiles change without a new run, so those totals are never remembered."""
    org, ids, _run = _scored_org(db)
    me = ids["p0002"]
    employee = principal(Role.EMPLOYEE, org, me)
    with db() as session:
        before = queries.leaderboard(session, employee).total
        hidden = session.scalar(
            sa.select(Person.id).where(
                Person.org_id == org, Person.public_profile.is_(False), Person.id != me
            )
        )
    with transaction(db) as session:
        session.execute(sa.update(Person).where(Person.id == hidden).values(public_profile=True))
    with db() as session:
        assert queries.leaderboard(session, employee).total == before + 1
        assert queries.leaderboard(session, principal(Role.HR, org)).total == len(ids)


def test_connections_name_only_visible_people(db: sessionmaker[Session]) -> None:
    """The one-query owner lookup names visible owners and hides the others as colleagues."""
    org, ids, _run = _scored_org(db)
    _org_data, result = scored_demo()
    top = result.scores["person"][0]
    drivers = result.explain(top).drivers
    with db() as session:
        public = set(session.scalars(sa.select(Person.id).where(Person.public_profile)))
        names: dict[int, str] = dict(session.execute(sa.select(Person.id, Person.name)).all())
        viewer = principal(Role.EMPLOYEE, org, ids[top])
        view = queries.profile(session, viewer, ids[top])
    assert len(view.top_connections) == len(drivers)
    hidden = 0
    for connection, driver in zip(view.top_connections, drivers, strict=True):
        owner = ids[driver.person]
        if owner in public or owner == ids[top]:
            assert (connection.person_id, connection.label) == (owner, names[owner])
        else:
            hidden += 1
            assert (connection.person_id, connection.label) == (None, COLLEAGUE)
    assert hidden, "the top person's drivers should include someone without a public profile"
