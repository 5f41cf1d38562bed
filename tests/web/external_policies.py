"""The external prominence routes for the role matrix: their policies, and fillers that make
a linked account and a public card in the member's organisation or the other one.

A person's networks and card are the organisation's own people's (staff); HR's list, file of
links and "refresh everyone" are HR's and admins'; a public card is anyone's to read.

The linked account a filler makes is already proven (as HR's file would make it), so that
verifying it reads no network; the test installation's connectors are answered from an
empty recording folder anyway (``tests/web/conftest.py``), so a refresh never leaves the
machine.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from renown.core.roles import Role
from renown.store.tables.external import ExternalAccount, PublicCard

STAFF = "roles:admin,employee,hr,manager,recruiter"
PEOPLE_ADMIN = "roles:admin,hr"

EXTERNAL_POLICIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/me/external"): STAFF,
    ("POST", "/api/v1/me/external/accounts"): STAFF,
    ("POST", "/api/v1/me/external/accounts/{linked_id}/verify"): STAFF,
    ("DELETE", "/api/v1/me/external/accounts/{linked_id}"): STAFF,
    ("POST", "/api/v1/me/external/refresh"): STAFF,
    ("PUT", "/api/v1/me/external/consent"): STAFF,
    ("GET", "/api/v1/me/card"): STAFF,
    ("PUT", "/api/v1/me/card"): STAFF,
    ("GET", "/api/v1/cards/{slug}"): "public",
    ("POST", "/api/v1/external/links"): PEOPLE_ADMIN,
    ("POST", "/api/v1/external/refresh"): PEOPLE_ADMIN,
    ("GET", "/me/networks"): STAFF,
    ("POST", "/me/networks/link"): STAFF,
    ("POST", "/me/networks/{linked_id}/verify"): STAFF,
    ("POST", "/me/networks/{linked_id}/unlink"): STAFF,
    ("POST", "/me/networks/refresh"): STAFF,
    ("POST", "/me/networks/consent"): STAFF,
    # signing in with GitHub: 404 unless the installation has a GitHub OAuth app
    ("GET", "/me/networks/github/authorize"): STAFF,
    ("GET", "/me/networks/github/callback"): STAFF,
    ("GET", "/me/card"): STAFF,
    ("POST", "/me/card"): STAFF,
    ("GET", "/card/{slug}"): "public",
    ("GET", "/people/external"): PEOPLE_ADMIN,
    ("POST", "/people/external/import"): PEOPLE_ADMIN,
    ("POST", "/people/external/refresh"): PEOPLE_ADMIN,
}


def _owner(platform: Any, member: Any, org: str) -> Any:
    """The member (or, without a person, the employee), or someone of the other org."""
    if org == "other":
        return (
            platform.other_hr
            if member.org_id == platform.acme_id
            else platform.members[Role.EMPLOYEE]
        )
    return member if member.person_id is not None else platform.members[Role.EMPLOYEE]


def linked_filler(platform: Any, member: Any, org: str) -> int:
    """A fresh proven GitHub account of the owner's person."""
    owner = _owner(platform, member, org)
    now = datetime.now(UTC)
    with platform.sessions() as session, session.begin():
        account = ExternalAccount(
            org_id=owner.org_id,
            person_id=owner.person_id,
            network="github",
            handle=f"matrix-{uuid.uuid4().hex[:12]}",
            status="verified",
            verification_code="renown-matrix",
            verified_by="import",
            verified_at=now,
            pull_state={},
            created_at=now,
        )
        session.add(account)
        session.flush()
        return int(account.id)


def card_filler(platform: Any, member: Any, org: str) -> str:
    """The address of the owner's card: on (``own``), or off (``other``: a card of another
    organisation's person that its person turned off, which answers 404 like no card)."""
    owner = _owner(platform, member, org)
    with platform.sessions() as session, session.begin():
        card = session.get(PublicCard, owner.person_id)
        if card is None:
            card = PublicCard(
                person_id=owner.person_id,
                org_id=owner.org_id,
                slug=secrets.token_urlsafe(12),
                updated_at=datetime.now(UTC),
            )
            session.add(card)
        card.enabled = org == "own"
        session.flush()
        return str(card.slug)


EXTERNAL_FILLERS = {"linked_id": linked_filler, "slug": card_filler}
