"""Sign-in and password change in steps (count the attempt, check the password while
reading, then record while writing): what changes between the steps wins over what the
check found, and every attempt counts before its password is checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.accounts.sessions import SessionLimits
from renown.accounts.signin import (
    CheckedSignIn,
    Throttled,
    WrongPassword,
    check_change_password,
    check_sign_in,
    do_change_password,
    do_reserve_attempt,
    do_sign_in,
)
from renown.accounts.throttle import CLIENT, PAIR, Attempt, wait_before
from renown.core.errors import Invalid
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.store import transaction
from renown.store.tables.accounts import Account

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMITS = SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
EMAIL = "ana@acme.example"
OLD = "copper-willow-harbour-nine"
NEW = "violet-quarry-lantern-seven"
ATTEMPT = Attempt(EMAIL, "203.0.113.7")


@pytest.fixture()
def ana(db: sessionmaker[Session]) -> Principal:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme")
        account = do_create_account(
            session, org_id=org.id, email=EMAIL, password=OLD, role=Role.EMPLOYEE
        )
        return principal_of(account)


def _counted(db: sessionmaker[Session], at: datetime = NOW) -> Attempt:
    with transaction(db) as write:
        return do_reserve_attempt(write, ATTEMPT, at)


def _check_sign_in(db: sessionmaker[Session], password: str) -> CheckedSignIn:
    counted = _counted(db)
    with db() as read:
        return check_sign_in(read, counted, password)


def _check_change(db: sessionmaker[Session], ana: Principal, current: str, new: str) -> Any:
    counted = _counted(db)
    with db() as read:
        return check_change_password(read, ana, counted, current=current, new=new)


def _change(db: sessionmaker[Session], ana: Principal, current: str, new: str) -> int:
    checked = _check_change(db, ana, current, new)
    with transaction(db) as write:
        return do_change_password(write, ana, checked, now=NOW)


def test_a_sign_in_checked_against_a_password_changed_meanwhile_fails(
    db: sessionmaker[Session], ana: Principal
) -> None:
    checked = _check_sign_in(db, OLD)
    assert checked.account_id == ana.account_id
    _change(db, ana, OLD, NEW)  # between the check and the record
    with transaction(db) as write:
        assert do_sign_in(write, checked, now=NOW, limits=LIMITS) is None
    fresh = _check_sign_in(db, NEW)  # the new password works
    with transaction(db) as write:
        signed = do_sign_in(write, fresh, now=NOW, limits=LIMITS)
    assert signed is not None and signed.principal.account_id == ana.account_id


def test_a_sign_in_checked_before_a_deactivation_fails(
    db: sessionmaker[Session], ana: Principal
) -> None:
    checked = _check_sign_in(db, OLD)
    with transaction(db) as write:
        account = write.get(Account, ana.account_id)
        assert account is not None
        account.active = False
    with transaction(db) as write:
        assert do_sign_in(write, checked, now=NOW, limits=LIMITS) is None


def test_of_two_password_changes_checked_at_once_only_the_first_lands(
    db: sessionmaker[Session], ana: Principal
) -> None:
    first = _check_change(db, ana, OLD, NEW)
    second = _check_change(db, ana, OLD, "amber-meadow-compass-four")
    with transaction(db) as write:
        do_change_password(write, ana, first, now=NOW)
    with pytest.raises(Invalid, match="changed meanwhile"), transaction(db) as write:
        do_change_password(write, ana, second, now=NOW)
    assert _check_sign_in(db, NEW).account_id == ana.account_id
    assert _check_sign_in(db, OLD).account_id is None


def test_a_wrong_current_password_is_refused_and_nothing_else_is_checked(
    db: sessionmaker[Session], ana: Principal
) -> None:
    # "weak" would fail the policy, but the current password is wrong
    checked = _check_change(db, ana, "nope", "weak")
    assert not checked.right and checked.new_hash == ""
    with pytest.raises(WrongPassword), transaction(db) as write:
        do_change_password(write, ana, checked, now=NOW)


def test_every_attempt_counts_before_its_password_is_checked(
    db: sessionmaker[Session], ana: Principal
) -> None:
    """Counted only after the check, attempts sent at once would all find the counters
    as they were: with PAIR.free free attempts, the next must wait even though none of
    them has been checked yet."""
    for _ in range(PAIR.free + 1):
        _counted(db)
    with pytest.raises(Throttled), transaction(db) as write:
        do_reserve_attempt(write, ATTEMPT, NOW)


def test_colleagues_signing_in_at_once_from_one_address_never_block_each_other(
    db: sessionmaker[Session], ana: Principal
) -> None:
    """Only the pair's scope counts an attempt before its check: 50 people behind one
    office address signing in at the same moment were refused from the 31st (the
    address's free attempts) when every scope counted them beforehand."""
    office = "192.0.2.80"
    for n in range(CLIENT.free + 20):
        with transaction(db) as write:
            do_reserve_attempt(write, Attempt(f"person-{n}@acme.example", office), NOW)
    with db() as read:
        assert wait_before(read, Attempt("late@acme.example", office), NOW) == 0
    # The owner's right password takes back the pair's count, and the block it set.
    for _ in range(PAIR.free):
        _counted(db)
    checked = _check_sign_in(db, OLD)
    with db() as read:
        assert wait_before(read, ATTEMPT, NOW) > 0
    with transaction(db) as write:
        assert do_sign_in(write, checked, now=NOW, limits=LIMITS) is not None
    with db() as read:
        assert wait_before(read, ATTEMPT, NOW) == 0
