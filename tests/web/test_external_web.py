"""External prominence through the pages and the API: a claim is pending with its code, a
code in the bio proves it (read from recorded answers, nothing leaves the machine) and the
refresh that follows pulls and scores it; a missing code is a 422 saying where it was
looked for; another person can neither see, verify nor unlink it; unlinking deletes what was
pulled; HR's file of links is only for people who consented and names every problem by line
and column; a card that is off answers 404 and one that is on shows only what was ticked;
hostile input is a 422."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.external import (
    ExternalAccount,
    ExternalEvent,
    ExternalScore,
)
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from tests.web.external_recordings import record_github


def _replay(platform: Any) -> Path:
    folder = platform.settings.connectors_replay
    assert folder is not None
    return Path(folder)


def _page_post(platform: Any, role: Role, url: str, data: dict[str, str]) -> Any:
    client = platform.browser(role)
    return client.post(url, data={**data, "csrf_token": platform.csrf(role)})


def _link(platform: Any, role: Role, handle: str, network: str = "github") -> Any:
    return _page_post(
        platform,
        role,
        "/me/networks/link",
        {"network": network, "handle": handle, "consent": "true"},
    )


def _mine(platform: Any, role: Role) -> dict[str, Any]:
    answer = platform.bearer(role).get("/api/v1/me/external")
    assert answer.status_code == 200, answer.text
    mine: dict[str, Any] = answer.json()
    return mine


def _account(platform: Any, role: Role, handle: str) -> dict[str, Any]:
    found = [a for a in _mine(platform, role)["accounts"] if a["handle"] == handle]
    assert len(found) == 1, found
    return found[0]


def _employee_id(platform: Any, person_id: int) -> str:
    with platform.sessions() as session:
        value = session.scalar(sa.select(Person.employee_id).where(Person.id == person_id))
    assert value is not None
    return str(value)


def test_link_prove_by_bio_then_the_refresh_scores_it(platform: Any) -> None:
    empty = platform.browser(Role.EMPLOYEE).get("/me/networks")
    assert empty.status_code == 200
    assert "No external score yet" in empty.text
    linked = _link(platform, Role.EMPLOYEE, "https://github.com/Ext-Ana")
    assert linked.status_code == 303, linked.text
    assert linked.headers["location"] == "/me/networks?linked=1"
    account = _account(platform, Role.EMPLOYEE, "ext-ana")
    assert account["status"] == "pending"
    code = account["verification_code"]
    assert re.fullmatch(r"renown-[0-9a-f]{10}", code)
    page = platform.browser(Role.EMPLOYEE).get("/me/networks")
    assert code in page.text and "Verify" in page.text
    assert "public bio" in page.text  # GitHub is proven by its bio here (no OAuth app set)

    record_github(_replay(platform), "ext-ana", "Builds tools.")
    refused = _page_post(platform, Role.EMPLOYEE, f"/me/networks/{account['id']}/verify", {})
    assert refused.status_code == 422
    assert f"The code {code} was not found in the public bio" in refused.text
    assert _account(platform, Role.EMPLOYEE, "ext-ana")["status"] == "pending"

    record_github(_replay(platform), "ext-ana", f"Builds tools. {code}")
    proven = _page_post(platform, Role.EMPLOYEE, f"/me/networks/{account['id']}/verify", {})
    assert proven.status_code == 303, proven.text
    account = _account(platform, Role.EMPLOYEE, "ext-ana")
    assert account["status"] == "verified" and account["verified_by"] == "bio"
    assert account["verification_code"] is None  # shown while pending only
    assert account["url"] == "https://github.com/ext-ana"
    assert account["events"] == 3 and account["last_pulled_at"] is not None
    assert account["last_error"] is None
    with platform.sessions() as session:
        job = session.scalars(
            sa.select(Job).where(Job.kind == "external_refresh").order_by(Job.id.desc())
        ).first()
    assert job is not None and job.status == "done", job and job.error
    assert job.params == {"person_id": platform.cast.employee}
    scores = {s["network"]: s for s in _mine(platform, Role.EMPLOYEE)["scores"]}
    assert set(scores) == {"combined", "github"}
    assert scores["github"]["explanation"]["population"] >= 1
    page = platform.browser(Role.EMPLOYEE).get("/me/networks")
    assert 'data-combined="' in page.text and 'data-network-score="github"' in page.text
    assert "drove it most" in page.text and "points" in page.text
    assert 'href="https://github.com/ext-ana"' in page.text
    again = platform.bearer(Role.EMPLOYEE).post(
        f"/api/v1/me/external/accounts/{account['id']}/verify"
    )
    assert again.status_code == 200 and again.json()["status"] == "verified"
    gone = platform.bearer(Role.EMPLOYEE).delete(f"/api/v1/me/external/accounts/{account['id']}")
    assert gone.status_code == 204


def test_the_api_links_and_proves_and_unlinking_deletes_what_was_pulled(platform: Any) -> None:
    client = platform.bearer(Role.MANAGER)
    made = client.post(
        "/api/v1/me/external/accounts",
        json={"network": "github", "handle": "@Ext-Bo", "consent": True},
    )
    assert made.status_code == 201, made.text
    account = made.json()
    assert account["handle"] == "ext-bo" and account["status"] == "pending"
    record_github(_replay(platform), "ext-bo", f"hi {account['verification_code']}")
    proven = client.post(f"/api/v1/me/external/accounts/{account['id']}/verify")
    assert proven.status_code == 200, proven.text
    assert proven.json()["status"] == "verified" and proven.json()["events"] == 3
    with platform.sessions() as session:
        pulled = session.scalar(
            sa.select(sa.func.count()).where(ExternalEvent.account_id == account["id"])
        )
        scored = session.scalar(
            sa.select(sa.func.count()).where(
                ExternalScore.person_id == platform.cast.manager,
                ExternalScore.network == "github",
            )
        )
    assert pulled == 3 and scored == 1
    refresh = client.post("/api/v1/me/external/refresh")
    assert refresh.status_code == 202, refresh.text
    assert refresh.json()["kind"] == "external_refresh"
    assert refresh.json()["status"] == "done"  # the test installation runs jobs at once

    # Someone else can neither see, prove nor unlink it, through the API or the pages.
    other = platform.bearer(Role.EMPLOYEE)
    assert account["id"] not in [a["id"] for a in _mine(platform, Role.EMPLOYEE)["accounts"]]
    assert other.post(f"/api/v1/me/external/accounts/{account['id']}/verify").status_code == 404
    assert other.delete(f"/api/v1/me/external/accounts/{account['id']}").status_code == 404
    for action in ("verify", "unlink"):
        page = _page_post(platform, Role.EMPLOYEE, f"/me/networks/{account['id']}/{action}", {})
        assert page.status_code == 404, (action, page.text)

    unlinked = _page_post(platform, Role.MANAGER, f"/me/networks/{account['id']}/unlink", {})
    assert unlinked.status_code == 303
    with platform.sessions() as session:
        assert session.get(ExternalAccount, account["id"]) is None
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(ExternalEvent.account_id == account["id"])
            )
            == 0
        )
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(
                    ExternalScore.person_id == platform.cast.manager,
                    ExternalScore.network.in_(("github", "combined")),
                )
            )
            == 0
        )
    assert _mine(platform, Role.MANAGER)["scores"] == []


def test_hr_links_from_a_file_only_for_people_who_consented(platform: Any) -> None:
    employee = _employee_id(platform, platform.cast.employee)
    hr_person = _employee_id(platform, platform.members[Role.HR].person_id)
    good = f"person,network,handle\n{employee},github,ext-file-ana\n".encode()
    files = {"file": ("links.csv", good, "text/csv")}
    hr = platform.bearer(Role.HR)
    refused = hr.post("/api/v1/external/links", files=files)
    assert refused.status_code == 400
    assert "line 2" in refused.text and "has not allowed HR" in refused.text

    answer = platform.bearer(Role.EMPLOYEE).put("/api/v1/me/external/consent", json={"allow": True})
    assert answer.status_code == 200 and answer.json()["bulk_consent"] is True
    assert 'data-bulk-consent="on"' in platform.browser(Role.EMPLOYEE).get("/me/networks").text

    bad = (
        "person,network,handle\n"
        f"{employee},github,ext-file-ana\n"
        f"{employee},myspace,someone\n"
        f"{employee},github,../etc\n"
        f"{hr_person},github,ext-file-hr\n"
        "nobody-here,github,ext-file-x\n"
    ).encode()
    page = platform.browser(Role.HR).post(
        "/people/external/import",
        data={"csrf_token": platform.csrf(Role.HR)},
        files={"file": ("links.csv", bad, "text/csv")},
    )
    assert page.status_code == 400
    for expected in (
        "line 3, column &#39;network&#39;: unknown network",
        "line 4, column &#39;handle&#39;",
        "line 5, column &#39;person&#39;: this person has not allowed HR",
        "line 6, column &#39;person&#39;: no such person",
    ):
        assert expected in page.text, expected
    assert "nothing was linked" in page.text
    with platform.sessions() as session:
        assert (
            session.scalar(
                sa.select(ExternalAccount.id).where(ExternalAccount.handle == "ext-file-ana")
            )
            is None
        )

    first = hr.post("/api/v1/external/links", files=files)
    assert first.status_code == 200, first.text
    assert first.json() == {"added": 1, "unchanged": 0}
    again = platform.browser(Role.HR).post(
        "/people/external/import",
        data={"csrf_token": platform.csrf(Role.HR)},
        files=files,
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/people/external?added=0&unchanged=1"
    listing = platform.browser(Role.HR).get("/people/external")
    assert listing.status_code == 200 and "ext-file-ana" in listing.text
    account = _account(platform, Role.EMPLOYEE, "ext-file-ana")
    assert account["status"] == "verified" and account["verified_by"] == "import"
    refresh = _page_post(platform, Role.HR, "/people/external/refresh", {})
    assert refresh.status_code == 303
    assert refresh.headers["location"] == "/people/external?refreshed=1"
    # the recordings hold nothing for this handle: the pull failed, nothing kept, reason shown
    assert "Last pull failed" in platform.browser(Role.EMPLOYEE).get("/me/networks").text
    assert (
        platform.bearer(Role.EMPLOYEE)
        .delete(f"/api/v1/me/external/accounts/{account['id']}")
        .status_code
        == 204
    )
    assert platform.browser(Role.EMPLOYEE).get("/people/external").status_code == 403


def test_a_card_that_is_off_is_not_found_and_one_that_is_on_shows_only_what_was_ticked(
    platform: Any,
) -> None:
    client = platform.bearer(Role.RECRUITER)
    never = client.get("/api/v1/me/card").json()
    assert never["enabled"] is False and never["slug"] == ""
    off = client.put("/api/v1/me/card", json={"enabled": False, "show_internal": True})
    assert off.status_code == 200, off.text
    slug = off.json()["slug"]
    anonymous = platform.anonymous(accept="text/html")
    assert anonymous.get(f"/card/{slug}").status_code == 404
    assert platform.anonymous().get(f"/api/v1/cards/{slug}").status_code == 404

    on = _page_post(
        platform, Role.RECRUITER, "/me/card", {"enabled": "true", "show_internal": "true"}
    )
    assert on.status_code == 303
    settings_page = platform.browser(Role.RECRUITER).get("/me/card")
    assert f"/card/{slug}" in settings_page.text and 'data-card-state="on"' in settings_page.text
    card = anonymous.get(f"/card/{slug}")
    assert card.status_code == 200
    assert 'data-part="internal"' in card.text
    for hidden in ("external", "networks", "badges", "challenges"):
        assert f'data-part="{hidden}"' not in card.text
    assert "Sign out" not in card.text and "<nav" not in card.text  # minimal chrome
    assert card.headers["cache-control"] == "no-store"
    api_card = platform.anonymous().get(f"/api/v1/cards/{slug}").json()
    assert api_card["internal"] is not None and api_card["badges"] == []

    hidden = client.put("/api/v1/me/card", json={"enabled": True})
    assert hidden.json()["show_internal"] is False
    assert 'data-part="internal"' not in anonymous.get(f"/card/{slug}").text
    moved = client.put("/api/v1/me/card", json={"enabled": True, "new_address": True})
    new_slug = moved.json()["slug"]
    assert new_slug != slug
    assert anonymous.get(f"/card/{slug}").status_code == 404
    assert anonymous.get(f"/card/{new_slug}").status_code == 200
    for bad in ("short", "x" * 65, "not%20url-safe", "..%2F..%2Fetc"):
        assert anonymous.get(f"/card/{bad}").status_code in (404, 422), bad
        assert platform.anonymous().get(f"/api/v1/cards/{bad}").status_code in (404, 422), bad
    assert platform.anonymous().get("/api/v1/cards/" + "A" * 16).status_code == 404


def test_hostile_input_is_refused_with_a_422(platform: Any) -> None:
    client = platform.bearer(Role.ADMIN)
    bodies = [
        {"network": "github", "handle": "x" * 301, "consent": True},
        {"network": "github", "handle": "../", "consent": True},
        {"network": "github", "handle": "../../etc/passwd", "consent": True},
        {"network": "myspace", "handle": "someone", "consent": True},
        {"network": "github", "handle": "someone", "consent": False},
        {"network": "github", "handle": "someone", "consent": "true"},
        {"network": "github", "handle": "some\x00one", "consent": True},
        {"network": "github", "handle": "someone"},
        {"network": "github", "handle": "someone", "consent": True, "extra": 1},
    ]
    for body in bodies:
        answer = client.post("/api/v1/me/external/accounts", json=body)
        assert answer.status_code == 422, (body, answer.text)
    for network, handle in (
        ("github", "x" * 301),
        ("github", "../"),
        ("mastodon", "../../admin"),
        ("myspace", "someone"),
        ("x" * 40, "someone"),
    ):
        page = _link(platform, Role.ADMIN, handle, network=network)
        assert page.status_code == 422, (network, handle)
    unticked = _page_post(
        platform, Role.ADMIN, "/me/networks/link", {"network": "github", "handle": "someone"}
    )
    assert unticked.status_code == 422
    assert "This account is mine" in unticked.text or "Tick that the account" in unticked.text
    assert _mine(platform, Role.ADMIN)["accounts"] == []
    assert client.put("/api/v1/me/external/consent", json={"allow": 1}).status_code == 422
    assert client.put("/api/v1/me/card", json={"enabled": "yes"}).status_code == 422


def test_the_networks_page_is_in_the_menu_of_people_only(platform: Any) -> None:
    home = platform.browser(Role.EMPLOYEE).get("/")
    assert 'href="/me/networks"' in home.text
    sponsor = platform.browser(Role.SPONSOR).get("/")
    assert 'href="/me/networks"' not in sponsor.text
    assert platform.browser(Role.SPONSOR).get("/me/networks").status_code == 403
    empty = platform.browser(Role.HR).get("/me/networks")
    assert "No accounts linked yet" in empty.text


def _github_app(platform: Any, token_answers: list[Any]) -> Any:
    """The test installation served by an app with a GitHub OAuth app, whose token endpoint
    is answered by ``token_answers`` (each request noted in it)."""
    import httpx2

    from renown.web.app import create_app

    def token_endpoint(request: Any) -> Any:
        token_answers.append(request)
        assert str(request.url) == "https://github.com/login/oauth/access_token"
        return httpx2.Response(
            200,
            json={"access_token": "gho_test_token", "token_type": "bearer", "scope": "read:user"},
        )

    settings = platform.settings.model_copy(
        update={"github_client_id": "renown-test-id", "github_client_secret": "renown-test-secret"}
    )
    app = create_app(settings)
    app.state.github_oauth_transport = httpx2.MockTransport(token_endpoint)
    return app


def test_signing_in_with_github_links_and_proves_the_account_at_once(platform: Any) -> None:
    from urllib.parse import parse_qs, urlsplit

    from fastapi.testclient import TestClient

    from renown.external.tokens import unseal
    from tests.web.conftest import SESSION_COOKIE

    requests: list[Any] = []
    app = _github_app(platform, requests)
    folder = _replay(platform)
    record_github(folder, "ext-oauth-cy", "no code needed")
    (folder / "github-user.json").write_text(
        '{"network": "github", "exchanges": [{"request": {"method": "GET", "url": '
        '"https://api.github.com/user"}, "response": {"status": 200, "json": '
        '{"login": "Ext-OAuth-Cy", "id": 4242}}}]}',
        encoding="utf-8",
    )
    try:
        cookie = platform.browser(Role.HR).cookies[SESSION_COOKIE]
        browser = TestClient(app, follow_redirects=False, cookies={SESSION_COOKIE: cookie})
        page = browser.get("/me/networks")
        assert 'href="/me/networks/github/authorize"' in page.text
        sent = browser.get("/me/networks/github/authorize")
        assert sent.status_code == 302
        target = urlsplit(sent.headers["location"])
        assert f"{target.scheme}://{target.netloc}{target.path}" == (
            "https://github.com/login/oauth/authorize"
        )
        query = parse_qs(target.query)
        assert query["client_id"] == ["renown-test-id"] and query["scope"] == ["read:user"]
        forged = browser.get("/me/networks/github/callback", params={"code": "c", "state": "x"})
        assert forged.status_code == 422 and "GitHub sign-in failed" in forged.text
        assert requests == []  # a forged state never reaches the token endpoint
        sent = browser.get("/me/networks/github/authorize")
        state = parse_qs(urlsplit(sent.headers["location"]).query)["state"][0]
        back = browser.get("/me/networks/github/callback", params={"code": "c0de", "state": state})
        assert back.status_code == 303, back.text
        assert back.headers["location"] == "/me/networks?verified=1"
        assert len(requests) == 1 and b"c0de" in requests[0].content
        account = _account(platform, Role.HR, "ext-oauth-cy")
        assert account["status"] == "verified" and account["verified_by"] == "oauth"
        assert account["events"] == 3
        with platform.sessions() as session:
            row = session.get(ExternalAccount, account["id"])
            assert row is not None and row.token_ciphertext
            assert "gho_test_token" not in row.token_ciphertext
            key = platform.settings.connector_secret()
            assert unseal(key, row.token_ciphertext) == "gho_test_token"
        assert (
            platform.bearer(Role.HR)
            .delete(f"/api/v1/me/external/accounts/{account['id']}")
            .status_code
            == 204
        )
    finally:
        (folder / "github-user.json").unlink()
        app.state.engine.dispose()


def test_without_a_github_oauth_app_signing_in_there_is_not_offered(platform: Any) -> None:
    browser = platform.browser(Role.EMPLOYEE)
    assert "/me/networks/github/authorize" not in browser.get("/me/networks").text
    assert browser.get("/me/networks/github/authorize").status_code == 404
    assert browser.get("/me/networks/github/callback").status_code == 404
