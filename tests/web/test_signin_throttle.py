"""Sign-in is throttled (OWASP ASVS 2.2.1) without locking the real user out.

Before: 60 wrong passwords in 15 s, no lockout, no Retry-After, then the right password
was accepted.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

import renown.accounts.signin as signin_module
import renown.accounts.throttle as throttle_module
from renown.accounts.actions import do_create_account
from renown.accounts.throttle import ACCOUNT, DEVICE, PAIR
from renown.core.roles import Role
from tests.web.conftest import PASSWORD, Platform, csrf_of

WRONG = "not-the-password-at-all"


@pytest.fixture(autouse=True)
def _waits_outlast_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first wait is one second: on a loaded machine the next guess (a page, a form and
    an Argon2 check) can come after it ended and pass as a fresh attempt. What is tested is
    whether a wait is imposed, not how long it lasts."""
    monkeypatch.setattr(throttle_module, "FIRST_WAIT", timedelta(minutes=10))


def _account(platform: Platform) -> str:
    email = f"t-{uuid.uuid4().hex[:10]}@acme.example"
    with platform.sessions() as session, session.begin():
        do_create_account(
            session, org_id=platform.acme_id, email=email, password=PASSWORD, role=Role.EMPLOYEE
        )
    return email


def _from(platform: Platform, address: str) -> TestClient:
    return TestClient(platform.app, follow_redirects=False, client=(address, 40000))


def _try(client: TestClient, email: str, password: str) -> tuple[int, str | None, str]:
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin", data={"email": email, "password": password, "csrf_token": token}
    )
    return answer.status_code, answer.headers.get("retry-after"), answer.text


def test_guessing_is_slowed_down_and_the_right_password_waits_too(platform: Platform) -> None:
    email = _account(platform)
    attacker = _from(platform, "203.0.113.7")
    codes = [_try(attacker, email, WRONG)[0] for _ in range(PAIR.free + 1)]
    assert codes == [400] * (PAIR.free + 1)  # free attempts, then the first wait starts
    blocked, retry_after, text = _try(attacker, email, WRONG)
    assert blocked == 429 and retry_after is not None and int(retry_after) >= 1
    assert "try again in" in text
    # The right password gains nothing during a block (it is not even checked).
    status, retry, _ = _try(attacker, email, PASSWORD)
    assert status == 429 and retry is not None


def test_unknown_accounts_are_throttled_alike(platform: Platform) -> None:
    """Otherwise the throttle itself would tell which e-mail addresses have accounts."""
    attacker = _from(platform, "203.0.113.8")
    ghost = f"nobody-{uuid.uuid4().hex[:8]}@acme.example"
    codes = [_try(attacker, ghost, WRONG)[0] for _ in range(PAIR.free + 2)]
    assert codes[-1] == 429


def test_an_attack_from_many_addresses_does_not_lock_the_owner_out(platform: Platform) -> None:
    email = _account(platform)
    owner = _from(platform, "198.51.100.20")
    assert _try(owner, email, PASSWORD)[0] == 303  # the owner's browser now has a device cookie
    for n in range(ACCOUNT.free + 1):  # a distributed attack, one guess per address
        _try(_from(platform, f"203.0.113.{100 + n}"), email, WRONG)
    fresh = _from(platform, "192.0.2.50")
    assert _try(fresh, email, PASSWORD)[0] == 429  # the account is under attack ...
    owner.cookies.delete("renown_session")
    assert _try(owner, email, PASSWORD)[0] == 303  # ... but its owner's browser gets in


def test_the_api_password_change_is_throttled_too(platform: Platform) -> None:
    email = _account(platform)
    client = _from(platform, "198.51.100.30")
    assert _try(client, email, PASSWORD)[0] == 303
    csrf = {"X-CSRF-Token": csrf_of(client.get("/account").text)}
    body = {"current_password": WRONG, "new_password": "quiet-lantern-orbit-meadow"}
    # The owner's browser has its device cookie: its own scope counts the guesses.
    tries = DEVICE.free + 2
    codes = [client.put("/api/v1/me/password", json=body, headers=csrf) for _ in range(tries)]
    assert [c.status_code for c in codes[:-1]] == [422] * (tries - 1)
    assert codes[-1].status_code == 429 and codes[-1].headers["retry-after"]


def test_a_device_cookie_taken_before_a_password_change_buys_nothing(platform: Platform) -> None:
    """A stolen device cookie must not keep exempting its thief from the account's scope
    once the owner changed their password."""
    email = _account(platform)
    thief = _from(platform, "198.51.100.60")
    assert _try(thief, email, PASSWORD)[0] == 303  # the cookie is issued here (then stolen)
    owner = _from(platform, "198.51.100.61")
    assert _try(owner, email, PASSWORD)[0] == 303
    csrf = {"X-CSRF-Token": csrf_of(owner.get("/account").text)}
    new = "quiet-lantern-orbit-meadow"
    body = {"current_password": PASSWORD, "new_password": new}
    assert owner.put("/api/v1/me/password", json=body, headers=csrf).status_code == 200
    thief.cookies.delete("renown_session")
    codes = [_try(thief, email, WRONG)[0] for _ in range(PAIR.free + 2)]
    assert codes[-1] == 429  # counted as a stranger now, not in the old device's scope


def test_a_burst_of_guesses_sent_at_once_gets_no_more_checks_than_one_by_one(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: 20 guesses sent at once all found the counters untouched (each failure was
    counted only after its password had been checked) and all were checked, where the
    backoff allows PAIR.free + 1. Each check here waits until every request is either in a
    check or refused, so all 20 are in flight together."""
    email = _account(platform)
    burst = 20
    attacker = _from(platform, "203.0.113.60")
    token = csrf_of(attacker.get("/signin").text)
    checked = threading.Semaphore(0)
    settled = threading.Semaphore(0)
    release = threading.Event()
    real_verify = signin_module.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        checked.release()
        settled.release()
        release.wait(timeout=30)
        return real_verify(password_hash, password)

    monkeypatch.setattr(signin_module, "verify_password", verify)

    def guess(_: int) -> int:
        answer = attacker.post(
            "/signin", data={"email": email, "password": WRONG, "csrf_token": token}
        )
        if answer.status_code == 429:
            settled.release()
        return answer.status_code

    def open_the_gate() -> None:
        for _ in range(burst):
            settled.acquire(timeout=30)
        release.set()

    gate = threading.Thread(target=open_the_gate)
    gate.start()
    with ThreadPoolExecutor(burst) as pool:
        codes = list(pool.map(guess, range(burst)))
    gate.join()
    checks = 0
    while checked.acquire(blocking=False):
        checks += 1
    assert checks == PAIR.free + 1
    assert sorted(codes) == [400] * (PAIR.free + 1) + [429] * (burst - PAIR.free - 1), codes
