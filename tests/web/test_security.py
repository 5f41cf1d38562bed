"""Security properties of the running app: credentials at rest, sessions, redirects, tokens,
headers, and bad input that must be refused without changing anything."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.core.roles import Role
from renown.settings import Settings
from renown.store.tables import Account, ApiToken, AuditEntry, Identity, Person
from renown.web.app import create_app

IMPORT = "/api/v1/org/import"
SMALL_LIMIT = 4096


def _counts(platform: Any) -> dict[str, int]:
    """Row counts of the tables an import or a token would write."""
    with platform.sessions() as session:
        return {
            table.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Person, Identity, AuditEntry, ApiToken, Account)
        }


def _without(html: str, token: str) -> str:
    """The page with the session's CSRF token blanked out (it differs per session)."""
    return html.replace(token, "")


# Credentials at rest


def test_passwords_are_stored_as_argon2id(platform: Any) -> None:
    with platform.sessions() as session:
        hashes = session.scalars(sa.select(Account.password_hash)).all()
    assert hashes
    assert all(h is not None and h.startswith("$argon2id$") for h in hashes)


def test_api_tokens_are_stored_only_as_digests(platform: Any) -> None:
    client = platform.bearer(Role.EMPLOYEE)
    issued = client.post("/api/v1/tokens", json={"name": "script"})
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    with platform.sessions() as session:
        row = session.get(ApiToken, issued.json()["id"])
        assert row is not None
        stored = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
    assert token not in " ".join(stored)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix) and len(row.prefix) < len(token) // 2


def test_revoked_tokens_stop_working(platform: Any) -> None:
    owner = platform.bearer(Role.HR)
    issued = owner.post("/api/v1/tokens", json={"name": "short-lived"}).json()
    script = TestClient(platform.app, headers={"Authorization": f"Bearer {issued['token']}"})
    assert script.get("/api/v1/me").status_code == 200
    assert owner.delete(f"/api/v1/tokens/{issued['id']}").status_code == 204
    assert script.get("/api/v1/me").status_code == 401
    listed = {t["id"]: t for t in owner.get("/api/v1/tokens").json()}
    assert listed[issued["id"]]["revoked_at"] is not None
    assert "token" not in listed[issued["id"]]


def test_made_up_bearer_tokens_are_refused(platform: Any) -> None:
    client = TestClient(platform.app, headers={"Authorization": "Bearer rn_not-a-real-token"})
    assert client.get("/api/v1/me").status_code == 401


# Sign-in and sessions


def test_wrong_password_and_unknown_email_get_the_same_answer(platform: Any) -> None:
    answers = []
    for email in (platform.members[Role.HR].email, "nobody@acme.example"):
        client = platform.anonymous()
        token = platform.form_csrf(client)
        answer = client.post(
            "/signin",
            data={"email": email, "password": "wrong-password-1", "csrf_token": token},
        )
        answers.append((answer.status_code, _without(answer.text, token)))
        assert client.get("/api/v1/me").status_code == 401
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


