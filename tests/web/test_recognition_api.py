"""The recognition API end to end: the wall, the limits as 422s with a clear message,
reactions and comments, another organisation's kudos as 404s, badges, and HR's ring review.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.recognition.actions import check_set_limits
from renown.store.tables.org import Person
from renown.store.tables.recognition import Kudos
from tests.web.conftest import (
    Platform,
    add_kudos,
    add_ring,
    principal_of_account,
)

API = "/api/v1"


def give(client: Any, receiver_id: int, message: str = "thanks for the review") -> Any:
    return client.post(f"{API}/kudos", json={"receiver_id": receiver_id, "message": message})


def test_given_kudos_is_on_the_wall_and_uses_the_budget(platform: Platform) -> None:
    employee = platform.bearer(Role.EMPLOYEE)
    before = employee.get(f"{API}/kudos/budget").json()
    answer = give(employee, platform.cast.public, "you unblocked the release")
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["giver"]["id"] == platform.cast.employee
    assert created["receiver"]["id"] == platform.cast.public
    wall = employee.get(f"{API}/kudos").json()
    assert wall["items"][0]["id"] == created["id"]
    assert wall["items"][0]["message"] == "you unblocked the release"
    after = employee.get(f"{API}/kudos/budget").json()
    assert (after["given"], after["left"]) == (before["given"] + 1, before["left"] - 1)
    received = employee.get(f"{API}/people/{platform.cast.public}/kudos/received").json()
    assert created["id"] in [item["id"] for item in received["items"]]
    given = employee.get(f"{API}/people/{platform.cast.employee}/kudos/given").json()
    assert created["id"] in [item["id"] for item in given["items"]]


def test_self_kudos_is_refused(platform: Platform) -> None:
    answer = give(platform.bearer(Role.EMPLOYEE), platform.cast.employee)
    assert answer.status_code == 422
    assert "yourself" in answer.json()["detail"]


def test_pair_cap_is_a_422_naming_the_cap(platform: Platform) -> None:
    manager = platform.bearer(Role.MANAGER)
    for _ in range(3):
        assert give(manager, platform.cast.report).status_code == 201
    answer = give(manager, platform.cast.report)
    assert answer.status_code == 422
    assert "this colleague 3 kudos this month" in answer.json()["detail"]
    assert give(manager, platform.cast.second_level).status_code == 201


def test_exhausted_budget_is_a_422_saying_when_it_renews(platform: Platform) -> None:
    # In the other organisation, so that its small allowance does not bind acme's tests.
    hr = platform.other_hr
    with platform.sessions() as session, session.begin():
        principal = principal_of_account(session, hr.account_id)
        check_set_limits(session, principal, monthly_allowance=2, pair_cap=1, clock=SystemClock())
    client = platform.bearer(hr)
    with platform.sessions() as session:
        first, second, third = session.scalars(
            sa.select(Person.id)
            .where(Person.org_id == hr.org_id, Person.id != hr.person_id)
            .order_by(Person.id)
            .limit(3)
        ).all()
    assert give(client, first).status_code == 201
    assert give(client, second).status_code == 201
    assert client.get(f"{API}/kudos/budget").json()["left"] == 0
    answer = give(client, third)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "all 2 kudos of this month" in detail and "renews" in detail


def test_another_organisations_kudos_and_people_are_not_found(platform: Platform) -> None:
    other = platform.other_hr
    foreign = add_kudos(platform, other.org_id, other.person_id)
    employee = platform.bearer(Role.EMPLOYEE)
    assert give(employee, platform.cast.other_person).status_code == 404
    assert employee.put(f"{API}/kudos/{foreign}/reactions/clap").status_code == 404
    assert employee.get(f"{API}/kudos/{foreign}/comments").status_code == 404
    assert employee.post(f"{API}/kudos/{foreign}/comments", json={"text": "hi"}).status_code == (
        404
    )
    assert employee.delete(f"{API}/kudos/{foreign}").status_code == 404
    hr = platform.bearer(Role.HR)
    assert hr.get(f"{API}/people/{platform.cast.other_person}/badges").status_code == 404
    assert all(item["id"] != foreign for item in hr.get(f"{API}/kudos").json()["items"])


def test_reactions_are_counted_once_per_person_and_kind(platform: Platform) -> None:
    kudos = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.employee)
    employee, manager = platform.bearer(Role.EMPLOYEE), platform.bearer(Role.MANAGER)
    for _ in range(2):
        answer = employee.put(f"{API}/kudos/{kudos}/reactions/tada")
        assert answer.status_code == 200, answer.text
    mine = answer.json()
    assert (mine["reactions"], mine["my_reactions"]) == ({"tada": 1}, ["tada"])
    theirs = manager.put(f"{API}/kudos/{kudos}/reactions/tada").json()
    assert (theirs["reactions"], theirs["my_reactions"]) == ({"tada": 2}, ["tada"])
    assert employee.put(f"{API}/kudos/{kudos}/reactions/poop").status_code == 422
    after = employee.delete(f"{API}/kudos/{kudos}/reactions/tada").json()
    assert (after["reactions"], after["my_reactions"]) == ({"tada": 1}, [])


def test_comments_can_be_deleted_by_their_author_only(platform: Platform) -> None:
    kudos = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.manager)
    employee, manager = platform.bearer(Role.EMPLOYEE), platform.bearer(Role.MANAGER)
    assert employee.post(f"{API}/kudos/{kudos}/comments", json={"text": "  "}).status_code == 422
    created = employee.post(f"{API}/kudos/{kudos}/comments", json={"text": "well deserved"})
    assert created.status_code == 201, created.text
    comment = created.json()
    assert (comment["author"]["id"], comment["text"]) == (platform.cast.employee, "well deserved")
    thread = manager.get(f"{API}/kudos/{kudos}/comments").json()
    assert [c["text"] for c in thread] == ["well deserved"]
    assert manager.delete(f"{API}/kudos/comments/{comment['id']}").status_code == 403
    assert employee.delete(f"{API}/kudos/comments/{comment['id']}").status_code == 204
    assert manager.get(f"{API}/kudos/{kudos}/comments").json() == []


def test_only_the_giver_withdraws_and_gets_the_budget_back(platform: Platform) -> None:
    employee, manager = platform.bearer(Role.EMPLOYEE), platform.bearer(Role.MANAGER)
    created = give(employee, platform.cast.manager).json()
    left = employee.get(f"{API}/kudos/budget").json()["left"]
    assert manager.delete(f"{API}/kudos/{created['id']}").status_code == 403
    assert employee.delete(f"{API}/kudos/{created['id']}").status_code == 204
    assert employee.get(f"{API}/kudos/budget").json()["left"] == left + 1
    assert employee.delete(f"{API}/kudos/{created['id']}").status_code == 404


def test_discount_marks_are_for_hr_and_admins_only(platform: Platform) -> None:
    kudos = add_kudos(
        platform, platform.acme_id, platform.cast.private, platform.cast.public, discounted=True
    )

    def seen_by(role: Role) -> dict[str, Any]:
        answer = platform.bearer(role).get(f"{API}/people/{platform.cast.public}/kudos/received")
        return next(item for item in answer.json()["items"] if item["id"] == kudos)

    for role in (Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER):
        item = seen_by(role)
        assert (item["discounted"], item["discount_reason"]) == (None, None), role
    for role in (Role.HR, Role.ADMIN):
        item = seen_by(role)
        assert (item["discounted"], item["discount_reason"]) == (True, "ring:0"), role


def test_badge_catalogue_and_awards_with_reasons(platform: Platform) -> None:
    catalogue = platform.bearer(Role.EMPLOYEE).get(f"{API}/badges").json()
    first = next(b for b in catalogue if b["id"] == "first-kudos")
    assert (first["tier"], first["per_item"]) == ("bronze", False)
    assert {b["tier"] for b in catalogue} == {"bronze", "silver", "gold"}
    assert give(platform.bearer(Role.EMPLOYEE), platform.cast.private).status_code == 201
    assert platform.bearer(Role.EMPLOYEE).post(f"{API}/recognition/run").status_code == 403
    job = platform.bearer(Role.HR).post(f"{API}/recognition/run")
    assert job.status_code == 202, job.text
    done = platform.bearer(Role.HR).get(f"{API}/jobs/{job.json()['id']}").json()
    assert done["status"] == "done", done
    badges = platform.bearer(Role.EMPLOYEE).get(f"{API}/people/{platform.cast.private}/badges")
    earned = {b["badge"]: b for b in badges.json()}
    assert "first-kudos" in earned
    assert earned["first-kudos"]["name"] == "First kudos" and earned["first-kudos"]["reason"]


def test_hr_reviews_a_ring_with_a_reason(platform: Platform) -> None:
    members = [platform.cast.report, platform.cast.second_level]
    for giver, receiver in (members, members[::-1], members):
        add_kudos(platform, platform.acme_id, giver, receiver)
    ring = add_ring(platform, platform.acme_id, members)
    assert platform.bearer(Role.EMPLOYEE).get(f"{API}/kudos/rings").status_code == 403
    hr = platform.bearer(Role.HR)
    listed = hr.get(f"{API}/kudos/rings", params={"status": "suspected"}).json()
    assert ring in [r["id"] for r in listed]
    detail = hr.get(f"{API}/kudos/rings/{ring}").json()
    pairs = {(p["giver"]["id"], p["receiver"]["id"]): p["kudos"] for p in detail["pairs"]}
    assert pairs == {(members[0], members[1]): 2, (members[1], members[0]): 1}
    refused = hr.post(f"{API}/kudos/rings/{ring}/confirm", json={"reason": "  "})
    assert refused.status_code == 422 and "say why" in refused.json()["detail"]
    reason = "they agreed in chat to thank each other every week"
    decided = hr.post(f"{API}/kudos/rings/{ring}/confirm", json={"reason": reason})
    assert decided.status_code == 200, decided.text
    assert decided.json()["ring"]["status"] == "confirmed"
    history = hr.get(f"{API}/kudos/rings/{ring}").json()["history"]
    assert history[-1]["action"] == "kudos.ring.confirm"
    assert (history[-1]["reason"], history[-1]["kudos_changed"]) == (reason, 3)
    with platform.sessions() as session:
        marks = session.scalars(
            sa.select(Kudos.discounted).where(
                Kudos.giver_id.in_(members), Kudos.receiver_id.in_(members)
            )
        ).all()
    assert marks and all(marks)
    dismissed = hr.post(f"{API}/kudos/rings/{ring}/dismiss", json={"reason": "a mistake"})
    assert dismissed.json()["ring"]["status"] == "dismissed"
    other_ring = add_ring(platform, platform.other_id, [platform.cast.other_person])
    assert hr.get(f"{API}/kudos/rings/{other_ring}").status_code == 404
    assert hr.post(f"{API}/kudos/rings/{other_ring}/confirm", json={"reason": "x"}).status_code == (
        404
    )


@pytest.mark.parametrize("per_page", [1, 2])
def test_wall_pages_do_not_overlap(platform: Platform, per_page: int) -> None:
    for _ in range(2 * per_page):
        add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.private)
    client = platform.bearer(Role.RECRUITER)
    first = client.get(f"{API}/kudos", params={"page": 1, "per_page": per_page}).json()
    second = client.get(f"{API}/kudos", params={"page": 2, "per_page": per_page}).json()
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert len(ids) == len(set(ids)) == 2 * per_page
    assert client.get(f"{API}/kudos", params={"per_page": 101}).status_code == 422
