"""Linking public accounts to people: a claim, its proof, and unlinking.

A person claims an account (``pending``) and proves it is theirs in one of the ways the
network allows: signing in there (OAuth, where renown is set up for it), or placing the
claim's code in the account's public bio or in a public post, which renown then reads
through the network's public API. Nothing is pulled from an unproven account. An account
can be linked to one person of an organisation. Several people may claim a handle at once,
each with their own code, and the first proof wins (the other claims are withdrawn then):
nobody can squat on a handle they cannot prove, nor keep its owner from proving it.
Unlinking deletes the account and everything pulled from it, and that network's scores of
the person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.audit.personal import personal
from renown.connectors.base import Connector, PublicProfile
from renown.connectors.errors import ConnectorError, MalformedResponse
from renown.connectors.registry import CONNECTORS
from renown.core.errors import Invalid, NotFound
from renown.external.scoring import COMBINED, score_external
from renown.external.shown import plain_text, public_url
from renown.external.tokens import seal
from renown.org.access import access_acting_person
from renown.store.tables.external import ExternalAccount, ExternalScore

MAX_ACCOUNTS_PER_NETWORK: Final = 3
CODE_PREFIX: Final = "renown-"


def network_of(name: str) -> Connector:
    """The connector of network ``name`` (:class:`Invalid` naming the known ones)."""
    found = CONNECTORS.get(name)
    if found is None:
        raise Invalid(f"Unknown network {name!r}; renown connects to {', '.join(CONNECTORS)}.")
    return found


def new_code() -> str:
    """A fresh verification code (40 random bits: unguessable, short enough to paste)."""
    return CODE_PREFIX + secrets.token_hex(5)


def check_claim(
    session: Session, principal: Principal, network: str, typed: str, *, now: datetime
) -> ExternalAccount:
    """Claim the account ``typed`` on ``network`` for the principal's own person."""
    person = access_acting_person(
        session, principal, "Only the organisation's people link accounts."
    )
    connector = network_of(network)
    try:
        handle = connector.parse_handle(typed.strip())
    except ValueError as error:
        raise Invalid(str(error)) from None
    mine = session.scalars(
        sa.select(ExternalAccount).where(
            ExternalAccount.person_id == person.id,
            ExternalAccount.network == network,
            ExternalAccount.handle == handle,
        )
    ).first()
    if mine is not None:
        return mine
    if _proven_by_someone(session, principal.org_id, network, handle):
        raise Invalid(f"{connector.label} account {handle} is already linked to someone else.")
    held = session.scalar(
        sa.select(sa.func.count(ExternalAccount.id)).where(
            ExternalAccount.person_id == person.id, ExternalAccount.network == network
        )
    )
    if (held or 0) >= MAX_ACCOUNTS_PER_NETWORK:
        raise Invalid(
            f"You can link up to {MAX_ACCOUNTS_PER_NETWORK} {connector.label} accounts; "
            "unlink one first."
        )
    account = ExternalAccount(
        org_id=principal.org_id,
        person_id=person.id,
        network=network,
        handle=handle,
        status="pending",
        verification_code=new_code(),
        linked_by_account_id=principal.account_id,
        pull_state={},
        created_at=now,
    )
    session.add(account)
    session.flush()
    audit.append_by(
        session,
        principal,
        "external.claim",
        subject=f"external_account:{account.id}",
        payload={"network": network, "handle": personal(handle)},
        at=now,
    )
    return account


def own_account(session: Session, principal: Principal, account_id: int) -> ExternalAccount:
    """The principal's own linked account (404 for anyone else's: its existence is private)."""
    account = session.get(ExternalAccount, account_id)
    if (
        account is None
        or account.org_id != principal.org_id
        or principal.person_id is None
        or account.person_id != principal.person_id
    ):
        raise NotFound("No such linked account.")
    return account


@dataclass(frozen=True)
class Proof:
    """What the public API showed: the claim's code, found in the bio or a post."""

    account_id: int
    handle: str
    code: str
    method: str
    profile: PublicProfile


def check_read_proof(
    session: Session,
    principal: Principal,
    account_id: int,
    *,
    transport: httpx.BaseTransport | None,
) -> Proof | None:
    """Look for a claim's code in the account's public bio or newest posts (``None``: the
    account is proven already). Reads only, so that no write is held while the network
    answers; :func:`do_record_proof` writes what was found."""
    account = own_account(session, principal, account_id)
    if account.status == "verified":
        return None
    connector = network_of(account.network)
    methods = [m for m in connector.verification if m in ("bio", "post")]
    if not methods:
        raise Invalid(f"{connector.label} accounts are proven by signing in there.")
    profile, texts = _read_public(connector, account, transport, with_posts="post" in methods)
    code = account.verification_code
    if "bio" in methods and code in profile.bio:
        return Proof(account.id, account.handle, code, "bio", profile)
    if "post" in methods and any(code in text for text in texts):
        return Proof(account.id, account.handle, code, "post", profile)
    where = " or ".join({"bio": "the public bio", "post": "a public post"}[m] for m in methods)
    raise Invalid(
        f"The code {code} was not found in {where} of {connector.label} account "
        f"{account.handle}. Add it, save, and try again (it can be removed once proven)."
    )


