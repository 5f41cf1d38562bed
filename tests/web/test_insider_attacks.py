"""Attacks on the running product by insiders and outsiders that broke a promise.

Each test is an attack as it was found against ``renown serve --demo`` (see the attack
report on the ``attack`` branch), replayed on the test installation. Each fails while the
hole is open:

- a requester poisons the e-mailed outside rater's link with a ``Host`` header of theirs,
  so the link the rater alone should hold is delivered to the requester's own server;
- an administrator creates a second account for someone's person and reads, as them, the
  anonymous answers that person gave;
- an outside rater's "address" names several mailboxes (or a colleague's, in another
  form), so the link goes to the requester too, or to a colleague the check refuses;
- the requester learns whether a mailed outside rater has answered: from the request's
  ``locked`` flag and from their own data export after asking for a new link;
- an attacker's wrong passwords from elsewhere stop the signed-in owner changing theirs;
- a sign-in holds the database's write lock (and the process's turn to write) while
  Argon2 checks the password, so a burst of failed sign-ins stalls every writer;
- an erasure's database transaction is not started as a writer's, so a write committed
  by another process meanwhile makes the erasure fail with 503.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import renown.accounts.signin as signin_module
import renown.privacy.erase as erase_module
from renown.accounts.throttle import ACCOUNT
from renown.core.roles import Role
from renown.store.engine import make_engine
from renown.store.tables.org import Person
from tests.notify.test_notify import _Inbox, smtp  # noqa: F401 - smtp: the real SMTP server
from tests.web.conftest import PASSWORD, Platform, csrf_of
from tests.web.test_privacy import _someone
from tests.web.test_rater_mail import _token_in, mailing  # noqa: F401 - the mailing fixture
from tests.web.test_signin_throttle import WRONG, _account, _from, _try


def _expires() -> str:
    return (datetime.now(UTC) + timedelta(days=20)).isoformat()


# --- Outside raters' links ---------------------------------------------------------------


def test_a_mailed_link_does_not_follow_the_requesters_host_header(
    platform: Platform,
    mailing: _Inbox,  # noqa: F811
) -> None:
    """Before: the e-mail renown sent the rater read ``http://evil.example/r/fbr_...``."""
    asker = platform.bearer(Role.EMPLOYEE)
    made = asker.post(
        "/api/v1/feedback/requests",
        json={
            "external": [{"email": "dee@client.example", "name": "Dee"}],
            "expires_at": _expires(),
        },
        headers={"host": "evil.example"},
    )
    if made.status_code != 201:  # refusing a foreign host is a fix too
        assert 400 <= made.status_code < 500 and not mailing.messages, made.text
        return
    (envelope,) = mailing.messages
    assert b"/r/fbr_" in (envelope.original_content or b"")
    assert b"evil.example" not in (envelope.original_content or b"")


@pytest.mark.parametrize(
    "address",
    [
        "real@client.example,copy@requester.example",  # one "rater", two mailboxes
        "Friend <{colleague}>",  # a colleague, dressed up as an outside rater
        "{colleague}>",
    ],
)
def test_an_outside_rater_is_one_plain_address(
    platform: Platform,
    mailing: _Inbox,  # noqa: F811
    address: str,
) -> None:
    """Before: accepted and mailed to every mailbox the text named (the requester's own
    copy of the link, or a colleague's, whom the colleague check should have refused)."""
    colleague = platform.members[Role.EMPLOYEE].email
    made = platform.bearer(Role.MANAGER).post(
        "/api/v1/feedback/requests",
        json={
            "subject_id": platform.cast.report,
            "external": [{"email": address.format(colleague=colleague), "name": "Outside"}],
            "visibility": "private",
            "expires_at": _expires(),
        },
    )
    assert made.status_code == 422, made.text
    assert not mailing.messages


def _rater_answers(platform: Platform, token: str, text: str) -> None:
    """An outside rater opens their link and answers anonymously (the page's form)."""
    rater = platform.anonymous()
    page = rater.get(f"/r/{token}")
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_of(page.text), "text": text, "anonymous": "true"}
    answered = rater.post(f"/r/{token}", data=form)
    assert answered.status_code == 200 and "your answer was sent" in answered.text


