"""Member profiles: what a participant shows the marketplace, and who may read it.

A profile is the member's own: they create it on their first edit and change it whenever
they like. What it shows beside their words is never theirs to edit: their rating and its
history, their results and prizes, the challenge badges those earn
(:mod:`renown.challenges.badge_facts`) and what sponsors said of their work.

Who reads a profile, and why:

* **the member** always (it is about them);
* **sponsors, HR, administrators and recruiters** of the organisation, listed or not: they
  run the challenges the member took part in, pay the prizes and look for talent, and a
  member's results are already on the challenges' result pages they see;
* **other participants** (members, employees, managers) only when the member chose to be
  listed: a member who did not is not shown to their peers. Anything else is "not found",
  so an unlisted member's id reveals nothing.

Display names are unique in the organisation regardless of letter case, because sponsors
and results pages name members by them: two "Ada"s would be told apart by nobody.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.badge_facts import PODIUM_RANKS, member_badges
from renown.challenges.classic_view import classic_ratings
from renown.challenges.market_results import (
    AVAILABILITIES,
    ChallengeRecord,
    ChallengeTally,
    CurrentRating,
    FeedbackView,
    MemberProfileView,
    PrizeTotal,
    RatingPoint,
)
from renown.challenges.rating_update import display_rating
from renown.challenges.ratings.classic import ClassicRating
from renown.challenges.roles import PARTICIPANTS
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.core.text import text_problem
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeResult,
    MemberProfile,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
    SponsorFeedback,
)

MARKET_READERS: Final = frozenset({Role.SPONSOR, Role.HR, Role.ADMIN, Role.RECRUITER})
"""Read every profile of the organisation and search the marketplace."""
MAX_SKILLS: Final = 30
MAX_NAME: Final = 100
MAX_HEADLINE: Final = 200
MAX_RESULTS_SHOWN: Final = 50
_SKILL: Final = re.compile(r"^[a-z0-9][a-z0-9+#./ -]{0,48}$")


def normalise_skill(raw: str) -> str:
    """A skill as profiles and searches compare it: lower case, single spaces."""
    return " ".join(raw.strip().lower().split())


def clean_skills(values: list[str] | tuple[str, ...]) -> list[str]:
    """Normalised, de-duplicated skills (order kept), or :class:`Invalid`."""
    result: list[str] = []
    for raw in values:
        skill = normalise_skill(raw)
        if not skill:
            continue
        if not _SKILL.match(skill):
            raise Invalid(f"skill {raw[:50]!r}: letters, digits, spaces and + # . / - only (1-49)")
        if skill not in result:
            result.append(skill)
    if len(result) > MAX_SKILLS:
        raise Invalid(f"a profile lists at most {MAX_SKILLS} skills")
    return result


def _line(value: str, name: str, low: int, high: int) -> str:
    text = " ".join(value.split()) if value.strip() else ""
    if not low <= len(text) <= high:
        raise Invalid(f"the {name} must be {low} to {high} characters")
    problem = text_problem(value)
    if problem is not None:
        raise Invalid(f"the {name} {problem}")
    return text


def _name_taken(session: Session, org_id: int, account_id: int, name: str) -> bool:
    # The unique (org_id, name_key) constraint settles a race; this gives the clear message.
    holder = session.scalar(
        sa.select(MemberProfile.account_id).where(
            MemberProfile.org_id == org_id, MemberProfile.name_key == name.casefold()
        )
    )
    return holder is not None and holder != account_id


def check_edit_profile(
    session: Session,
    principal: Principal,
    *,
    display_name: str,
    headline: str,
    skills: list[str],
    availability: str,
    listed: bool,
    now: datetime,
) -> MemberProfileView:
    """Create or change the principal's own profile; the profile as they now see it.

    Raises
    ------
    NotAllowed
        The principal does not take part in challenges (sponsors, HR, recruiters, admins).
    Invalid
        A field out of bounds, an unknown availability, or a display name already used in
        the organisation (whatever its letter case).
    """
    if principal.role not in PARTICIPANTS:
        raise NotAllowed("members, employees and managers who take part have a profile")
    name = _line(display_name, "display name", 2, MAX_NAME)
    line = _line(headline, "headline", 0, MAX_HEADLINE)
    wanted = clean_skills(skills)
    if availability not in AVAILABILITIES:
        raise Invalid(f"availability is one of {', '.join(AVAILABILITIES)}")
    if _name_taken(session, principal.org_id, principal.account_id, name):
        raise Invalid(f"the display name {name!r} is taken: choose another")
    row = session.get(MemberProfile, principal.account_id)
    created = row is None
    if row is None:
        row = MemberProfile(account_id=principal.account_id, org_id=principal.org_id)
        session.add(row)
    row.display_name = name
    row.headline = line
    row.skills = wanted
    row.availability = availability
    row.listed = listed
    row.updated_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "member_profile.create" if created else "member_profile.edit",
        subject=f"account:{principal.account_id}",
        payload={"skills": len(wanted), "availability": availability, "listed": listed},
        at=now,
    )
    return member_profile(session, principal, principal.account_id)


def visible_account(session: Session, principal: Principal, account_id: int) -> Account:
    """The participant account whose profile the principal may read, else NotFound."""
    account = session.get(Account, account_id)
    if (
        account is None
        or account.org_id != principal.org_id
        or Role(account.role) not in PARTICIPANTS
    ):
        raise NotFound(f"no member {account_id}")
    if account.id == principal.account_id or principal.role in MARKET_READERS:
        return account
    profile = session.get(MemberProfile, account.id)
    if profile is None or not profile.listed:
        raise NotFound(f"no member {account_id}")
    return account


def own_profile(session: Session, principal: Principal) -> MemberProfile | None:
    """The principal's own profile row (None before their first edit)."""
    if principal.role not in PARTICIPANTS:
        raise NotAllowed("members, employees and managers who take part have a profile")
    return session.get(MemberProfile, principal.account_id)


