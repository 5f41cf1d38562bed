"""Sign-in and password change in two steps (check while reading, then record while
writing): what changes between the steps wins over what the check found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.accounts.sessions import SessionLimits
from renown.accounts.signin import (
    WrongPassword,
    check_change_password,
    check_sign_in,
    do_change_password,
    do_sign_in,
)
from renown.accounts.throttle import Attempt, wait_before
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


def _change(db: sessionmaker[Session], ana: Principal, current: str, new: str) -> int:
    with db() as read:
        checked = check_change_password(read, ana, ATTEMPT, current=current, new=new, now=NOW)
    with transaction(db) as write:
        return do_change_password(write, ana, checked, now=NOW)


def test_a_sign_in_checked_against_a_password_changed_meanwhile_fails(
    db: sessionmaker[Session], ana: Principal
) -> None:
    with db() as read:
        checked = check_sign_in(read, ATTEMPT, OLD, now=NOW)
    assert checked.account_id == ana.account_id
    _change(db, ana, OLD, NEW)  # between the check and the record
    with transaction(db) as write:
        assert do_sign_in(write, checked, now=NOW, limits=LIMITS) is None
    with db() as read:  # the new password works
        fresh = check_sign_in(read, ATTEMPT, NEW, now=NOW)
    with transaction(db) as write:
        signed = do_sign_in(write, fresh, now=NOW, limits=LIMITS)
    assert signed is not None and signed.principal.account_id == ana.account_id


def test_a_sign_in_checked_before_a_deactivation_fails(
    db: sessionmaker[Session], ana: Principal
) -> None:
    with db() as read:
        checked = check_sign_in(read, ATTEMPT, OLD, now=NOW)
    with transaction(db) as write:
        account = write.get(Account, ana.account_id)
        assert account is not None
        account.active = False
    with transaction(db) as write:
        assert do_sign_in(write, checked, now=NOW, limits=LIMITS) is None


def test_of_two_password_changes_checked_at_once_only_the_first_lands(
    db: sessionmaker[Session], ana: Principal
) -> None:
    with db() as read:
        first = check_change_password(read, ana, ATTEMPT, current=OLD, new=NEW, now=NOW)
        second = check_change_password(
            read, ana, ATTEMPT, current=OLD, new="amber-meadow-compass-four", now=NOW
        )
    with transaction(db) as write:
        do_change_password(write, ana, first, now=NOW)
    with pytest.raises(Invalid, match="changed meanwhile"), transaction(db) as write:
        do_change_password(write, ana, second, now=NOW)
    with db() as read:
        assert check_sign_in(read, ATTEMPT, NEW, now=NOW).account_id == ana.account_id
        assert check_sign_in(read, ATTEMPT, OLD, now=NOW).account_id is None


def test_a_wrong_current_password_is_recorded_and_nothing_else_is_checked(
    db: sessionmaker[Session], ana: Principal
) -> None:
    with db() as read:  # "weak" would fail the policy, but the current password is wrong
        checked = check_change_password(read, ana, ATTEMPT, current="nope", new="weak", now=NOW)
    assert not checked.right and checked.new_hash == ""
    for n in range(6):
        with pytest.raises(WrongPassword), transaction(db) as write:
            do_change_password(write, ana, checked, now=NOW + timedelta(seconds=n))
    # The raise rolled each transaction back: recording needs the caller's commit first.
    with db() as read:
        assert wait_before(read, ATTEMPT, NOW + timedelta(seconds=5)) == 0
    for n in range(6):
        with db() as write:
            with pytest.raises(WrongPassword):
                do_change_password(write, ana, checked, now=NOW + timedelta(seconds=n))
            write.commit()
    with db() as read:
        assert wait_before(read, ATTEMPT, NOW + timedelta(seconds=5)) > 0
