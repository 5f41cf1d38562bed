"""Malformed and hostile input to the API and the forms: one regression test per class of
input an attack on the running product answered with a 500 (or accepted), each checking
that the answer is a 4xx naming the field and that nothing was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from renown.accounts.actions import check_issue_token, do_create_account
from renown.core.errors import Invalid
from renown.core.roles import Role
from renown.store.tables.accounts import Account, ApiToken
from renown.store.tables.feedback import FeedbackItem, FeedbackRequest
from renown.store.tables.recognition import Kudos
from renown.store.tables.talent import PromotionRound
from tests.web.conftest import Platform, csrf_of, principal_of_account

API = "/api/v1"
SMALL = 4096
"""Bytes: an error answer explains, it does not repeat the request."""


def _count(platform: Platform, table: Any) -> int:
    with platform.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def _raw(client: Any, method: str, path: str, body: bytes) -> Any:
    headers = {"content-type": "application/json"}
    return client.request(method, f"{API}{path}", content=body, headers=headers)


def _issues(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 422, answer.text[:300]
    detail = answer.json()["detail"]
    assert isinstance(detail, list)
    return detail


def _in_a_month() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).isoformat()


# --- 1. Lone surrogates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\ud800"}',
        b'{"name": "late \\udfff"}',
        b'{"name": "\xed\xa0\x80"}',
        b'{"name": 5, "comment": "\\ud800"}',
    ],
    ids=["high", "low", "utf-8 bytes", "beside a bad field"],
)
def test_lone_surrogates_are_a_422_and_nothing_is_stored(platform: Platform, body: bytes) -> None:
    admin = platform.bearer(Role.ADMIN)
    before = _count(platform, ApiToken)
    answer = _raw(admin, "POST", "/tokens", body)
    issue = _issues(answer)[0]
    assert issue["type"] == "json_invalid"
    assert _count(platform, ApiToken) == before


# --- 2. NaN and infinities ----------------------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(platform: Platform, number: str) -> None:
    feedback, rounds = _count(platform, FeedbackItem), _count(platform, PromotionRound)
    given = _raw(
        platform.bearer(Role.EMPLOYEE), "POST", "/feedback", f'{{"receiver_id": {number}}}'.encode()
    )
    assert "NaN and Infinity are not JSON numbers" in _issues(given)[0]["msg"]
    criteria = f'[{{"key": "performance", "weight": {number}}}]'
    opened = _raw(
        platform.bearer(Role.HR),
        "POST",
        "/talent/rounds",
        f'{{"name": "Q3", "target": "Senior", "criteria": {criteria}}}'.encode(),
    )
    assert _issues(opened)[0]["type"] == "json_invalid"
    assert (_count(platform, FeedbackItem), _count(platform, PromotionRound)) == (feedback, rounds)


def test_numbers_beyond_a_double_are_refused_where_they_are(platform: Platform) -> None:
    body = b'{"name": "Q3", "target": "Senior", "criteria": [{"key": "tenure", "weight": 1e400}]}'
    answer = _raw(platform.bearer(Role.HR), "POST", "/talent/rounds", body)
    assert "out of range at body.criteria[0].weight" in _issues(answer)[0]["msg"]


# --- 3. Date-times without a time zone ----------------------------------------------------


@pytest.mark.parametrize("kind", ["date only", "naive"])
def test_a_deadline_needs_a_time_zone(platform: Platform, kind: str) -> None:
    moment = datetime.now(UTC) + timedelta(days=30)
    value = moment.date().isoformat() if kind == "date only" else moment.replace(tzinfo=None)
    before = _count(platform, FeedbackRequest)
    answer = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/feedback/requests",
        json={"person_ids": [platform.cast.public], "expires_at": str(value)},
    )
    issue = _issues(answer)[0]
    assert issue["loc"] == ["body", "expires_at"]
    assert "needs a time zone" in issue["msg"]
    assert _count(platform, FeedbackRequest) == before


def test_a_deadline_with_an_offset_is_the_same_instant_in_utc(platform: Platform) -> None:
    local = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    sent = local.astimezone(UTC).replace(tzinfo=None).isoformat() + "+00:00"
    shifted = (local + timedelta(hours=2)).replace(tzinfo=None).isoformat() + "+02:00"
    answer = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/feedback/requests",
        json={"person_ids": [platform.cast.public], "expires_at": shifted},
    )
    assert answer.status_code == 201, answer.text
    stored = datetime.fromisoformat(answer.json()["expires_at"].replace("Z", "+00:00"))
    assert stored == datetime.fromisoformat(sent)


@pytest.mark.parametrize(
    "since", ["2020-01-01", "2020-01-01T00:00:00", "9999-12-31T23:00:00-12:00"]
)
def test_date_filters_need_a_time_zone_and_a_sane_year(platform: Platform, since: str) -> None:
    answer = platform.bearer(Role.EMPLOYEE).get(f"{API}/feedback/received", params={"since": since})
    assert _issues(answer)[0]["loc"] == ["query", "since"]


def test_a_scoring_run_as_of_needs_a_time_zone(platform: Platform) -> None:
    answer = platform.bearer(Role.HR).post(f"{API}/runs", json={"as_of": "2024-06-30T00:00:00"})
    assert "needs a time zone" in _issues(answer)[0]["msg"]


# --- 4. Error answers: bounded, and never a secret ----------------------------------------


def test_a_422_never_repeats_a_password(platform: Platform) -> None:
    secret = "Sup3r-secret-passw0rd!"
    answer = platform.bearer(Role.ADMIN).post(
        f"{API}/accounts",
        json={"email": "new.hire@acme.example", "password": secret, "person_id": "abc"},
    )
    issues = _issues(answer)
    assert {tuple(issue["loc"]) for issue in issues} >= {("body", "role"), ("body", "person_id")}
    assert secret not in answer.text


def test_a_422_with_a_bad_password_says_so_without_repeating_it(platform: Platform) -> None:
    answer = platform.bearer(Role.ADMIN).post(
        f"{API}/accounts",
        json={"email": "new.hire@acme.example", "role": "employee", "password": "short\x00pw-12"},
    )
    issue = _issues(answer)[0]
    assert issue["loc"] == ["body", "password"] and issue["input"] == "[redacted]"
    assert "short" not in answer.text


def test_a_huge_body_draws_a_small_answer(platform: Platform) -> None:
    huge = "x" * 5_000_000
    answer = platform.bearer(Role.ADMIN).post(f"{API}/tokens", json={"nam": huge, huge: [1]})
    assert _issues(answer)[0]["loc"] == ["body", "name"]
    assert len(answer.content) < SMALL


def test_many_problems_are_listed_up_to_a_point(platform: Platform) -> None:
    answer = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/feedback/requests",
        json={"person_ids": ["x" * 1000] * 50, "expires_at": _in_a_month()},
    )
    issues = _issues(answer)
    assert len(issues) == 21 and issues[-1]["type"] == "too_many_errors"
    assert all(len(str(issue.get("input", ""))) <= 60 for issue in issues)
    assert len(answer.content) < SMALL


def test_a_hostile_dictionary_key_is_cut_short(platform: Platform) -> None:
    key = "k" * 10_000 + "\x00"
    answer = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/feedback", json={"receiver_id": platform.cast.public, "ratings": {key: 3}}
    )
    issues = _issues(answer)
    assert issues[0]["loc"][:2] == ["body", "ratings"]
    assert len(answer.content) < SMALL


# --- 5. Strict JSON types -----------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"receiver_id": True},
        {"receiver_id": "PUBLIC"},
        {"receiver_id": "PUBLIC_AS_FLOAT"},
        {"ratings": {"delivery": True}},
        {"ratings": {"delivery": "4"}},
        {"ratings": {"delivery": 4.0}},
        {"anonymous": "true"},
        {"anonymous": 1},
    ],
    ids=[
        "true id",
        "id as text",
        "id as 1.0",
        "true rating",
        "rating as text",
        "rating 4.0",
        "flag as text",
        "flag as 1",
    ],
)
def test_json_values_are_never_converted_to_another_type(
    platform: Platform, change: dict[str, Any]
) -> None:
    public = platform.cast.public
    body: dict[str, Any] = {"receiver_id": public, "text": "solid work", **change}
    if body["receiver_id"] == "PUBLIC":
        body["receiver_id"] = str(public)
    elif body["receiver_id"] == "PUBLIC_AS_FLOAT":
        body["receiver_id"] = float(public)
    before = _count(platform, FeedbackItem)
    answer = platform.bearer(Role.EMPLOYEE).post(f"{API}/feedback", json=body)
    assert _issues(answer)[0]["loc"][:2] == ["body", next(iter(change))]
    assert _count(platform, FeedbackItem) == before


def test_true_is_not_a_person_for_kudos_either(platform: Platform) -> None:
    before = _count(platform, Kudos)
    answer = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/kudos", json={"receiver_id": True, "message": "thanks"}
    )
    assert _issues(answer)[0]["loc"] == ["body", "receiver_id"]
    assert _count(platform, Kudos) == before


# --- 6. Control characters ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\x00b", "bell\x07", "esc\x1b[2J", "tab\tname", "del\x7f"])
def test_control_characters_in_a_name_are_a_422_naming_the_field(
    platform: Platform, name: str
) -> None:
    admin = platform.bearer(Role.ADMIN)
    before = _count(platform, ApiToken)
    answer = admin.post(f"{API}/tokens", json={"name": name})
    issue = _issues(answer)[0]
    assert issue["loc"] == ["body", "name"] and "control character" in issue["msg"]
    assert _count(platform, ApiToken) == before


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "ne\x00w@acme.example"},
        {"email": "new@acme.example\r"},
        {"password": "pass\x00word-long"},
    ],
)
def test_accounts_refuse_control_characters(platform: Platform, fields: dict[str, str]) -> None:
    before = _count(platform, Account)
    body = {
        "email": "fresh@acme.example",
        "role": "employee",
        "password": "a-long-password",
        **fields,
    }
    answer = platform.bearer(Role.ADMIN).post(f"{API}/accounts", json=body)
    assert _issues(answer)[0]["loc"] == ["body", next(iter(fields))]
    assert _count(platform, Account) == before


def test_account_actions_refuse_control_characters_whoever_calls(platform: Platform) -> None:
    """The command line and the demo create accounts without the API's validation."""
    with platform.sessions() as session:
        with pytest.raises(Invalid, match="e-mail address contains a control character"):
            do_create_account(
                session,
                org_id=platform.acme_id,
                email="x\x00@acme.example",
                password=None,
                role=Role.EMPLOYEE,
            )
        with pytest.raises(Invalid, match="password contains a control character"):
            do_create_account(
                session,
                org_id=platform.acme_id,
                email="y@acme.example",
                password="pw\x1bpw-long",
                role=Role.EMPLOYEE,
            )
        admin = principal_of_account(session, platform.members[Role.ADMIN].account_id)
        with pytest.raises(Invalid, match="name contains a control character"):
            check_issue_token(session, admin, "nightly\x00")
        session.rollback()


