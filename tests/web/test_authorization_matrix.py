"""Every route of the app, called as anonymous, as each role, and on another organisation's
objects: default deny proven route by route, not assumed.

The route list comes from the app itself, so a new route is exercised the moment it exists;
:data:`EXPECTED` pins each route's declared policy, so a route added without an entry, or a
policy quietly widened, fails here with a message saying what to do.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from renown.accounts.actions import do_create_account
from renown.accounts.sessions import SessionLimits, do_start_session
from renown.core.roles import Role
from renown.feedback.rater_links import ExternalRater
from renown.feedback.requests import check_request_feedback
from renown.notify.inapp import do_notify
from renown.settings import Settings
from renown.store.tables.accounts import WebSession
from renown.store.tables.jobs import Job
from renown.web.app import create_app
from renown.web.policy import SAFE_METHODS, served_routes
from tests.web.challenges_policies import CHALLENGE_FILLERS, CHALLENGE_POLICIES
from tests.web.conftest import (
    add_kudos,
    add_kudos_comment,
    add_ring,
    colleague_of,
    principal_of_account,
)
from tests.web.external_policies import EXTERNAL_FILLERS, EXTERNAL_POLICIES
from tests.web.marketplace_policies import MARKETPLACE_FILLERS, MARKETPLACE_POLICIES
from tests.web.radar_policies import RADAR_FILLERS, RADAR_POLICIES
from tests.web.talent_api_policies import TALENT_API_POLICIES
from tests.web.talent_fillers import TALENT_FILLERS
from tests.web.talent_page_policies import TALENT_PAGE_POLICIES
from tests.web.validity_policies import VALIDITY_FILLERS, VALIDITY_POLICIES

STAFF = "roles:admin,employee,hr,manager,recruiter"
PEOPLE_ADMIN = "roles:admin,hr"
ADMIN = "roles:admin"

EXPECTED: dict[tuple[str, str], str] = {
    # API: the caller's own account
    ("GET", "/api/v1/health"): "public",
    ("GET", "/api/v1/me"): "signed-in",
    ("GET", "/api/v1/me/export"): "signed-in",
    ("PUT", "/api/v1/me/visibility"): "signed-in",
    ("GET", "/api/v1/tokens"): "signed-in",
    ("POST", "/api/v1/tokens"): "signed-in",
    ("DELETE", "/api/v1/tokens/{token_id}"): "signed-in",
    ("PUT", "/api/v1/me/password"): "signed-in",
    ("GET", "/api/v1/me/sessions"): "signed-in",
    ("DELETE", "/api/v1/me/sessions"): "signed-in",
    # API: people and prominence (who is visible is decided by the queries)
    ("GET", "/api/v1/people"): STAFF,
    ("GET", "/api/v1/people/{person_id}"): STAFF,
    ("GET", "/api/v1/people/{person_id}/profile"): STAFF,
    ("GET", "/api/v1/leaderboard"): STAFF,
    ("GET", "/api/v1/teams"): STAFF,
    ("GET", "/api/v1/teams/{team_id}"): STAFF,
    ("GET", "/api/v1/departments"): STAFF,
    ("GET", "/api/v1/network"): STAFF,
    # API: administration
    ("POST", "/api/v1/accounts"): ADMIN,
    ("POST", "/api/v1/accounts/{account_id}/deactivate"): ADMIN,
    ("POST", "/api/v1/accounts/{account_id}/reactivate"): ADMIN,
    ("POST", "/api/v1/org/import"): PEOPLE_ADMIN,
    ("GET", "/api/v1/audit/verify"): ADMIN,
    # API: scoring runs, uploads and the background jobs behind them
    ("GET", "/api/v1/runs"): PEOPLE_ADMIN,
    ("POST", "/api/v1/runs"): PEOPLE_ADMIN,
    ("GET", "/api/v1/runs/{run_id}"): PEOPLE_ADMIN,
    ("GET", "/api/v1/runs/{run_id}/changes"): PEOPLE_ADMIN,
    ("POST", "/api/v1/uploads/events"): PEOPLE_ADMIN,
    ("GET", "/api/v1/sources"): PEOPLE_ADMIN,
    ("POST", "/api/v1/sources/ingest"): PEOPLE_ADMIN,
    ("GET", "/api/v1/jobs"): PEOPLE_ADMIN,
    ("GET", "/api/v1/jobs/{job_id}"): PEOPLE_ADMIN,
    ("GET", "/api/v1/uploads/{upload_id}/unmatched"): PEOPLE_ADMIN,
    ("POST", "/api/v1/identities/choices"): PEOPLE_ADMIN,
    # Pages: signing in and out
    ("GET", "/signin"): "public",
    ("POST", "/signin"): "public",
    ("POST", "/signout"): "signed-in",
    # Pages: everyone signed in has a home page, their tokens and their own data
    ("GET", "/"): "signed-in",
    ("GET", "/me/export"): "signed-in",
    ("POST", "/me/visibility"): "signed-in",
    ("GET", "/tokens"): "signed-in",
    ("POST", "/tokens"): "signed-in",
    ("POST", "/tokens/{token_id}/revoke"): "signed-in",
    ("GET", "/account"): "signed-in",
    ("POST", "/account/password"): "signed-in",
    ("POST", "/account/sessions/{session_id}/end"): "signed-in",
    ("POST", "/account/sessions/end-others"): "signed-in",
    # Pages: prominence
    ("GET", "/people"): STAFF,
    ("GET", "/people/{person_id}"): STAFF,
    ("GET", "/leaderboard"): STAFF,
    ("GET", "/teams"): STAFF,
    ("GET", "/teams/{team_id}"): STAFF,
    ("GET", "/network"): STAFF,
    # Pages: scoring runs and job progress
    ("GET", "/runs"): PEOPLE_ADMIN,
    ("POST", "/runs"): PEOPLE_ADMIN,
    ("POST", "/runs/upload"): PEOPLE_ADMIN,
    ("POST", "/runs/source"): PEOPLE_ADMIN,
    ("GET", "/runs/{run_id}"): PEOPLE_ADMIN,
    ("GET", "/jobs/{job_id}"): PEOPLE_ADMIN,
    ("GET", "/jobs/{job_id}/progress"): PEOPLE_ADMIN,
    ("POST", "/jobs/{upload_id}/identities"): PEOPLE_ADMIN,
    # API: 360° feedback (who reads what is decided by renown.feedback's queries)
    ("POST", "/api/v1/feedback"): STAFF,
    ("GET", "/api/v1/feedback/received"): STAFF,
    ("GET", "/api/v1/feedback/given"): STAFF,
    ("GET", "/api/v1/feedback/requested"): STAFF,
    ("GET", "/api/v1/feedback/pending"): STAFF,
    ("GET", "/api/v1/feedback/people/{person_id}"): STAFF,
    ("GET", "/api/v1/feedback/people/{person_id}/trends"): STAFF,
    ("POST", "/api/v1/feedback/requests"): STAFF,
    ("POST", "/api/v1/feedback/requests/{request_id}/answer"): STAFF,
    ("POST", "/api/v1/feedback/requests/{request_id}/decline"): STAFF,
    ("PUT", "/api/v1/feedback/requests/{request_id}/anonymity"): STAFF,
    ("POST", "/api/v1/feedback/requests/{request_id}/raters/{rater_id}/link"): STAFF,
    ("GET", "/api/v1/feedback/framework"): STAFF,
    ("POST", "/api/v1/feedback/framework/default"): PEOPLE_ADMIN,
    ("GET", "/api/v1/feedback/overview"): PEOPLE_ADMIN,
    ("GET", "/api/v1/feedback/settings"): STAFF,
    ("PUT", "/api/v1/feedback/settings"): PEOPLE_ADMIN,
    ("GET", "/api/v1/notifications"): "signed-in",
    ("POST", "/api/v1/notifications/{notification_id}/read"): "signed-in",
    # API: outside raters answer through a single-use link (the token is the credential)
    ("GET", "/api/v1/external/feedback/{token}"): "public",
    ("POST", "/api/v1/external/feedback/{token}"): "public",
    # Pages: 360° feedback
    ("GET", "/feedback"): STAFF,
    ("GET", "/feedback/received"): STAFF,
    ("GET", "/feedback/given"): STAFF,
    ("GET", "/feedback/requested"): STAFF,
    ("GET", "/feedback/pending"): STAFF,
    ("GET", "/feedback/people-search"): STAFF,
    ("GET", "/feedback/give"): STAFF,
    ("POST", "/feedback/give"): STAFF,
    ("GET", "/feedback/request"): STAFF,
    ("POST", "/feedback/request"): STAFF,
    ("GET", "/feedback/request/about-search"): "roles:manager",
    ("GET", "/feedback/requests/{request_id}/answer"): STAFF,
    ("POST", "/feedback/requests/{request_id}/answer"): STAFF,
    ("POST", "/feedback/requests/{request_id}/decline"): STAFF,
    ("POST", "/feedback/requests/{request_id}/anonymity"): STAFF,
    ("POST", "/feedback/requests/{request_id}/raters/{rater_id}/link"): STAFF,
    ("GET", "/feedback/people/{person_id}"): STAFF,
    ("GET", "/feedback/overview"): PEOPLE_ADMIN,
    ("POST", "/feedback/framework/default"): PEOPLE_ADMIN,
    ("POST", "/feedback/settings"): PEOPLE_ADMIN,
    ("GET", "/notifications"): "signed-in",
    ("GET", "/notifications/badge"): "signed-in",
    ("POST", "/notifications/{notification_id}/read"): "signed-in",
    ("GET", "/r/{token}"): "public",
    ("POST", "/r/{token}"): "public",
    # API: recognition (the kudos wall is public inside the organisation; rings are HR's)
    ("GET", "/api/v1/kudos"): STAFF,
    ("POST", "/api/v1/kudos"): STAFF,
    ("GET", "/api/v1/kudos/budget"): STAFF,
    ("DELETE", "/api/v1/kudos/{kudos_id}"): STAFF,
    ("PUT", "/api/v1/kudos/{kudos_id}/reactions/{kind}"): STAFF,
    ("DELETE", "/api/v1/kudos/{kudos_id}/reactions/{kind}"): STAFF,
    ("GET", "/api/v1/kudos/{kudos_id}/comments"): STAFF,
    ("POST", "/api/v1/kudos/{kudos_id}/comments"): STAFF,
    ("DELETE", "/api/v1/kudos/comments/{comment_id}"): STAFF,
    ("GET", "/api/v1/people/{person_id}/kudos/received"): STAFF,
    ("GET", "/api/v1/people/{person_id}/kudos/given"): STAFF,
    ("GET", "/api/v1/people/{person_id}/badges"): STAFF,
    ("GET", "/api/v1/badges"): STAFF,
    ("GET", "/api/v1/kudos/rings"): PEOPLE_ADMIN,
    ("GET", "/api/v1/kudos/rings/{ring_id}"): PEOPLE_ADMIN,
    ("POST", "/api/v1/kudos/rings/{ring_id}/confirm"): PEOPLE_ADMIN,
    ("POST", "/api/v1/kudos/rings/{ring_id}/dismiss"): PEOPLE_ADMIN,
    ("POST", "/api/v1/recognition/run"): PEOPLE_ADMIN,
    # Pages: recognition
    ("GET", "/kudos"): STAFF,
    ("POST", "/kudos"): STAFF,
    ("GET", "/kudos/people-search"): STAFF,
    ("POST", "/kudos/{kudos_id}/withdraw"): STAFF,
    ("POST", "/kudos/{kudos_id}/react"): STAFF,
    ("POST", "/kudos/{kudos_id}/unreact"): STAFF,
    ("GET", "/kudos/{kudos_id}/comments"): STAFF,
    ("POST", "/kudos/{kudos_id}/comments"): STAFF,
    ("POST", "/kudos/comments/{comment_id}/delete"): STAFF,
    ("GET", "/badges"): STAFF,
    ("GET", "/rings"): PEOPLE_ADMIN,
    ("GET", "/rings/{ring_id}"): PEOPLE_ADMIN,
    ("POST", "/rings/{ring_id}/confirm"): PEOPLE_ADMIN,
    ("POST", "/rings/{ring_id}/dismiss"): PEOPLE_ADMIN,
    ("POST", "/rings/run"): PEOPLE_ADMIN,
    # Privacy: HR and administrators erase a person of their organisation (API and page)
    ("POST", "/api/v1/people/{person_id}/erase"): PEOPLE_ADMIN,
    ("GET", "/people/{person_id}/erase"): PEOPLE_ADMIN,
    ("POST", "/people/{person_id}/erase"): PEOPLE_ADMIN,
    # Privacy: and an account without a person (a community member, a sponsor)
    ("POST", "/api/v1/accounts/{account_id}/erase"): PEOPLE_ADMIN,
    ("GET", "/accounts/{account_id}/erase"): PEOPLE_ADMIN,
    ("POST", "/accounts/{account_id}/erase"): PEOPLE_ADMIN,
}
"""(method, path) -> declared policy. Add an entry when you add a route: the policy you
write here is what reviewers read, and the matrix below proves the app enforces it."""
EXPECTED |= TALENT_API_POLICIES | TALENT_PAGE_POLICIES | VALIDITY_POLICIES | RADAR_POLICIES
EXPECTED |= CHALLENGE_POLICIES
EXPECTED |= MARKETPLACE_POLICIES
EXPECTED |= EXTERNAL_POLICIES


def _route_app() -> Any:
    """An app built only to list its routes (no database is opened)."""
    home = Path(tempfile.mkdtemp(prefix="renown-routes-"))
    return create_app(Settings(home=home, database_url="sqlite://", secret_key="routes"))


ROUTES: list[tuple[str, str, str]] = sorted(
    (method, served.path, served.policy or "")
    for served in served_routes(_route_app().routes)
    if isinstance(served.route, APIRoute)
    for method in served.methods
)
WITH_PARAMS = [r for r in ROUTES if "{" in r[1]]
UNSAFE = [r for r in ROUTES if r[0] not in SAFE_METHODS]
PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _id(route: tuple[str, str, str]) -> str:
    return f"{route[0]} {route[1]}"


def admitted(policy: str, role: Role) -> bool:
    """Whether ``policy`` lets ``role`` in."""
    if policy in {"public", "signed-in"}:
        return True
    assert policy.startswith("roles:"), f"unknown policy {policy!r}"
    return role.value in policy.removeprefix("roles:").split(",")


def is_page(path: str) -> bool:
    return not path.startswith("/api/")


# Path parameter -> (platform, member, "own" | "other") -> value. "own" is an object of the
# member's organisation that the member may see; "other" belongs to the other organisation.
Filler = Callable[[Any, Any, str], int | str]


def _person(platform: Any, member: Any, org: str) -> int:
    cast = platform.cast
    if org == "other":
        return int(cast.other_person) if member.org_id == platform.acme_id else int(cast.public)
    return {
        Role.EMPLOYEE: cast.employee,
        Role.MANAGER: cast.second_level,
        Role.HR: cast.private,
        Role.ADMIN: cast.private,
    }.get(member.role, cast.public)


def _owner(platform: Any, member: Any, org: str) -> Any:
    """Whose object a filler makes: the member's own, or someone's in the other organisation
    (members without a person of their own borrow the employee's, their role is refused)."""
    if org == "other":
        return (
            platform.other_hr
            if member.org_id == platform.acme_id
            else platform.members[Role.EMPLOYEE]
        )
    return member if member.person_id is not None else platform.members[Role.EMPLOYEE]


def _feedback_request(platform: Any, member: Any, org: str, *, outside: bool = False) -> Any:
    """A fresh open request the owner made about themselves, asking themselves (and, with
    ``outside``, an outside rater): each call is a new one, so no test uses up another's."""
    owner = _owner(platform, member, org)
    with platform.sessions() as session, session.begin():
        created = check_request_feedback(
            session,
            principal_of_account(session, owner.account_id),
            person_ids=[owner.person_id],
            external=[ExternalRater("client@example.org", "A Client")] if outside else [],
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
        token = next(iter(created.links.values()), "")
        return created.request.id, token, next(iter(created.rater_ids.values()), 0)


def _notification(platform: Any, member: Any, org: str) -> int:
    """A fresh notification of the member's account (or of an account in the other org)."""
    owner = member if org == "own" else _owner(platform, member, org)
    with platform.sessions() as session, session.begin():
        note = do_notify(
            session,
            org_id=owner.org_id,
            account_id=owner.account_id,
            kind="test",
            text="a notification for the matrix",
            now=datetime.now(UTC),
        )
        return int(note.id)


def _link_token(platform: Any, member: Any, org: str) -> str:
    """A valid outside rater's token, or (``other``) one that was never issued."""
    if org == "other":
        return "fbr_" + "x" * 43
    return str(_feedback_request(platform, member, org, outside=True)[1])


def _kudos(platform: Any, member: Any, org: str) -> int:
    """A fresh kudos the owner gave (so the member may withdraw it, and each call has one)."""
    owner = _owner(platform, member, org)
    return add_kudos(platform, owner.org_id, owner.person_id)


def _kudos_comment(platform: Any, member: Any, org: str) -> int:
    """A fresh comment the owner wrote under a fresh kudos."""
    owner = _owner(platform, member, org)
    return add_kudos_comment(platform, _kudos(platform, member, org), owner.person_id)


def _ring(platform: Any, member: Any, org: str) -> int:
    """A fresh suspected kudos ring in the owner's organisation."""
    owner = _owner(platform, member, org)
    partner = colleague_of(platform, owner.org_id, owner.person_id)
    return add_ring(platform, owner.org_id, [owner.person_id, partner])


def _spare_account(platform: Any, member: Any, org: str) -> int:
    """A fresh account of the member's organisation (or of the other one) to deactivate."""
    org_id = member.org_id if org == "own" else _owner(platform, member, org).org_id
    with platform.sessions() as session, session.begin():
        account = do_create_account(
            session,
            org_id=org_id,
            email=f"spare-{uuid.uuid4().hex[:12]}@example.org",
            password=None,
            role=Role.EMPLOYEE,
        )
        return int(account.id)


def _upload(platform: Any, member: Any, org: str) -> int:
    """A fresh finished upload of the member's organisation (or of the other one) that
    listed one identifier nobody owns."""
    org_id = member.org_id if org == "own" else _owner(platform, member, org).org_id
    with platform.sessions() as session, session.begin():
        job = Job(
            org_id=org_id,
            kind="ingest",
            status="done",
            progress=1.0,
            stage="done",
            params={"file": "matrix.csv", "unmatched": [["matrix-stranger", 1]]},
            result={"file": "matrix.csv", "events": 1, "added": 1, "duplicates": 0},
        )
        session.add(job)
        session.flush()
        return int(job.id)


def _web_session(platform: Any, member: Any, org: str) -> int:
    """A fresh web session of the member's account (or of an account of the other org)."""
    owner = member if org == "own" else _owner(platform, member, org)
    with platform.sessions() as session, session.begin():
        do_start_session(
            session,
            owner.account_id,
            now=datetime.now(UTC),
            limits=SessionLimits(timedelta(hours=1), timedelta(hours=8)),
            user_agent="matrix",
        )
        found = session.scalar(
            sa.select(sa.func.max(WebSession.id)).where(WebSession.account_id == owner.account_id)
        )
        return int(found)


FILLERS: dict[str, Filler] = {
    "account_id": _spare_account,
    "session_id": _web_session,
    "kudos_id": _kudos,
    "comment_id": _kudos_comment,
    "kind": lambda p, m, org: "tada",
    "ring_id": _ring,
    "request_id": lambda p, m, org: int(_feedback_request(p, m, org)[0]),
    "notification_id": _notification,
    "token": _link_token,
    "rater_id": lambda p, m, org: int(_feedback_request(p, m, org, outside=True)[2]),
    "person_id": _person,
    "team_id": lambda p, m, org: p.team_of[_person(p, m, org)],
    "token_id": lambda p, m, org: p.spare_token(
        m if org == "own" else (p.other_hr if m.org_id == p.acme_id else p.members[Role.HR])
    ),
    "run_id": lambda p, m, org: (
        p.run_id if (org == "own") == (m.org_id == p.acme_id) else (p.other_run_id)
    ),
    "upload_id": _upload,
    "job_id": lambda p, m, org: (
        p.job_id if (org == "own") == (m.org_id == p.acme_id) else (p.other_job_id)
    ),
    **TALENT_FILLERS,
    **VALIDITY_FILLERS,
    **RADAR_FILLERS,
    **CHALLENGE_FILLERS,
    **MARKETPLACE_FILLERS,
    **EXTERNAL_FILLERS,
}


def fill(path: str, platform: Any, member: Any, org: str = "own") -> str:
    """``path`` with its parameters replaced by real objects."""
    missing = [name for name in PARAM.findall(path) if name not in FILLERS]
    assert not missing, f"add a filler for path parameter(s) {missing} of {path} to FILLERS"
    return PARAM.sub(lambda m: str(FILLERS[m.group(1)](platform, member, org)), path)


def call(client: Any, method: str, url: str, **headers: str) -> Any:
    """One request with a harmless body: an empty JSON object for unsafe methods."""
    if method in SAFE_METHODS:
        return client.request(method, url, headers=headers)
    return client.request(method, url, json={}, headers=headers)


def client_for(platform: Any, who: Any, path: str) -> Any:
    """Pages are used from a browser session, the API with a bearer token."""
    return platform.browser(who) if is_page(path) else platform.bearer(who)


def test_every_route_has_its_expected_policy() -> None:
    actual = {(method, path): policy for method, path, policy in ROUTES}
    missing = sorted(set(actual) - set(EXPECTED))
    assert not missing, (
        f"routes without an entry in EXPECTED of {__file__}: {missing}. Add each with the "
        "policy it must have; the matrix then checks the app enforces it."
    )
    gone = sorted(set(EXPECTED) - set(actual))
    assert not gone, f"EXPECTED lists routes the app no longer serves: {gone}"
    changed = {k: (EXPECTED[k], actual[k]) for k in actual if EXPECTED[k] != actual[k]}
    assert not changed, f"policies differ from EXPECTED (expected, actual): {changed}"


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_anonymous_is_sent_to_sign_in(platform: Any, route: tuple[str, str, str]) -> None:
    method, path, policy = route
    url = fill(path, platform, platform.members[Role.EMPLOYEE])
    client = platform.anonymous(accept="text/html" if is_page(path) else "application/json")
    if policy == "public":
        csrf = {} if method in SAFE_METHODS else {"X-CSRF-Token": platform.form_csrf(client)}
        answer = call(client, method, url, **csrf)
        assert answer.status_code not in (401, 403), answer.text
        assert answer.status_code < 500
    elif is_page(path):
        answer = call(client, method, url)
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"].startswith("/signin")
    else:
        answer = call(client, method, url)
        assert answer.status_code == 401, answer.text
        assert answer.headers.get("www-authenticate") == "Bearer"


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_each_role_gets_what_the_policy_says(platform: Any, route: tuple[str, str, str]) -> None:
    method, path, policy = route
    seen: dict[str, int] = {}
    for role in Role:
        member = platform.members[role]
        answer = call(client_for(platform, role, path), method, fill(path, platform, member))
        seen[role.value] = answer.status_code
        assert answer.status_code < 500, f"{role}: {answer.text}"
        if not admitted(policy, role):
            assert answer.status_code == 403, f"{role} admitted by {policy}? {answer.text}"
            continue
        assert answer.status_code not in (401, 403), f"{role} refused: {answer.text}"
        if method == "GET" and "{" in path:
            assert answer.status_code != 404, f"{role} cannot see its own object: {answer.text}"
    assert seen  # one request per role


@pytest.mark.parametrize("route", WITH_PARAMS, ids=_id)
def test_objects_of_another_organisation_are_not_found(
    platform: Any, route: tuple[str, str, str]
) -> None:
    method, path, policy = route
    callers = [platform.members[role] for role in Role] + [platform.other_hr]
    for member in callers:
        if not admitted(policy, member.role):
            continue
        url = fill(path, platform, member, org="other")
        answer = call(client_for(platform, member, path), method, url)
        assert answer.status_code == 404, f"{member.email} {method} {url}: {answer.text}"


@pytest.mark.parametrize("route", UNSAFE, ids=_id)
def test_cookie_sessions_need_the_csrf_token(platform: Any, route: tuple[str, str, str]) -> None:
    method, path, policy = route
    role = next(r for r in (Role.ADMIN, Role.HR, Role.EMPLOYEE) if admitted(policy, r))
    member = platform.members[role]
    url = fill(path, platform, member)
    without = call(platform.browser(role, with_csrf=False), method, url)
    assert without.status_code == 403, without.text
    assert "CSRF" in without.text
    with_token = call(platform.bearer(role), method, url)
    assert with_token.status_code not in (401, 403), with_token.text


def test_anonymous_public_posts_need_the_csrf_token(platform: Any) -> None:
    answer = platform.anonymous().post("/signin", data={"email": "x@y.z", "password": "p" * 12})
    assert answer.status_code == 403


# Object-level visibility: who sees whom inside one organisation.


def _get(platform: Any, role: Role, person_id: int) -> int:
    code: int = platform.bearer(role).get(f"/api/v1/people/{person_id}").status_code
    return code


def test_employee_sees_self_and_public_people_only(platform: Any) -> None:
    cast = platform.cast
    assert _get(platform, Role.EMPLOYEE, cast.employee) == 200
    assert _get(platform, Role.EMPLOYEE, cast.public) == 200
    assert _get(platform, Role.EMPLOYEE, cast.private) == 404
    assert _get(platform, Role.EMPLOYEE, cast.report) == 404
    profile = platform.bearer(Role.EMPLOYEE).get(f"/api/v1/people/{cast.private}/profile")
    assert profile.status_code == 404


def test_manager_sees_the_reporting_line_two_levels_down(platform: Any) -> None:
    cast = platform.cast
    assert _get(platform, Role.MANAGER, cast.manager) == 200
    assert _get(platform, Role.MANAGER, cast.report) == 200
    assert _get(platform, Role.MANAGER, cast.second_level) == 200
    assert _get(platform, Role.MANAGER, cast.private) == 404


def test_recruiter_sees_only_public_people(platform: Any) -> None:
    client = platform.bearer(Role.RECRUITER)
    page = client.get("/api/v1/people", params={"limit": 500}).json()
    assert page["items"], "the recruiter should see the people who opted in"
    assert all(p["public_profile"] for p in page["items"])
    everyone = platform.bearer(Role.HR).get("/api/v1/people", params={"limit": 500}).json()
    public = [p for p in everyone["items"] if p["public_profile"]]
    assert page["total"] == len(public) < everyone["total"]
    assert _get(platform, Role.RECRUITER, platform.cast.private) == 404
    board = client.get("/api/v1/leaderboard", params={"limit": 500}).json()
    assert {row["person_id"] for row in board["items"]} <= {p["id"] for p in public}


def test_hr_sees_everyone_of_its_own_organisation_only(platform: Any) -> None:
    cast = platform.cast
    assert _get(platform, Role.HR, cast.private) == 200
    assert _get(platform, Role.HR, cast.other_person) == 404
    assert platform.bearer(platform.other_hr).get(f"/api/v1/people/{cast.private}").status_code == (
        404
    )