def current_ratings(session: Session, account_ids: list[int]) -> dict[int, CurrentRating]:
    """Every listed account's rating now (accounts never rated are absent)."""
    if not account_ids:
        return {}
    return {
        r.account_id: CurrentRating(display_rating(r.mu, r.sigma), r.mu, r.sigma, r.contests)
        for r in session.scalars(
            sa.select(SkillRating).where(SkillRating.account_id.in_(account_ids))
        )
    }


def tallies(session: Session, account_ids: list[int]) -> dict[int, ChallengeTally]:
    """Completed challenges, wins, podiums and placements per account."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if account_ids:
        for account_id, rank, place, passed in session.execute(
            sa.select(
                ChallengeResult.account_id,
                ChallengeResult.rank,
                ChallengeResult.place,
                ChallengeResult.passed,
            ).where(ChallengeResult.account_id.in_(account_ids))
        ):
            tally = counts[account_id]
            tally[0] += 1
            tally[1] += int(passed and rank == 1)
            tally[2] += int(passed and rank <= PODIUM_RANKS)
            tally[3] += int(place is not None)
    return {a: ChallengeTally(*counts[a]) for a in account_ids}


def _history(session: Session, account_id: int) -> list[RatingPoint]:
    return [
        RatingPoint(
            at=h.at,
            challenge_id=h.challenge_id,
            challenge_title=title,
            display=display_rating(h.mu, h.sigma),
            mu=h.mu,
            sigma=h.sigma,
            rank=h.rank,
        )
        for h, title in session.execute(
            sa.select(RatingHistory, Challenge.title)
            .join(Challenge, Challenge.id == RatingHistory.challenge_id)
            .where(RatingHistory.account_id == account_id)
            .order_by(RatingHistory.at, RatingHistory.id)
        ).all()
    ]


def _results(session: Session, account_id: int) -> list[ChallengeRecord]:
    return [
        ChallengeRecord(r.challenge_id, title, r.rank, r.place, r.passed, r.decided_at)
        for r, title in session.execute(
            sa.select(ChallengeResult, Challenge.title)
            .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
            .where(ChallengeResult.account_id == account_id)
            .order_by(ChallengeResult.decided_at.desc(), ChallengeResult.challenge_id.desc())
            .limit(MAX_RESULTS_SHOWN)
        ).all()
    ]


def _prizes(session: Session, account_id: int) -> list[PrizeTotal]:
    owed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for currency, cents, paid_at in session.execute(
        sa.select(
            PrizeLedgerEntry.currency, PrizeLedgerEntry.amount_cents, PrizeLedgerEntry.paid_at
        ).where(PrizeLedgerEntry.account_id == account_id)
    ):
        owed[currency][0] += cents
        owed[currency][1] += cents if paid_at is not None else 0
    return [PrizeTotal(c, total, paid) for c, (total, paid) in sorted(owed.items())]


def feedback_received(session: Session, account_id: int) -> list[FeedbackView]:
    """What sponsors said of the member's work, newest first."""
    return [
        FeedbackView(f.id, f.challenge_id, c.title, c.sponsor_name, f.stars, f.text, f.at)
        for f, c in session.execute(
            sa.select(SponsorFeedback, Challenge)
            .join(Challenge, Challenge.id == SponsorFeedback.challenge_id)
            .where(SponsorFeedback.member_account_id == account_id)
            .order_by(SponsorFeedback.at.desc(), SponsorFeedback.id.desc())
        ).all()
    ]


def member_profile(session: Session, principal: Principal, account_id: int) -> MemberProfileView:
    """A member's profile as the principal may read it (see the module docstring)."""
    account = visible_account(session, principal, account_id)
    row = session.get(MemberProfile, account.id)
    feedback = feedback_received(session, account.id)
    stars = [f.stars for f in feedback]
    return MemberProfileView(
        account_id=account.id,
        display_name=row.display_name if row else f"member {account.id}",
        headline=row.headline if row else "",
        skills=list(row.skills) if row else [],
        availability=row.availability if row else "unavailable",
        listed=bool(row and row.listed),
        is_me=account.id == principal.account_id,
        rating=current_ratings(session, [account.id]).get(account.id),
        history=_history(session, account.id),
        tally=tallies(session, [account.id])[account.id],
        results=_results(session, account.id),
        prizes=_prizes(session, account.id),
        badges=member_badges(session, account.org_id, account.id),
        feedback=feedback,
        mean_stars=round(sum(stars) / len(stars), 2) if stars else None,
        classic=_classic(session, account.org_id, account.id),
    )


def _classic(session: Session, org_id: int, account_id: int) -> ClassicRating | None:
    history = classic_ratings(session, org_id).get(account_id)
    return history[-1] if history else None
