"""A sponsor's word on a member's work: one to five stars and a text, on the profile.

Rules, and why:

* Only the **sponsor** of a **completed** challenge gives it (not an administrator in its
  name: the profile shows it as the sponsor's judgement), and only to a member who
  **submitted** to it: feedback on work nobody saw would be hearsay.
* **Once per member and challenge** (the table's unique key): a second opinion from the
  same sponsor on the same work would only weigh it twice.
* **Editable for :data:`EDIT_DAYS` days**, then fixed. A sponsor may correct a typo or a
  hasty judgement while the challenge is fresh; after that the member's profile can be
  relied on not to change behind their back (a sponsor could otherwise rewrite praise
  into blame months later). Each version is audited (stars, not the text), and the member
  is notified of the first and of every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.access import challenge_for
from renown.core.errors import Invalid, NotAllowed
from renown.core.text import text_problem
from renown.notify.inapp import do_notify
from renown.store.tables.challenges import ChallengeSubmission, SponsorFeedback

EDIT_DAYS: Final = 14
MAX_TEXT: Final = 5000


@dataclass(frozen=True, slots=True)
class FeedbackGiven:
    """The feedback as stored."""

    id: int
    challenge_id: int
    member_account_id: int
    stars: int
    text: str
    at: datetime
    edited: bool
    """Whether this replaced earlier feedback."""
    editable_until: datetime


def check_give_feedback(
    session: Session,
    principal: Principal,
    challenge_id: int,
    member_account_id: int,
    *,
    stars: int,
    text: str,
    now: datetime,
) -> FeedbackGiven:
    """Give (or, within :data:`EDIT_DAYS` days, change) feedback on a member's work.

    Raises
    ------
    NotFound
        No such challenge visible to the principal.
    NotAllowed
        The principal is not the challenge's sponsor.
    Invalid
        The challenge is not completed, the member did not submit, stars outside 1-5,
        an empty or too long text, or the feedback is older than :data:`EDIT_DAYS` days.
    """
    challenge = challenge_for(session, principal, challenge_id)
    if challenge.sponsor_account_id != principal.account_id:
        raise NotAllowed("only the challenge's sponsor gives feedback on its submissions")
    if challenge.completed_at is None:
        raise Invalid("feedback is given once the challenge is completed")
    submitted = session.scalar(
        sa.select(ChallengeSubmission.id)
        .where(
            ChallengeSubmission.challenge_id == challenge.id,
            ChallengeSubmission.account_id == member_account_id,
        )
        .limit(1)
    )
    if submitted is None:
        raise Invalid("feedback goes to members who submitted to the challenge")
    if isinstance(stars, bool) or not 1 <= stars <= 5:
        raise Invalid("stars are 1 to 5")
    body = text.strip()
    if not body or len(body) > MAX_TEXT:
        raise Invalid(f"the feedback must be 1 to {MAX_TEXT:,} characters")
    problem = text_problem(body, multiline=True)
    if problem is not None:
        raise Invalid(f"the feedback {problem}")
    row = session.scalar(
        sa.select(SponsorFeedback).where(
            SponsorFeedback.challenge_id == challenge.id,
            SponsorFeedback.member_account_id == member_account_id,
        )
    )
    edited = row is not None
    if row is None:
        row = SponsorFeedback(
            challenge_id=challenge.id,
            sponsor_account_id=principal.account_id,
            member_account_id=member_account_id,
            at=now,
        )
        session.add(row)
    elif row.at + timedelta(days=EDIT_DAYS) <= now:
        raise Invalid(f"feedback can be changed for {EDIT_DAYS} days; this one is now fixed")
    row.stars = stars
    row.text = body
    session.flush()
    do_notify(
        session,
        org_id=principal.org_id,
        kind="challenge.feedback",
        text=(
            f"The sponsor of “{challenge.title}” "
            + ("changed their feedback on your work." if edited else "gave feedback on your work.")
        ),
        now=now,
        account_id=member_account_id,
        link=f"/members/{member_account_id}",
    )
    audit.append_by(
        session,
        principal,
        "challenge.feedback.edit" if edited else "challenge.feedback",
        subject=f"account:{member_account_id}",
        payload={"challenge_id": challenge.id, "stars": stars},
        at=now,
    )
    return FeedbackGiven(
        id=row.id,
        challenge_id=challenge.id,
        member_account_id=member_account_id,
        stars=stars,
        text=body,
        at=row.at,
        edited=edited,
        editable_until=row.at + timedelta(days=EDIT_DAYS),
    )


def feedback_given_on(
    session: Session, principal: Principal, challenge_id: int
) -> dict[int, FeedbackGiven]:
    """The sponsor's feedback on a challenge's members, by member account (for its page)."""
    challenge = challenge_for(session, principal, challenge_id)
    if challenge.sponsor_account_id != principal.account_id:
        raise NotAllowed("only the challenge's sponsor sees the feedback it gave")
    return {
        f.member_account_id: FeedbackGiven(
            f.id,
            challenge.id,
            f.member_account_id,
            f.stars,
            f.text,
            f.at,
            False,
            f.at + timedelta(days=EDIT_DAYS),
        )
        for f in session.scalars(
            sa.select(SponsorFeedback).where(SponsorFeedback.challenge_id == challenge.id)
        )
    }
