"""The password policy (NIST SP 800-63B): what is refused, what is accepted, and why."""

from __future__ import annotations

import pytest

from renown.accounts.passwords import check_password_policy
from renown.core.errors import Invalid


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "Repeats"),
        ("password12", "common"),
        ("qwertyuiop", "common"),
        ("1234567890", "common"),
        ("abcdefghijk", "too easy"),
        ("iloveyou123", "too easy"),
        ("ana.lee@acme.example", "too easy"),  # the owner's own e-mail address
        ("renown2026!", "too easy"),  # the product's name
        ("short", "at least 10"),
        ("x" * 201, "at most 200"),
        ("passphrase\x00withnul", "control characters"),
    ],
)
def test_guessable_passwords_are_refused_with_a_reason(password: str, why: str) -> None:
    with pytest.raises(Invalid, match=why):
        check_password_policy(password, ["ana.lee@acme.example", "Ana Lee"])


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery-staple",
        "quiet lantern orbit meadow",
        "Tr0ub4dor&3-dune",
        "é" * 3 + "-glacier-kayak-1",
    ],
)
def test_strong_passwords_are_accepted(password: str) -> None:
    check_password_policy(password, ["ana.lee@acme.example", "Ana Lee"])


def test_an_account_cannot_be_created_with_a_weak_password(db: object) -> None:
    from sqlalchemy.orm import Session, sessionmaker

    from renown.accounts.actions import do_create_account
    from renown.core.roles import Role
    from renown.org.actions import do_create_org
    from renown.store import transaction

    assert isinstance(db, sessionmaker)
    factory: sessionmaker[Session] = db
    with transaction(factory) as session:
        org = do_create_org(session, "acme", "Acme")
        with pytest.raises(Invalid, match="too easy"):
            do_create_account(
                session, org_id=org.id, email="x@acme.example", password="password12", role=Role.HR
            )
