"""The talent marketplace: sponsors find members by skill and rating, and invite them to
private work; members accept or decline.

* **Search** reads listed profiles only (a member who is not listed is never found, not
  even by a reader who could open their profile), best rated first, so the people who
  proved themselves are seen first; members never rated come last (a minimum rating
  leaves them out), and ties go alphabetically by name so pages are stable.
* **Invitations** go from a sponsor (or HR or an administrator, who post challenges too)
  to a listed member who is not unavailable: a member who said they take no work is not
  asked. Each side is told in the app. Spam guards: at most :data:`DAILY_CAP` invitations
  per sender in any 24 hours, and one open invitation per sender and member at a time (a
  second one waits for the member's answer or the sender's withdrawal). A sender may
  withdraw an invitation while it is still unanswered; an answer is final.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.market_results import (
    AVAILABILITIES,
    InvitationLists,
    InvitationView,
    MarketPage,
    MarketRow,
)
from renown.challenges.profiles import (
    MARKET_READERS,
    current_ratings,
    normalise_skill,
    tallies,
)
from renown.challenges.roles import PARTICIPANTS, POSTERS
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.core.text import text_problem
from renown.notify.inapp import do_notify
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import MarketplaceInvitation, MemberProfile

INVITERS: Final = POSTERS
"""Who invites members to private work: those who post paid challenges."""
DAILY_CAP: Final = 50
"""Invitations one sender may send in any 24 hours."""
MAX_TITLE: Final = 200
MAX_MESSAGE: Final = 5000
MAX_LIMIT: Final = 100
MAX_SEARCH_SKILLS: Final = 20
LIST_LIMIT: Final = 200
"""Invitations shown per side (newest first)."""


def search(
    session: Session,
    principal: Principal,
    *,
    skills: list[str] | None = None,
    min_rating: int | None = None,
    availability: str | None = None,
    text: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> MarketPage:
    """Listed members matching every filter given (``skills``: any of them), best rated first.

    Raises
    ------
    NotAllowed
        The principal is not a sponsor, HR, a recruiter or an administrator.
    Invalid
        An unknown availability, or a page size outside 1..:data:`MAX_LIMIT`.
    """
    if principal.role not in MARKET_READERS:
        raise NotAllowed("sponsors, HR, recruiters and administrators search the marketplace")
    if availability is not None and availability not in AVAILABILITIES:
        raise Invalid(f"availability is one of {', '.join(AVAILABILITIES)}")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise Invalid(f"a page holds 1 to {MAX_LIMIT} members")
    wanted = {normalise_skill(s) for s in (skills or [])[:MAX_SEARCH_SKILLS]} - {""}
    needle = (text or "").strip().casefold()
    query = (
        sa.select(MemberProfile)
        .join(Account, Account.id == MemberProfile.account_id)
        .where(
            MemberProfile.org_id == principal.org_id,
            MemberProfile.listed.is_(True),
            Account.active.is_(True),
            Account.role.in_([r.value for r in PARTICIPANTS]),
        )
    )
    if availability is not None:
        query = query.where(MemberProfile.availability == availability)
    profiles = [
        p
        for p in session.scalars(query)
        if (not wanted or wanted & set(p.skills))
        and (not needle or needle in p.display_name.casefold() or needle in p.headline.casefold())
    ]
    ratings = current_ratings(session, [p.account_id for p in profiles])

    def rating(profile: MemberProfile) -> int | None:
        found = ratings.get(profile.account_id)
        return found.display if found else None

    def order(profile: MemberProfile) -> tuple[int, int, str, int]:
        value = rating(profile)
        return (value is None, -(value or 0), profile.display_name.casefold(), profile.account_id)

    kept = [
        p
        for p in profiles
        if min_rating is None or ((value := rating(p)) is not None and value >= min_rating)
    ]
    kept.sort(key=order)
    page = kept[offset : offset + limit]
    counts = tallies(session, [p.account_id for p in page])
    return MarketPage(
        rows=[
            MarketRow(
                account_id=p.account_id,
                display_name=p.display_name,
                headline=p.headline,
                skills=list(p.skills),
                availability=p.availability,
                rating=rating(p),
                contests=ratings[p.account_id].contests if p.account_id in ratings else 0,
                wins=counts[p.account_id].wins,
            )
            for p in page
        ],
        total=len(kept),
        limit=limit,
        offset=offset,
    )


def _checked(value: str, name: str, high: int, *, multiline: bool) -> str:
    text = value.strip()
    if not text or len(text) > high:
        raise Invalid(f"the {name} must be 1 to {high:,} characters")
    problem = text_problem(text, multiline=multiline)
    if problem is not None:
        raise Invalid(f"the {name} {problem}")
    return text


def sent_since(session: Session, account_id: int, since: datetime) -> int:
    """Invitations the account sent after ``since``."""
    return int(
        session.scalar(
            sa.select(sa.func.count()).where(
                MarketplaceInvitation.sponsor_account_id == account_id,
                MarketplaceInvitation.created_at > since,
            )
        )
        or 0
    )


def check_invite(
    session: Session,
    principal: Principal,
    member_account_id: int,
    *,
    title: str,
    message: str,
    now: datetime,
) -> InvitationView:
    """Invite a listed, available member to private work; the member is notified.

    Raises
    ------
    NotAllowed
        The principal does not post challenges.
    NotFound
        No listed member with that id in the organisation.
    Invalid
        The member is unavailable, the title or message is out of bounds, an invitation
        to them is still open, or the daily cap is reached.
    """
    if principal.role not in INVITERS:
        raise NotAllowed("sponsors, HR and administrators invite members to private work")
    profile = session.get(MemberProfile, member_account_id)
    account = session.get(Account, member_account_id)
    if (
        profile is None
        or account is None
        or profile.org_id != principal.org_id
        or not profile.listed
        or not account.active
        or Role(account.role) not in PARTICIPANTS
    ):
        raise NotFound(f"no listed member {member_account_id}")
    if profile.availability == "unavailable":
        raise Invalid(f"{profile.display_name} is not taking work at the moment")
    clean_title = _checked(title, "title", MAX_TITLE, multiline=False)
    clean_message = _checked(message, "message", MAX_MESSAGE, multiline=True)
    if sent_since(session, principal.account_id, now - timedelta(days=1)) >= DAILY_CAP:
        raise Invalid(f"you have sent {DAILY_CAP} invitations in the last 24 hours: wait a little")
    open_one = session.scalar(
        sa.select(MarketplaceInvitation.id).where(
            MarketplaceInvitation.sponsor_account_id == principal.account_id,
            MarketplaceInvitation.member_account_id == member_account_id,
            MarketplaceInvitation.status == "sent",
        )
    )
    if open_one is not None:
        raise Invalid("your last invitation to this member is still open: wait for the answer")
    invitation = MarketplaceInvitation(
        org_id=principal.org_id,
        sponsor_account_id=principal.account_id,
        member_account_id=member_account_id,
        title=clean_title,
        message=clean_message,
        status="sent",
        created_at=now,
    )
    session.add(invitation)
    session.flush()
    do_notify(
        session,
        org_id=principal.org_id,
        kind="marketplace.invitation",
        text=f"You are invited to private work: “{clean_title}”.",
        now=now,
        account_id=member_account_id,
        link="/invitations",
    )
    audit.append_by(
        session,
        principal,
        "marketplace.invite",
        subject=f"account:{member_account_id}",
        payload={"invitation_id": invitation.id},
        at=now,
    )
    return _view(session, invitation)


def _invitation(
    session: Session, principal: Principal, invitation_id: int
) -> MarketplaceInvitation:
    invitation = session.get(MarketplaceInvitation, invitation_id)
    if (
        invitation is None
        or invitation.org_id != principal.org_id
        or principal.account_id not in (invitation.sponsor_account_id, invitation.member_account_id)
    ):
        raise NotFound(f"no invitation {invitation_id}")
    return invitation


def check_answer_invitation(
    session: Session, principal: Principal, invitation_id: int, *, accept: bool, now: datetime
) -> InvitationView:
    """The invited member accepts or declines (once); the sender is notified."""
    invitation = _invitation(session, principal, invitation_id)
    if invitation.member_account_id != principal.account_id:
        raise NotAllowed("only the invited member answers an invitation")
    if invitation.status != "sent":
        raise Invalid(f"this invitation is already {invitation.status}")
    invitation.status = "accepted" if accept else "declined"
    invitation.answered_at = now
    session.flush()
    do_notify(
        session,
        org_id=principal.org_id,
        kind="marketplace.answer",
        text=f"Your invitation “{invitation.title}” was {invitation.status}.",
        now=now,
        account_id=invitation.sponsor_account_id,
        link="/invitations",
    )
    audit.append_by(
        session,
        principal,
        f"marketplace.{invitation.status}",
        subject=f"account:{invitation.sponsor_account_id}",
        payload={"invitation_id": invitation.id},
        at=now,
    )
    return _view(session, invitation)


def check_withdraw_invitation(
    session: Session, principal: Principal, invitation_id: int, *, now: datetime
) -> InvitationView:
    """The sender withdraws an invitation still unanswered; the member is told."""
    invitation = _invitation(session, principal, invitation_id)
    if invitation.sponsor_account_id != principal.account_id:
        raise NotAllowed("only the sender withdraws an invitation")
    if invitation.status != "sent":
        raise Invalid(f"this invitation is already {invitation.status}")
    invitation.status = "withdrawn"
    invitation.answered_at = now
    session.flush()
    do_notify(
        session,
        org_id=principal.org_id,
        kind="marketplace.withdrawn",
        text=f"The invitation “{invitation.title}” was withdrawn.",
        now=now,
        account_id=invitation.member_account_id,
        link="/invitations",
    )
    audit.append_by(
        session,
        principal,
        "marketplace.withdraw",
        subject=f"account:{invitation.member_account_id}",
        payload={"invitation_id": invitation.id},
        at=now,
    )
    return _view(session, invitation)


def invitations_for(session: Session, principal: Principal, now: datetime) -> InvitationLists:
    """The principal's invitations received and sent, newest first."""
    rows = list(
        session.scalars(
            sa.select(MarketplaceInvitation)
            .where(
                MarketplaceInvitation.org_id == principal.org_id,
                sa.or_(
                    MarketplaceInvitation.member_account_id == principal.account_id,
                    MarketplaceInvitation.sponsor_account_id == principal.account_id,
                ),
            )
            .order_by(MarketplaceInvitation.created_at.desc(), MarketplaceInvitation.id.desc())
            .limit(2 * LIST_LIMIT)
        )
    )
    names = _names(session, rows)
    received = [
        _view(session, r, names) for r in rows if r.member_account_id == principal.account_id
    ]
    sent = [_view(session, r, names) for r in rows if r.sponsor_account_id == principal.account_id]
    return InvitationLists(
        received=received[:LIST_LIMIT],
        sent=sent[:LIST_LIMIT],
        sent_today=sent_since(session, principal.account_id, now - timedelta(days=1)),
        daily_cap=DAILY_CAP,
    )


def _names(
    session: Session, rows: list[MarketplaceInvitation]
) -> tuple[dict[int, str], dict[int, str]]:
    members = {r.member_account_id for r in rows}
    sponsors = {r.sponsor_account_id for r in rows}
    display = dict(
        session.execute(
            sa.select(MemberProfile.account_id, MemberProfile.display_name).where(
                MemberProfile.account_id.in_(members)
            )
        ).all()
    )
    emails = dict(
        session.execute(sa.select(Account.id, Account.email).where(Account.id.in_(sponsors))).all()
    )
    return display, emails


def _view(
    session: Session,
    row: MarketplaceInvitation,
    names: tuple[dict[int, str], dict[int, str]] | None = None,
) -> InvitationView:
    display, emails = names if names is not None else _names(session, [row])
    return InvitationView(
        id=row.id,
        sponsor_account_id=row.sponsor_account_id,
        sponsor=emails.get(row.sponsor_account_id, f"account {row.sponsor_account_id}"),
        member_account_id=row.member_account_id,
        member=display.get(row.member_account_id, f"member {row.member_account_id}"),
        title=row.title,
        message=row.message,
        status=row.status,
        created_at=row.created_at,
        answered_at=row.answered_at,
    )
