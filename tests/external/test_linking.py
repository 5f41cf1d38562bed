"""Linking a public account: a claim, its proof read from the public API, and who may act."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.connectors.replay import Replay
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.external.linking import MAX_ACCOUNTS_PER_NETWORK, check_claim, check_verify
from renown.store import transaction
from renown.store.tables.external import ExternalAccount
from tests.external.conftest import NOW, ExternalOrg


def _github(login: str, bio: str, *, status: int = 200) -> Replay:
    body = {
        "login": login,
        "id": 583231,
        "name": "Ada Person",
        "bio": bio,
        "followers": 12,
        "html_url": f"https://github.com/{login}",
    }
    return Replay(
        [
            {
                "request": {"url": f"https://api.github.com/users/{login}"},
                "response": {"status": status, "json": body},
            }
        ]
    )


def _claim(db: sessionmaker[Session], org: ExternalOrg, name: str, typed: str) -> tuple[int, str]:
    with transaction(db) as session:
        account = check_claim(session, org.principal(name), "github", typed, now=NOW)
        return account.id, account.verification_code


def test_a_claim_is_pending_until_the_code_appears_in_the_public_bio(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    account_id, code = _claim(db, org, "ada", "https://github.com/Ada-L")
    assert code.startswith("renown-")
    with transaction(db) as session, pytest.raises(Invalid, match="was not found"):
        check_verify(
            session,
            org.principal("ada"),
            account_id,
            transport=_github("ada-l", "I build things").transport(),
            now=NOW,
        )
    with transaction(db) as session:
        account = check_verify(
            session,
            org.principal("ada"),
            account_id,
            transport=_github("ada-l", f"I build things {code}").transport(),
            now=NOW,
        )
        assert (account.status, account.verified_by) == ("verified", "bio")
        assert account.external_id == "583231"
        assert account.audience == 12


def test_nobody_else_sees_verifies_or_steals_a_proven_account(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    account_id, code = _claim(db, org, "ada", "ada-l")
    with transaction(db) as session, pytest.raises(NotFound):
        check_verify(
            session,
            org.principal("bob"),
            account_id,
            transport=_github("ada-l", code).transport(),
            now=NOW,
        )
    with transaction(db) as session:
        check_verify(
            session,
            org.principal("ada"),
            account_id,
            transport=_github("ada-l", code).transport(),
            now=NOW,
        )
    with transaction(db) as session, pytest.raises(Invalid, match="already linked"):
        check_claim(session, org.principal("bob"), "github", "ada-l", now=NOW)
    # another organisation is another tenant: the same handle is theirs to claim
    with transaction(db) as session:
        assert check_claim(session, org.other, "github", "ada-l", now=NOW).org_id == org.other_id


def test_claims_on_one_handle_coexist_and_the_first_proof_wins(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    # a colleague claiming (and claiming again) the handle neither squats on it nor
    # withdraws its owner's claim: each has their own code, only the owner can place theirs
    bob_id, _ = _claim(db, org, "bob", "ada-l")
    ada_id, code = _claim(db, org, "ada", "ada-l")
    assert _claim(db, org, "bob", "ada-l")[0] == bob_id
    with db() as session:
        assert session.get(ExternalAccount, ada_id) is not None
    with transaction(db) as session, pytest.raises(Invalid, match="was not found"):
        check_verify(
            session,
            org.principal("bob"),
            bob_id,
            transport=_github("ada-l", code).transport(),
            now=NOW,
        )
    with transaction(db) as session:
        check_verify(
            session,
            org.principal("ada"),
            ada_id,
            transport=_github("ada-l", code).transport(),
            now=NOW,
        )
    with db() as session:
        rows = session.execute(sa.select(ExternalAccount.person_id, ExternalAccount.status)).all()
    assert rows == [(org.ids["ada"], "verified")]  # bob's claim, now unprovable, is withdrawn


@pytest.mark.parametrize(
    "typed",
    ["../etc", "a/b", "evil.com/x", "x" * 200, "", "-leading", "https://gitlab.com/ada"],
)
def test_hostile_or_impossible_handles_are_refused(
    db: sessionmaker[Session], org: ExternalOrg, typed: str
) -> None:
    with transaction(db) as session, pytest.raises(Invalid):
        check_claim(session, org.principal("ada"), "github", typed, now=NOW)


def test_unknown_networks_people_without_a_person_and_too_many_accounts_are_refused(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    with transaction(db) as session, pytest.raises(Invalid, match="Unknown network"):
        check_claim(session, org.principal("ada"), "myspace", "ada", now=NOW)
    with transaction(db) as session, pytest.raises(NotAllowed):
        check_claim(session, org.principal("hr"), "github", "ada", now=NOW)
    for n in range(MAX_ACCOUNTS_PER_NETWORK):
        _claim(db, org, "ada", f"ada{n}")
    with transaction(db) as session, pytest.raises(Invalid, match="up to"):
        check_claim(session, org.principal("ada"), "github", "ada-extra", now=NOW)


def test_a_vanished_account_is_a_clear_refusal(db: sessionmaker[Session], org: ExternalOrg) -> None:
    account_id, code = _claim(db, org, "ada", "ada-l")
    with transaction(db) as session, pytest.raises(Invalid, match="Could not read"):
        check_verify(
            session,
            org.principal("ada"),
            account_id,
            transport=_github("ada-l", code, status=404).transport(),
            now=NOW,
        )
    with db() as session:
        pending = session.scalars(sa.select(ExternalAccount.status)).all()
    assert pending == ["pending"]
