"""The backoff arithmetic and its bookkeeping, with the clock in the test's hands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.throttle import (
    ACCOUNT,
    FORGET_AFTER,
    PAIR,
    Attempt,
    backoff,
    do_record_failure,
    do_record_success,
    wait_before,
)
from renown.store import transaction

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_attempts_are_free_then_the_wait_doubles_up_to_the_cap() -> None:
    waits = [backoff(PAIR, n).total_seconds() for n in range(1, 20)]
    assert waits[: PAIR.free] == [0] * PAIR.free
    assert waits[PAIR.free : PAIR.free + 5] == [1, 2, 4, 8, 16]
    assert max(waits) == PAIR.cap.total_seconds() == waits[-1]
    assert backoff(ACCOUNT, 10_000) == ACCOUNT.cap  # no overflow however long the attack


def _fail(db: sessionmaker[Session], attempt: Attempt, at: datetime) -> int:
    with transaction(db) as session:
        return do_record_failure(session, attempt, at)


def _wait(db: sessionmaker[Session], attempt: Attempt, at: datetime) -> int:
    with db() as session:
        return wait_before(session, attempt, at)


def test_a_block_runs_out_and_old_failures_are_forgotten(db: sessionmaker[Session]) -> None:
    attempt = Attempt("ana@acme.example", "203.0.113.1")
    for n in range(PAIR.free + 3):
        _fail(db, attempt, NOW + timedelta(seconds=n))
    last = NOW + timedelta(seconds=PAIR.free + 2)
    assert _wait(db, attempt, last) == 4  # third failure beyond the free five
    assert _wait(db, attempt, last + timedelta(seconds=4)) == 0
    later = last + FORGET_AFTER + timedelta(minutes=1)
    assert _fail(db, attempt, later) == 0  # counting starts again


def test_a_success_clears_the_pair_but_not_the_account(db: sessionmaker[Session]) -> None:
    attacker = Attempt("bo@acme.example", "203.0.113.2")
    for n in range(ACCOUNT.free):
        _fail(db, Attempt("bo@acme.example", f"198.51.100.{n}"), NOW)
    _fail(db, attacker, NOW)
    assert _wait(db, attacker, NOW) > 0
    with transaction(db) as session:
        do_record_success(session, Attempt("bo@acme.example", "192.0.2.9"))
    assert _wait(db, Attempt("bo@acme.example", "192.0.2.9"), NOW) > 0  # account still hot
    trusted = Attempt("bo@acme.example", "192.0.2.9", device="d1")
    assert _wait(db, trusted, NOW) == 0


@pytest.mark.parametrize("client", ["203.0.113.3", "2001:db8::1"])
def test_spraying_many_accounts_from_one_address_is_slowed(
    db: sessionmaker[Session], client: str
) -> None:
    from renown.accounts.throttle import CLIENT

    for n in range(CLIENT.free + 1):
        _fail(db, Attempt(f"user{n}@acme.example", client), NOW)
    assert _wait(db, Attempt("someone-new@acme.example", client), NOW) > 0


def test_addresses_of_one_ipv6_network_are_one_client() -> None:
    from renown.accounts.throttle import client_network

    assert client_network("2001:db8:1:2::1") == client_network("2001:db8:1:2:ffff::9")
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_network("203.0.113.7") != client_network("203.0.113.8")
    assert client_network("testclient") == "testclient"


def test_a_device_cookie_older_than_the_password_is_trusted_no_more(
    db: sessionmaker[Session],
) -> None:
    from dataclasses import replace

    from renown.accounts.actions import do_create_account
    from renown.accounts.signin import trusted
    from renown.core.roles import Role
    from renown.org.actions import do_create_org
    from renown.store.tables.accounts import Account

    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme")
        account = do_create_account(
            session, org_id=org.id, email="ana@acme.example", password=None, role=Role.HR
        )
        account_id = account.id
    attempt = Attempt("ana@acme.example", "203.0.113.9", "d1", NOW)
    with db() as session:
        assert trusted(session, attempt) == attempt  # no change of password yet
    with transaction(db) as session:
        session.get(Account, account_id).password_changed_at = NOW + timedelta(hours=1)
    with db() as session:
        assert trusted(session, attempt).device is None
        later = replace(attempt, device_issued=NOW + timedelta(hours=2))
        assert trusted(session, later) == later