def _manager_asks_privately(platform: Platform, inbox: _Inbox, email: str) -> tuple[int, int, str]:
    """A manager asks about their report, privately, one outside rater by e-mail (the one
    case where the rater's answer counts as anonymous): request id, rater id, mailed token."""
    sent = len(inbox.messages)
    made = platform.bearer(Role.MANAGER).post(
        "/api/v1/feedback/requests",
        json={
            "subject_id": platform.cast.report,
            "external": [{"email": email, "name": "Outside"}],
            "anonymity": "allowed",
            "visibility": "private",
            "expires_at": _expires(),
        },
    )
    assert made.status_code == 201, made.text
    (link,) = made.json()["links"]
    assert link["may_be_anonymous"] and link["delivery"] == "mail"
    return made.json()["id"], link["rater_id"], _token_in(inbox.messages[sent])


def _answered_and_pending(platform: Platform, inbox: _Inbox) -> tuple[int, int, int, int]:
    tag = uuid.uuid4().hex[:8]
    answered, answered_rater, token = _manager_asks_privately(platform, inbox, f"a-{tag}@c.example")
    pending, pending_rater, _ = _manager_asks_privately(platform, inbox, f"p-{tag}@c.example")
    _rater_answers(platform, token, "An honest outside view.")
    return answered, answered_rater, pending, pending_rater


def test_the_requested_list_does_not_tell_which_mailed_rater_answered(
    platform: Platform,
    mailing: _Inbox,  # noqa: F811
) -> None:
    """Before: ``locked`` was true for the request whose only rater had answered."""
    answered, _, pending, _ = _answered_and_pending(platform, mailing)
    listed = {
        r["id"]: r for r in platform.bearer(Role.MANAGER).get("/api/v1/feedback/requested").json()
    }
    fields = ("locked", "answered", "answered_note")
    assert [listed[answered][f] for f in fields] == [listed[pending][f] for f in fields]


def test_a_new_link_does_not_tell_through_the_export_whether_the_rater_answered(
    platform: Platform,
    mailing: _Inbox,  # noqa: F811
) -> None:
    """Before: the requester's export held a ``feedback.request.relink`` entry for the
    pending rater's request and none for the answered one."""
    answered, answered_rater, pending, pending_rater = _answered_and_pending(platform, mailing)
    manager = platform.bearer(Role.MANAGER)
    for request_id, rater_id in ((answered, answered_rater), (pending, pending_rater)):
        again = manager.post(f"/api/v1/feedback/requests/{request_id}/raters/{rater_id}/link")
        assert again.status_code == 200, again.text
    entries = manager.get("/api/v1/me/export").json()["activity"]["audit"]
    subjects = [e["subject"] for e in entries if e["action"] == "feedback.request.relink"]
    assert subjects.count(f"request:{answered}") == subjects.count(f"request:{pending}")


# --- Administrators and other people's accounts ------------------------------------------


def test_an_administrator_cannot_read_someones_anonymous_answers_through_a_new_account(
    platform: Platform,
) -> None:
    """Before: the administrator linked a second account of their own to the employee's
    person and read the employee's anonymous answer in full in "export my data"."""
    marker = f"anonymous words {uuid.uuid4().hex}"
    given = platform.bearer(Role.EMPLOYEE).post(
        "/api/v1/feedback",
        json={"receiver_id": platform.cast.private, "text": marker, "anonymous": True},
    )
    assert given.status_code == 201 and given.json()["anonymous"], given.text
    shadow = f"shadow-{uuid.uuid4().hex[:8]}@acme.example"
    created = platform.bearer(Role.ADMIN).post(
        "/api/v1/accounts",
        json={
            "email": shadow,
            "role": "employee",
            "person_id": platform.cast.employee,
            "password": PASSWORD,
        },
    )
    if created.status_code != 201:
        assert created.status_code in (403, 422), created.text
        return
    admin_as_employee = platform.anonymous()
    assert platform.signin(admin_as_employee, shadow) == 303
    assert marker not in admin_as_employee.get("/api/v1/me/export").text
    assert marker not in admin_as_employee.get("/api/v1/feedback/given").text