def test_session_cookie_is_signed(platform: Any) -> None:
    client = platform.browser(Role.HR)
    assert client.get("/api/v1/me").status_code == 200
    cookie = client.cookies["renown_session"]
    payload, _, signature = cookie.rpartition(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    for forged in (f"{forged_payload}.{signature}", f"{payload}.{signature[::-1]}"):
        tampered = TestClient(platform.app, cookies={"renown_session": forged})
        assert tampered.get("/api/v1/me").status_code == 401


def test_sign_in_starts_a_fresh_session(platform: Any) -> None:
    client = platform.anonymous()
    before = platform.form_csrf(client)
    cookie_before = client.cookies["renown_session"]
    assert platform.signin(client, platform.members[Role.EMPLOYEE].email) == 303
    after = platform.form_csrf(client)
    assert after != before
    # The cookie from before sign-in (a fixated session) is still anonymous.
    fixated = TestClient(platform.app, cookies={"renown_session": cookie_before})
    assert fixated.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(platform: Any, target: str) -> None:
    client = platform.anonymous()
    page = client.get("/signin", params={"next": target})
    assert "evil.example" not in page.text
    answer = client.post(
        "/signin",
        data={
            "email": platform.members[Role.EMPLOYEE].email,
            "password": "correct-horse-battery-staple",
            "csrf_token": platform.form_csrf(client),
            "next": target,
        },
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location


def test_sign_in_keeps_a_same_site_next(platform: Any) -> None:
    client = platform.anonymous()
    answer = client.post(
        "/signin",
        data={
            "email": platform.members[Role.EMPLOYEE].email,
            "password": "correct-horse-battery-staple",
            "csrf_token": platform.form_csrf(client),
            "next": "/leaderboard",
        },
    )
    assert answer.headers["location"] == "/leaderboard"


def test_pages_redirect_anonymous_visitors_to_sign_in_with_next(platform: Any) -> None:
    answer = platform.anonymous(accept="text/html").get("/leaderboard")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin?next=")


@pytest.mark.parametrize("path", ["/signin", "/api/v1/health", "/api/v1/me"])
def test_security_headers_are_on_every_answer(platform: Any, path: str) -> None:
    answer = platform.anonymous().get(path)
    headers = answer.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy


# Bad input changes nothing


@pytest.fixture(scope="module")
def small_app(platform: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The same installation served with a 4 KiB upload limit."""
    settings = Settings(
        home=tmp_path_factory.mktemp("small"),
        database_url=platform.settings.database_url,
        secret_key="test",
        max_upload_bytes=SMALL_LIMIT,
    )
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def _org_csv(rows: int) -> bytes:
    lines = ["employee_id,name,email,hired_on"]
    lines += [f"new{i:05d},New Person {i},new{i}@acme.example,2024-01-01" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_oversize_upload_is_refused_before_anything_is_written(
    platform: Any, small_app: Any
) -> None:
    token = _token(platform, Role.HR)
    client = TestClient(small_app, headers={"Authorization": f"Bearer {token}"})
    before = _counts(platform)
    big = _org_csv(400)
    assert len(big) > SMALL_LIMIT
    answer = client.post(IMPORT, files={"file": ("org.csv", big, "text/csv")})
    assert answer.status_code == 413, answer.text
    assert _counts(platform) == before


def test_oversize_streamed_upload_without_length_is_refused(platform: Any, small_app: Any) -> None:
    token = _token(platform, Role.HR)
    client = TestClient(small_app, headers={"Authorization": f"Bearer {token}"})
    before = _counts(platform)
    boundary = "renownboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="org.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + _org_csv(400)
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    answer = client.post(
        IMPORT,
        content=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 413, answer.text
    assert _counts(platform) == before


def _token(platform: Any, role: Role) -> str:
    platform.bearer(role)
    token: str = platform.tokens[platform.members[role].email]
    return token


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("org.xlsx", b"PK\x03\x04 spreadsheet"),
        ("org.png", b"\x89PNG\r\n\x1a\n"),
        ("org", b"employee_id,name\n1,A\n"),
        ("org.csv", b"PK\x03\x04 a zip file named .csv"),
        ("org.csv", b"employee_id,name\n1,\x00\x01binary\n"),
        ("org.csv", b"employee_id,name\n1,Caf\xe9\n"),
        ("org.csv", b""),
    ],
)
def test_wrong_file_types_are_refused(platform: Any, name: str, content: bytes) -> None:
    before = _counts(platform)
    answer = platform.bearer(Role.HR).post(IMPORT, files={"file": (name, content, "text/csv")})
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"]["message"]
    assert _counts(platform) == before


def test_broken_csv_names_line_and_field_and_writes_nothing(platform: Any) -> None:
    before = _counts(platform)
    broken = (
        b"employee_id,name,email,hired_on\n"
        b"n1,Ada One,ada@acme.example,2024-01-01\n"
        b"n2,Bob Two,bob@acme.example,2024-13-45\n"
    )
    answer = platform.bearer(Role.HR).post(IMPORT, files={"file": ("org.csv", broken)})
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert detail["line"] == 3
    assert detail["field"] == "hired_on"
    assert "line 3" in detail["message"] and "hired_on" in detail["message"]
    assert detail["source"] == "org.csv"
    assert _counts(platform) == before


@pytest.mark.parametrize(
    ("broken", "line", "field", "words"),
    [
        pytest.param(
            b'employee_id,name,email\nq1,"Quinn One,q1@acme.example\n'
            b"q2,Quinn Two,q2@acme.example\nq3,Quinn Three,q3@acme.example\n",
            2,
            "name",
            "never closed",
            id="unclosed-quote",
        ),
        pytest.param(
            b"employee_id,name,email\nq1,Quinn One,q1@acme.example\nq2,Quinn Two\n",
            3,
            "email",
            "has 2 fields",
            id="short-row",
        ),
        pytest.param(
            b'employee_id,name,email\nq1,Quinn "Q" One,q1@acme.example\n',
            2,
            "name",
            "does not start with one",
            id="stray-quote",
        ),
    ],
)
def test_malformed_csv_is_refused_with_its_line_and_writes_nothing(
    platform: Any, broken: bytes, line: int, field: str, words: str
) -> None:
    client = platform.bearer(Role.HR)  # issues its token before counting
    before = _counts(platform)
    answer = client.post(IMPORT, files={"file": ("org.csv", broken)})
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert (detail["source"], detail["line"], detail["field"]) == ("org.csv", line, field)
    assert f"line {line}" in detail["message"] and words in detail["message"]
    assert _counts(platform) == before


def test_a_good_import_then_writes_and_repeating_it_changes_nothing(platform: Any) -> None:
    client = platform.bearer(Role.ADMIN)
    data = _org_csv(3)
    first = client.post(IMPORT, files={"file": ("org.csv", data)})
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 3
    counts = _counts(platform)
    again = client.post(IMPORT, files={"file": ("org.csv", data)})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3, "identities_added": 0}
    after = _counts(platform)
    assert after["people"] == counts["people"]
    assert after["identities"] == counts["identities"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people/987654", "/api/v1/people/987654/profile", "/api/v1/teams/987654"],
)
def test_unknown_ids_are_not_found(platform: Any, path: str) -> None:
    answer = platform.bearer(Role.HR).get(path)
    assert answer.status_code == 404
    assert "detail" in answer.json()


def test_unknown_person_page_is_not_found(platform: Any) -> None:
    answer = platform.browser(Role.HR).get("/people/987654", headers={"accept": "text/html"})
    assert answer.status_code == 404
    assert "text/html" in answer.headers["content-type"]


def test_non_numeric_person_id_is_a_validation_error(platform: Any) -> None:
    answer = platform.bearer(Role.HR).get("/api/v1/people/not-a-number")
    assert answer.status_code == 422
