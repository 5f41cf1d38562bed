"""Leaderboard, profile, network and data export on a scored synthetic organisation."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import check_issue_token, do_create_account, principal_of
from renown.core.errors import NotFound
from renown.core.roles import Role
from renown.org import queries
from renown.org.actions import do_create_org, import_org_file
from renown.org.results import COLLEAGUE
from renown.privacy.export import export_my_data
from renown.scoring.snapshots import store_scoring_result
from renown.store import transaction
from renown.store.tables import Person
from tests.org.orgchart import demo_chart, person_ids, principal, scored_demo


@pytest.fixture
def scored(db: sessionmaker[Session]) -> tuple[int, dict[str, int], int]:
    """(org id, employee id -> person id, run id) of the stored synthetic run."""
    org_data, result = scored_demo()
    with transaction(db) as session:
        org = do_create_org(session, "demo", "Demo").id
        import_org_file(session, org, demo_chart(org_data), "people.csv", actor="test")
        run = store_scoring_result(session, org_id=org, result=result, actor="test")
        return org, person_ids(session, org), run.id


def test_latest_run_and_hr_leaderboard(
    session: Session, scored: tuple[int, dict[str, int], int]
) -> None:
    org, ids, run_pk = scored
    latest = queries.latest_run(session, org)
    assert latest is not None and latest.id == run_pk
    board = queries.leaderboard(session, principal(Role.HR, org), limit=500)
    assert board.total == len(ids) == len(board.items) and board.run_id == run_pk
    keys = [(row.rank, row.name) for row in board.items]
    assert keys == sorted(keys)
    scores = [row.score for row in board.items]
    assert scores == sorted(scores, reverse=True)
    _, result = scored_demo()
    top = result.scores.row(0, named=True)
    first = next(r for r in board.items if r.person_id == ids[top["person"]])
    assert first.rank == 1 and first.score == top["score"]
    assert sum(first.components.values()) + 1 == pytest.approx(top["score_exact"], abs=1e-3)
    page = queries.leaderboard(session, principal(Role.HR, org), limit=10, offset=10)
    assert [r.person_id for r in page.items] == [r.person_id for r in board.items[10:20]]


def test_leaderboard_filters_and_visibility(
    session: Session, scored: tuple[int, dict[str, int], int]
) -> None:
    org, ids, run_pk = scored
    me = ids["p0002"]  # not public (every third profile is)
    employee = principal(Role.EMPLOYEE, org, me)
    board = queries.leaderboard(session, employee, limit=500)
    public = set(session.scalars(sa.select(Person.id).where(Person.public_profile)))
    assert {r.person_id for r in board.items} == public | {me}
    person = session.get(Person, me)
    assert person is not None and person.department_id is not None
    hr = principal(Role.HR, org)
    by_department = queries.leaderboard(session, hr, department_id=person.department_id, limit=500)
    assert by_department.items and all(
        r.department == person.department.name
        for r in by_department.items  # type: ignore[union-attr]
    )
    by_team = queries.leaderboard(session, hr, team_id=person.team_id, limit=500)
    assert me in {r.person_id for r in by_team.items}
    assert queries.leaderboard(session, hr, run_id=run_pk).total == len(ids)
    with pytest.raises(NotFound):
        queries.leaderboard(session, principal(Role.HR, org + 1), run_id=run_pk)


def test_profile_history_and_connections(
    session: Session, scored: tuple[int, dict[str, int], int]
) -> None:
    org, ids, run_pk = scored
    _, result = scored_demo()
    top_person = result.scores["person"][0]
    view = queries.profile(session, principal(Role.HR, org), ids[top_person])
    assert view.snapshot is not None and view.snapshot.run_id == run_pk
    assert [(h.run_id, h.score) for h in view.history] == [(run_pk, view.snapshot.score)]
    drivers = result.explain(top_person).drivers
    assert [c.person_id for c in view.top_connections] == [ids[d.person] for d in drivers]
    assert [c.share for c in view.top_connections] == [round(d.share, 4) for d in drivers]
    # The person themselves sees the same connections, hidden where not visible to them.
    own = queries.profile(session, principal(Role.EMPLOYEE, org, ids[top_person]), ids[top_person])
    myself = principal(Role.EMPLOYEE, org, ids[top_person])
    visible = {p.id for p in queries.list_people(session, myself, limit=500).items}
    for connection, driver in zip(own.top_connections, drivers, strict=True):
        if ids[driver.person] in visible:
            assert connection.person_id == ids[driver.person]
        else:
            assert (connection.person_id, connection.label) == (None, COLLEAGUE)


def test_network_edges_join_nodes_of_the_picture(
    session: Session, scored: tuple[int, dict[str, int], int]
) -> None:
    org, ids, _ = scored
    hr = principal(Role.HR, org)
    net = queries.network(session, hr, limit=300)
    node_ids = {n.id for n in net.nodes}
    assert node_ids == set(ids.values()) and net.edges
    assert all(e.source in node_ids and e.target in node_ids for e in net.edges)
    assert all(0 < e.weight <= 1 and e.source != e.target for e in net.edges)
    small = queries.network(session, hr, limit=20)
    assert len(small.nodes) == 20
    assert all(e.source in {n.id for n in small.nodes} for e in small.edges)
    employee = principal(Role.EMPLOYEE, org, ids["p0002"])
    mine = queries.network(session, employee)
    public = set(session.scalars(sa.select(Person.id).where(Person.public_profile)))
    assert {n.id for n in mine.nodes} <= public | {ids["p0002"]}


def test_export_my_data_is_only_mine_and_json_ready(
    db: sessionmaker[Session], scored: tuple[int, dict[str, int], int]
) -> None:
    org, ids, _ = scored
    with transaction(db) as session:
        mine = do_create_account(
            session, org_id=org, email="me@example.com", password=None, role=Role.EMPLOYEE,
            person_id=ids["p0002"],
        )  # fmt: skip
        do_create_account(
            session, org_id=org, email="other@example.com", password=None, role=Role.EMPLOYEE,
            person_id=ids["p0003"],
        )  # fmt: skip
        me = principal_of(mine)
        check_issue_token(session, me, "laptop")
    with db() as session:
        data = export_my_data(session, me)
    text = json.dumps(data)
    assert data["person"]["employee_id"] == "p0002"
    assert {"kind": "employee_id", "value": "p0002"} in data["identities"]
    [snapshot] = data["snapshots"]
    explanation = snapshot["explanation"]
    assert "components" in explanation and "driver_shares" in explanation
    # other people's identities never leave in an export
    assert not {"drivers", "summary", "ring"} & set(explanation)
    [account] = data["accounts"]
    assert account["email"] == "me@example.com" and account["tokens"][0]["name"] == "laptop"
    assert "digest" not in text and "password" not in text and "other@example.com" not in text