# --- Sign-in and the password change -----------------------------------------------------


def test_an_attack_elsewhere_does_not_stop_the_owner_changing_their_password(
    platform: Platform,
) -> None:
    """Before: 429 for the owner, signed in in their usual browser with the right password,
    as long as the attacker kept the account's scope blocked."""
    email = _account(platform)
    owner = _from(platform, "198.51.100.40")
    assert _try(owner, email, PASSWORD)[0] == 303  # signed in, with a device cookie
    for n in range(ACCOUNT.free + 1):  # a distributed attack, one guess per address
        _try(_from(platform, f"203.0.113.{150 + n}"), email, WRONG)
    csrf = {"X-CSRF-Token": csrf_of(owner.get("/account").text)}
    body = {"current_password": PASSWORD, "new_password": "quiet-lantern-orbit-meadow"}
    changed = owner.put("/api/v1/me/password", json=body, headers=csrf)
    assert changed.status_code == 200, changed.text


def _write_if_free(database_url: str, statement: str = "") -> bool:
    """Write ``statement`` as another process would, if the write lock is free right now
    (asked without waiting); whether it was free."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(str(url.database), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        else:
            if statement:
                other.execute(statement)
            other.execute("COMMIT")
            return True
        finally:
            other.close()
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            free = connection.exec_driver_sql(
                "SELECT pg_try_advisory_xact_lock(hashtext('renown.write:' || current_schema()))"
            ).scalar()
            if free and statement:
                connection.exec_driver_sql(statement)
            return bool(free)
    finally:
        engine.dispose()


def test_a_sign_in_does_not_hold_up_writers_while_argon2_works(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: during the password check the sign-in held the database's write lock and the
    process's turn to write; 50 failed sign-ins a second made every write wait seconds."""
    seen: dict[str, Any] = {}
    real_verify: Callable[[str | None, str], bool] = signin_module.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        seen["lock free"] = _write_if_free(str(platform.settings.database))
        seen["turns held"] = platform.app.state.write_turns.waiting
        return real_verify(password_hash, password)

    monkeypatch.setattr(signin_module, "verify_password", verify)
    status, _, _ = _try(_from(platform, "198.51.100.41"), _account(platform), WRONG)
    assert status == 400
    assert seen == {"lock free": True, "turns held": 0}


# --- Erasure -----------------------------------------------------------------------------


def test_an_erasure_completes_when_another_process_writes_meanwhile(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: 503 "the database is busy" every time another server process wrote while
    the erasure was reading what to erase (its transaction had not waited for its turn, so
    on SQLite it could not write once someone else had)."""
    target = _someone(platform, 7)
    with platform.sessions() as session:
        person = session.get(Person, target)
        assert person is not None
        name = person.name
    real_traces = erase_module.traces_of
    calls: list[bool] = []
    # A real change (SQLite skips an update that changes nothing); the sweeper forgets it.
    another_write = (
        "INSERT INTO sign_in_throttle (key, failures, last_failure_at)"
        f" VALUES ('tests-{uuid.uuid4().hex}', 0, '2000-01-01 00:00:00')"
    )

    def traces_then_another_write(*args: Any, **kwargs: Any) -> Any:
        found = real_traces(*args, **kwargs)
        # The second call is the erasure's own transaction, which has begun reading.
        calls.append(
            len(calls) == 1 and _write_if_free(str(platform.settings.database), another_write)
        )
        return found

    monkeypatch.setattr(erase_module, "traces_of", traces_then_another_write)
    answer = platform.bearer(Role.HR).post(
        f"/api/v1/people/{target}/erase", json={"reason": "left", "confirm_name": name}
    )
    # Before the fix the second look found the lock free and the other write landed; now
    # the erasure holds its turn to write by then, so the other process waits for it.
    assert len(calls) == 2 and calls[0] is False, calls
    assert answer.status_code == 200, answer.text
    with platform.sessions() as session:
        assert session.scalar(sa.select(Person.id).where(Person.id == target)) is None