def do_record_proof(
    session: Session, principal: Principal, proof: Proof, *, now: datetime
) -> ExternalAccount:
    """Record a proof read by :func:`check_read_proof`, if the claim is still the one read
    (unlinked or claimed afresh meanwhile: not found)."""
    account = own_account(session, principal, proof.account_id)
    if account.status == "verified":
        return account
    if (account.handle, account.verification_code) != (proof.handle, proof.code):
        raise NotFound("No such linked account.")
    _prove(session, principal, account, proof.profile, proof.method, now)
    return account


def check_verify(
    session: Session,
    principal: Principal,
    account_id: int,
    *,
    transport: httpx.BaseTransport | None,
    now: datetime,
) -> ExternalAccount:
    """Prove a claim in one step (:func:`check_read_proof` then :func:`do_record_proof`),
    for callers that hold no writer's turn while the network answers (the command line,
    tests); the web reads first and records in its turn."""
    proof = check_read_proof(session, principal, account_id, transport=transport)
    if proof is None:
        return own_account(session, principal, account_id)
    return do_record_proof(session, principal, proof, now=now)


def do_prove_by_oauth(
    session: Session,
    principal: Principal,
    network: str,
    handle: str,
    profile: PublicProfile,
    token: str,
    *,
    key: str,
    now: datetime,
) -> ExternalAccount:
    """Link and prove ``handle`` at once: the network's sign-in said it is the principal's."""
    account = check_claim(session, principal, network, handle, now=now)
    account.token_ciphertext = seal(key, token)
    _prove(session, principal, account, profile, "oauth", now)
    return account


def _read_public(
    connector: Connector,
    account: ExternalAccount,
    transport: httpx.BaseTransport | None,
    *,
    with_posts: bool,
) -> tuple[PublicProfile, list[str]]:
    try:
        with connector.client(account.handle, transport=transport) as client:
            profile = connector.profile(client, account.handle)
            texts = connector.recent_texts(client, profile) if with_posts else []
    except (ConnectorError, MalformedResponse) as error:
        raise Invalid(f"Could not read the public profile: {error}") from None
    return profile, texts


def _proven_by_someone(session: Session, org_id: int, network: str, handle: str) -> bool:
    return (
        session.scalar(
            sa.select(ExternalAccount.id).where(
                ExternalAccount.org_id == org_id,
                ExternalAccount.network == network,
                ExternalAccount.handle == handle,
                ExternalAccount.status == "verified",
            )
        )
        is not None
    )


def _prove(
    session: Session,
    principal: Principal,
    account: ExternalAccount,
    profile: PublicProfile,
    proof: str,
    now: datetime,
) -> None:
    """Mark a claim proven; the first proof of a handle wins and the other claims on it,
    which can no longer be proven, are withdrawn."""
    if _proven_by_someone(session, account.org_id, account.network, account.handle):
        raise Invalid(f"Account {account.handle} was proven by someone else first.")
    session.execute(
        sa.delete(ExternalAccount).where(
            ExternalAccount.org_id == account.org_id,
            ExternalAccount.network == account.network,
            ExternalAccount.handle == account.handle,
            ExternalAccount.id != account.id,
            ExternalAccount.status == "pending",
        )
    )
    account.status = "verified"
    account.verified_by = proof
    account.verified_at = now
    account.external_id = plain_text(profile.external_id, 200)
    account.display_name = plain_text(profile.display_name, 200)
    account.url = public_url(profile.url)
    account.audience = profile.audience
    session.flush()
    audit.append_by(
        session,
        principal,
        "external.verify",
        subject=f"external_account:{account.id}",
        payload={"network": account.network, "proof": proof},
        at=now,
    )


def check_unlink(session: Session, principal: Principal, account_id: int, *, now: datetime) -> None:
    """Unlink an account: it, everything pulled from it and that network's scores go.

    The person's combined scores go too and today's are computed again from what is left
    (so are everyone else's: each network score ranks people among those who linked it).

    The owner unlinks their own; HR and administrators may unlink anyone's (on request).
    """
    account = session.get(ExternalAccount, account_id)
    if account is None or account.org_id != principal.org_id:
        raise NotFound("No such linked account.")
    if account.person_id != principal.person_id and not principal.sees_everyone:
        raise NotFound("No such linked account.")
    network, person_id = account.network, account.person_id
    session.delete(account)
    session.flush()
    still = session.scalar(
        sa.select(sa.func.count(ExternalAccount.id)).where(
            ExternalAccount.person_id == person_id,
            ExternalAccount.network == network,
            ExternalAccount.status == "verified",
        )
    )
    if not still:
        session.execute(
            sa.delete(ExternalScore).where(
                ExternalScore.person_id == person_id,
                ExternalScore.network.in_((network, COMBINED)),
            )
        )
        score_external(session, principal.org_id, now=now)  # the others' ranks change too
    audit.append_by(
        session,
        principal,
        "external.unlink",
        subject=f"external_account:{account_id}",
        payload={"network": network},
        at=now,
    )
