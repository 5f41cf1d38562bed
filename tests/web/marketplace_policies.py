"""The marketplace routes for the role matrix: their policies, and fillers that make a listed
member and an invitation the caller is a party to, in the caller's organisation or the
other one.

Sponsors, HR, recruiters and administrators search; sponsors, HR and administrators (who
post challenges) invite and give feedback; members, employees and managers keep a profile
and answer invitations; anyone signed in reads a listed member's profile and their own
invitations (whether *this* profile is visible is the domain's decision).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from renown.accounts.actions import do_create_account
from renown.challenges.roles import PARTICIPANTS, POSTERS
from renown.core.roles import Role
from renown.store.tables.challenges import MarketplaceInvitation, MemberProfile

SIGNED_IN = "signed-in"
SEARCHING = "roles:admin,hr,recruiter,sponsor"
POSTING = "roles:admin,hr,sponsor"
TAKING_PART = "roles:employee,manager,member"

MARKETPLACE_POLICIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/marketplace"): SEARCHING,
    ("GET", "/api/v1/marketplace/invitations"): SIGNED_IN,
    ("POST", "/api/v1/marketplace/invitations/{invitation_id}/accept"): TAKING_PART,
    ("POST", "/api/v1/marketplace/invitations/{invitation_id}/decline"): TAKING_PART,
    ("POST", "/api/v1/marketplace/invitations/{invitation_id}/withdraw"): POSTING,
    ("GET", "/api/v1/members/me"): TAKING_PART,
    ("PUT", "/api/v1/members/me"): TAKING_PART,
    ("GET", "/api/v1/members/{member_id}"): SIGNED_IN,
    ("POST", "/api/v1/members/{member_id}/invitations"): POSTING,
    ("POST", "/api/v1/members/{member_id}/feedback"): POSTING,
    ("GET", "/marketplace"): SEARCHING,
    ("GET", "/members/me/edit"): TAKING_PART,
    ("POST", "/members/me/edit"): TAKING_PART,
    ("GET", "/members/{member_id}"): SIGNED_IN,
    ("POST", "/members/{member_id}/invite"): POSTING,
    ("POST", "/members/{member_id}/feedback"): POSTING,
    ("GET", "/invitations"): SIGNED_IN,
    ("POST", "/invitations/{invitation_id}/accept"): TAKING_PART,
    ("POST", "/invitations/{invitation_id}/decline"): TAKING_PART,
    ("POST", "/invitations/{invitation_id}/withdraw"): POSTING,
}

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _org(platform: Any, member: Any, org: str) -> int:
    if org == "own":
        return int(member.org_id)
    return int(platform.other_id if member.org_id == platform.acme_id else platform.acme_id)


def listed_member(platform: Any, org_id: int) -> int:
    """A fresh community member of ``org_id`` with a listed, available profile."""
    tag = uuid.uuid4().hex[:10]
    with platform.sessions.begin() as session:
        account = do_create_account(
            session,
            org_id=org_id,
            email=f"market-{tag}@community.example",
            password=None,
            role=Role.MEMBER,
        )
        session.flush()
        session.add(
            MemberProfile(
                account_id=account.id,
                org_id=org_id,
                display_name=f"Member {tag}",
                skills=["python"],
                availability="available",
                listed=True,
            )
        )
        return int(account.id)


def member_filler(platform: Any, member: Any, org: str) -> int:
    """A listed member in the caller's organisation (or the other one)."""
    return listed_member(platform, _org(platform, member, org))


def invitation_filler(platform: Any, member: Any, org: str) -> int:
    """An open invitation the caller is a party to when it may be (its sender when the
    caller posts challenges, its addressee when the caller takes part)."""
    org_id = _org(platform, member, org)
    own = org_id == member.org_id
    if own and member.role in POSTERS:
        sponsor = int(member.account_id)
    elif org_id == platform.acme_id:
        sponsor = int(platform.members[Role.SPONSOR].account_id)
    else:
        sponsor = int(platform.other_hr.account_id)
    if own and member.role in PARTICIPANTS:
        invited = int(member.account_id)
    else:
        invited = listed_member(platform, org_id)
    with platform.sessions.begin() as session:
        invitation = MarketplaceInvitation(
            org_id=org_id,
            sponsor_account_id=sponsor,
            member_account_id=invited,
            title="Matrix work",
            message="A small job",
            status="sent",
            created_at=AT,
        )
        session.add(invitation)
        session.flush()
        return int(invitation.id)


MARKETPLACE_FILLERS = {"member_id": member_filler, "invitation_id": invitation_filler}
