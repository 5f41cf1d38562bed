"""The feedback API end to end: giving, requests, outside raters' links, settings, and the
anonymity attacks a curious receiver, manager, HR person or administrator could try
through the API (threshold, subtraction, narrowing filters, giver ids in any answer)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.accounts.actions import check_issue_token, do_create_account
from renown.core.roles import Role
from renown.org.reporting import manager_chain
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from tests.web.conftest import Platform, principal_of_account

FEEDBACK = "/api/v1/feedback"
THRESHOLD = 5
"""The installation's default anonymity threshold (the test platform keeps it)."""


def _account_for(platform: Platform, person_id: int, role: Role = Role.EMPLOYEE) -> TestClient:
    """A bearer client for a new account of ``person_id`` (a colleague without one yet)."""
    with platform.sessions() as session, session.begin():
        account = do_create_account(
            session,
            org_id=platform.acme_id,
            email=f"person-{person_id}@acme.example",
            password=None,
            role=role,
            person_id=person_id,
        )
        _row, token = check_issue_token(session, principal_of_account(session, account.id), "t")
    return TestClient(
        platform.app, follow_redirects=False, headers={"Authorization": f"Bearer {token}"}
    )


def _in_months(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _values(document: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key, value) anywhere in a JSON document; keys count as values of ``""``."""
    if isinstance(document, dict):
        for name, value in document.items():
            yield "", name
            yield from _values(value, name)
    elif isinstance(document, list):
        for value in document:
            yield from _values(value, key)
    else:
        yield key, document


@pytest.fixture(scope="module")
def receiver(platform: Platform) -> TestClient:
    """The manager's report (private profile), who receives the anonymous feedback."""
    return _account_for(platform, platform.cast.report)


@pytest.fixture(scope="module")
def anonymous_givers(platform: Platform) -> list[tuple[int, str, str, TestClient]]:
    """Six colleagues outside the receiver's management chain and without accounts:
    (person id, name, email, client). Ids above 20, so they cannot be confused with the
    small counts and ratings an answer legitimately holds."""
    with platform.sessions() as session:
        report = session.get(Person, platform.cast.report)
        assert report is not None
        excluded = {report.id, *manager_chain(session, report)}
        excluded |= set(session.scalars(sa.select(Account.person_id).where(Account.person_id > 0)))
        rows = session.execute(
            sa.select(Person.id, Person.name, Person.email)
            .where(Person.org_id == platform.acme_id, Person.id > 20, Person.id.not_in(excluded))
            .order_by(Person.id)
            .limit(6)
        ).all()
    return [(pid, name, email or "", _account_for(platform, pid)) for pid, name, email in rows]


# --- Giving and reading -------------------------------------------------------------------


def test_named_feedback_reaches_the_receiver_and_notifies_them(platform: Platform) -> None:
    giver = platform.bearer(Role.EMPLOYEE)
    colleague = platform.bearer(Role.HR)
    hr_person = platform.members[Role.HR].person_id
    answer = giver.post(
        FEEDBACK,
        json={
            "receiver_id": hr_person,
            "text": "Clear release notes, thank you.",
            "ratings": {"communication": 5},
        },
    )
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["relationship"] in {"peer", "other"} and created["anonymous"] is False
    received = colleague.get(f"{FEEDBACK}/received").json()
    item = next(i for i in received["named"] if i["id"] == created["id"])
    assert item["giver_id"] == platform.cast.employee
    assert item["ratings"] == {"communication": 5}
    given = giver.get(f"{FEEDBACK}/given").json()
    assert any(g["id"] == created["id"] for g in given)
    notes = colleague.get("/api/v1/notifications", params={"unread_only": True}).json()
    note = next(n for n in notes if n["link"].endswith(f"#item-{created['id']}"))
    read = colleague.post(f"/api/v1/notifications/{note['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert giver.post(f"/api/v1/notifications/{note['id']}/read").status_code == 404


def test_a_manager_cannot_give_anonymous_feedback_to_their_report(platform: Platform) -> None:
    manager = platform.bearer(Role.MANAGER)
    refused = manager.post(
        FEEDBACK, json={"receiver_id": platform.cast.report, "text": "x", "anonymous": True}
    )
    assert refused.status_code == 422
    assert "never anonymous" in refused.json()["detail"]
    pretended = manager.post(
        FEEDBACK,
        json={"receiver_id": platform.cast.report, "text": "x", "relationship": "peer"},
    )
    assert pretended.status_code == 422


def test_bad_values_are_422_not_500(platform: Platform) -> None:
    client = platform.bearer(Role.EMPLOYEE)
    person = platform.cast.public
    for body in (
        {"receiver_id": person, "ratings": {"communication": 6}},
        {"receiver_id": person, "ratings": {"no-such-competency": 3}},
        {"receiver_id": person},
        {"receiver_id": 2**40, "text": "x"},
        {"receiver_id": person, "text": "x\x00y"},
        {"receiver_id": person, "text": "x", "visibility": "everyone"},
    ):
        assert client.post(FEEDBACK, json=body).status_code == 422, body


def test_feedback_about_people_of_another_organisation_is_not_found(platform: Platform) -> None:
    other = platform.bearer(platform.other_hr)
    assert other.get(f"{FEEDBACK}/people/{platform.cast.employee}").status_code == 404
    assert other.get(f"{FEEDBACK}/people/{platform.cast.employee}/trends").status_code == 404
    answer = other.post(FEEDBACK, json={"receiver_id": platform.cast.employee, "text": "x"})
    assert answer.status_code == 404


def test_colleagues_outside_the_management_chain_cannot_read_a_persons_feedback(
    platform: Platform,
) -> None:
    assert (
        platform.bearer(Role.EMPLOYEE).get(f"{FEEDBACK}/people/{platform.cast.report}").status_code
        == 404
    )
    assert (
        platform.bearer(Role.RECRUITER).get(f"{FEEDBACK}/people/{platform.cast.report}").status_code
        == 404
    )
    assert (
        platform.bearer(Role.MANAGER).get(f"{FEEDBACK}/people/{platform.cast.report}").status_code
        == 200
    )


# --- Requests and outside raters ----------------------------------------------------------


def test_request_answer_lock_and_decline(platform: Platform) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    hr, admin = platform.members[Role.HR], platform.members[Role.ADMIN]
    made = asker.post(
        f"{FEEDBACK}/requests",
        json={
            "person_ids": [hr.person_id, admin.person_id],
            "expires_at": _in_months(),
            "competencies": ["delivery"],
            "message": "How did the launch go?",
        },
    )
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert made.json()["links"] == []
    pending = platform.bearer(Role.HR).get(f"{FEEDBACK}/pending").json()
    assert [p["id"] for p in pending if p["id"] == request_id] == [request_id]
    off_topic = platform.bearer(Role.HR).post(
        f"{FEEDBACK}/requests/{request_id}/answer", json={"ratings": {"craft": 4}}
    )
    assert off_topic.status_code == 422
    answered = platform.bearer(Role.HR).post(
        f"{FEEDBACK}/requests/{request_id}/answer",
        json={"text": "Smooth.", "ratings": {"delivery": 4}},
    )
    assert answered.status_code == 201, answered.text
    again = platform.bearer(Role.HR).post(
        f"{FEEDBACK}/requests/{request_id}/answer", json={"text": "Twice?"}
    )
    assert again.status_code == 422
    locked = asker.put(f"{FEEDBACK}/requests/{request_id}/anonymity", json={"anonymity": "allowed"})
    assert locked.status_code == 422 and "fixed" in locked.json()["detail"]
    declined = platform.bearer(Role.ADMIN).post(f"{FEEDBACK}/requests/{request_id}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    mine = next(r for r in asker.get(f"{FEEDBACK}/requested").json() if r["id"] == request_id)
    assert mine["answered"] == 1 and mine["locked"] is True
    assert sorted(r["status"] for r in mine["recipients"]) == ["answered", "declined"]
    stranger = platform.bearer(Role.MANAGER)
    assert stranger.post(f"{FEEDBACK}/requests/{request_id}/decline").status_code == 404
    assert stranger.put(f"{FEEDBACK}/requests/{request_id}/anonymity", json={}).status_code == 403


def test_anonymity_can_change_until_the_first_answer(platform: Platform) -> None:
    asker = platform.bearer(Role.MANAGER)
    made = asker.post(
        f"{FEEDBACK}/requests",
        json={"person_ids": [platform.cast.employee], "expires_at": _in_months()},
    ).json()
    changed = asker.put(
        f"{FEEDBACK}/requests/{made['id']}/anonymity",
        json={"anonymity": "allowed", "threshold": 7},
    )
    assert changed.status_code == 200
    assert changed.json() == {
        "id": made["id"],
        "anonymity": "allowed",
        "threshold": 7,
        "locked": True,  # fixed from now on: answers may be anonymous
    }
    too_low = asker.put(
        f"{FEEDBACK}/requests/{made['id']}/anonymity", json={"anonymity": "allowed", "threshold": 2}
    )
    assert too_low.status_code == 422


def test_outside_raters_answer_once_through_their_link(platform: Platform) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    made = asker.post(
        f"{FEEDBACK}/requests",
        json={
            "external": [{"email": "Ana@Client.example", "name": "Ana Client"}],
            "expires_at": _in_months(),
            "message": "How was the workshop?",
        },
    )
    assert made.status_code == 201, made.text
    (link,) = made.json()["links"]
    assert link["email"] == "ana@client.example"
    assert link["url"].endswith(f"/r/{link['token']}")
    outsider = platform.anonymous()
    shown = outsider.get(f"/api/v1/external/feedback/{link['token']}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["status"] == "pending"
    assert shown.json()["message"] == "How was the workshop?"
    assert "ana@client.example" not in shown.text
    csrf = {"X-CSRF-Token": platform.form_csrf(outsider)}
    url = f"/api/v1/external/feedback/{link['token']}"
    assert outsider.post(url, json={"text": "Great workshop."}).status_code == 403  # no CSRF
    answered = outsider.post(url, json={"text": "Great workshop."}, headers=csrf)
    assert answered.status_code == 201, answered.text
    assert outsider.post(url, json={"text": "Again"}, headers=csrf).status_code == 422
    assert outsider.get(url).json()["status"] == "answered"
    received = platform.bearer(Role.EMPLOYEE).get(f"{FEEDBACK}/received").json()
    item = next(i for i in received["named"] if i["text"] == "Great workshop.")
    assert item["relationship"] == "client" and item["giver_id"] is None
    assert item["giver_name"] == "Ana Client"


@pytest.mark.parametrize(
    "token",
    ["fbr_" + "A" * 43, "A" * 47, "fbr_", "x"],
)
def test_a_token_that_was_never_issued_is_not_found(platform: Platform, token: str) -> None:
    client = platform.anonymous()
    csrf = {"X-CSRF-Token": platform.form_csrf(client)}
    assert client.get(f"/api/v1/external/feedback/{token}").status_code == 404
    assert (
        client.post(
            f"/api/v1/external/feedback/{token}", json={"text": "hi"}, headers=csrf
        ).status_code
        == 404
    )


# --- Settings -----------------------------------------------------------------------------


def test_framework_and_threshold_are_hr_settings(platform: Platform) -> None:
    framework = platform.bearer(Role.EMPLOYEE).get(f"{FEEDBACK}/framework").json()
    assert len(framework["competencies"]) == 6
    assert platform.bearer(Role.EMPLOYEE).post(f"{FEEDBACK}/framework/default").status_code == 403
    again = platform.bearer(Role.HR).post(f"{FEEDBACK}/framework/default")
    assert again.status_code == 201 and again.json() == framework
    assert (
        platform.bearer(Role.EMPLOYEE)
        .put(f"{FEEDBACK}/settings", json={"anonymity_threshold": 9})
        .status_code
        == 403
    )
    hr = platform.bearer(Role.HR)
    assert hr.put(f"{FEEDBACK}/settings", json={"anonymity_threshold": 2}).status_code == 422
    try:
        assert hr.put(f"{FEEDBACK}/settings", json={"anonymity_threshold": 3}).json() == {
            "anonymity_threshold": 3
        }
        assert platform.bearer(Role.EMPLOYEE).get(f"{FEEDBACK}/settings").json() == {
            "anonymity_threshold": 3
        }
    finally:
        hr.put(f"{FEEDBACK}/settings", json={"anonymity_threshold": THRESHOLD})
    assert platform.bearer(Role.EMPLOYEE).get(f"{FEEDBACK}/overview").status_code == 403


# --- Anonymity attacks --------------------------------------------------------------------


def _views(platform: Platform, receiver: TestClient) -> dict[str, Any]:
    """Every answer about the receiver a curious reader can fetch."""
    report = platform.cast.report
    views: dict[str, Any] = {
        "receiver": receiver.get(f"{FEEDBACK}/received").json(),
        "receiver-trends": receiver.get(f"{FEEDBACK}/people/{report}/trends").json(),
        "receiver-given": receiver.get(f"{FEEDBACK}/given").json(),
        "receiver-notes": receiver.get("/api/v1/notifications").json(),
    }
    for role in (Role.MANAGER, Role.HR, Role.ADMIN):
        client = platform.bearer(role)
        views[f"{role}"] = client.get(f"{FEEDBACK}/people/{report}").json()
        views[f"{role}-trends"] = client.get(f"{FEEDBACK}/people/{report}/trends").json()
    for role in (Role.HR, Role.ADMIN):
        views[f"{role}-overview"] = platform.bearer(role).get(f"{FEEDBACK}/overview").json()
    return views


def _give_anonymously(giver: TestClient, receiver_id: int, number: int) -> None:
    answer = giver.post(
        FEEDBACK,
        json={
            "receiver_id": receiver_id,
            "text": f"Anonymous remark number {number}.",
            "ratings": {"collaboration": 1 + number % 5, "delivery": 3},
            "visibility": "manager",
            "anonymous": True,
        },
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["anonymous"] is True


def test_anonymous_feedback_appears_only_as_a_whole_release_without_givers(
    platform: Platform,
    receiver: TestClient,
    anonymous_givers: list[tuple[int, str, str, TestClient]],
) -> None:
    report = platform.cast.report
    assert len(anonymous_givers) == 6
    for number, (_pid, _name, _email, client) in enumerate(anonymous_givers[: THRESHOLD - 1]):
        _give_anonymously(client, report, number)
    below = _views(platform, receiver)
    for name in ("receiver", "manager", "hr", "admin"):
        assert below[name]["aggregates"] == [], name
        assert {s["group"] for s in below[name]["suppressed"]} == {
            "peer",
            "report",
            "client",
            "other",
        }
        assert all(
            s["note"] == f"fewer than {THRESHOLD} responses" for s in below[name]["suppressed"]
        )
        assert below[name]["named"] == [] or all(
            i["giver_id"] not in {g[0] for g in anonymous_givers} for i in below[name]["named"]
        )
    assert below["hr-overview"]["released_givers"] == {}
    assert not any("Anonymous remark" in str(v) for _k, v in _values(below))

    _give_anonymously(anonymous_givers[THRESHOLD - 1][3], report, THRESHOLD - 1)
    at = _views(platform, receiver)
    for name in ("receiver", "manager", "hr", "admin"):
        (aggregate,) = at[name]["aggregates"]
        assert aggregate["givers"] == THRESHOLD
        assert set(aggregate) == {"group", "givers", "period", "competencies", "comments"}
        assert sorted(aggregate["comments"]) == sorted(
            f"Anonymous remark number {n}." for n in range(THRESHOLD)
        )
        means = {m["key"]: m for m in aggregate["competencies"]}
        assert means["delivery"]["mean"] == 3.0 and means["delivery"]["n"] == THRESHOLD
        assert means["craft"]["mean"] is None  # nobody rated it
    assert sum(at["hr-overview"]["released_givers"].values()) == THRESHOLD

    # No giver is named, numbered or addressed anywhere, for anyone.
    secrets = {pid for pid, *_ in anonymous_givers}
    words = {text for _pid, name, email, _c in anonymous_givers for text in (name, email) if text}
    for key, value in _values(at):
        if isinstance(value, int) and not isinstance(value, bool) and key != "id":
            assert value not in secrets, f"a giver's id {value} in an answer ({key})"
        if isinstance(value, str):
            assert not any(word in value for word in words), value
    for name in ("receiver", "manager", "hr", "admin"):
        keys = {str(v) for k, v in _values(at[name]["aggregates"]) if k == ""}
        assert "group" in keys and not any("giver" in k for k in keys - {"givers"}), name

    # Group minus one: one more answer changes nothing anyone sees until a whole new release.
    _give_anonymously(anonymous_givers[THRESHOLD][3], report, THRESHOLD)
    after = _views(platform, receiver)
    for name in ("receiver", "manager", "hr", "admin", "hr-overview", "admin-overview"):
        assert after[name] == at[name], name
    assert after["receiver-trends"] == at["receiver-trends"]

    # Narrowing filters never cut into the release.
    for params in (
        {"since": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()},
        {"competency": "collaboration"},
        {"until": "2000-01-01T00:00:00Z"},
    ):
        narrowed = receiver.get(f"{FEEDBACK}/received", params=params).json()
        assert narrowed["aggregates"] == at["receiver"]["aggregates"], params
        managed = platform.bearer(Role.MANAGER).get(f"{FEEDBACK}/people/{report}", params=params)
        assert managed.json()["aggregates"] == at["manager"]["aggregates"], params


def test_no_aggregate_shape_has_a_giver_field(platform: Platform) -> None:
    document = platform.bearer(Role.EMPLOYEE).get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert set(schemas["AggregateOut"]["properties"]) == {
        "group",
        "givers",
        "period",
        "competencies",
        "comments",
    }
    for name in ("AggregateOut", "CompetencyMeanOut", "SuppressedOut", "FeedbackViewOut"):
        assert not any("giver_id" in p or "item" in p for p in schemas[name]["properties"]), name