def test_multi_line_text_keeps_new_lines_and_tabs_but_not_nul(platform: Platform) -> None:
    employee = platform.bearer(Role.EMPLOYEE)
    kept = employee.post(
        f"{API}/kudos",
        json={
            "receiver_id": platform.cast.public,
            "message": "Thanks!\n\n\tYou saved the day.\r\n",
        },
    )
    assert kept.status_code == 201, kept.text
    assert "\n\tYou saved" in kept.json()["message"]
    refused = employee.post(
        f"{API}/kudos/{kept.json()['id']}/comments", json={"text": "well\x00done"}
    )
    assert _issues(refused)[0]["loc"] == ["body", "text"]


def test_form_posts_refuse_control_characters(platform: Platform) -> None:
    before = _count(platform, ApiToken)
    browser = platform.browser(Role.EMPLOYEE)
    page = browser.get("/tokens").text
    answer = browser.post(
        "/tokens",
        data={"name": "night\x00ly", "csrf_token": csrf_of(page)},
        headers={"accept": "text/html"},
    )
    assert answer.status_code == 422
    assert "The name contains a control character (U+0000)" in answer.text
    assert _count(platform, ApiToken) == before


def test_signing_in_with_a_control_character_is_a_plain_failure(platform: Platform) -> None:
    """The same answer as a wrong password (PostgreSQL refused the NUL with a 500)."""
    client = platform.anonymous()
    assert platform.signin(client, "employee\x00@acme.example") == 400
    assert client.get(f"{API}/me").status_code == 401


def test_query_text_refuses_nul(platform: Platform) -> None:
    answer = platform.bearer(Role.HR).get(f"{API}/jobs", params={"kind": "scoring\x00"})
    assert _issues(answer)[0]["loc"] == ["query", "kind"]
