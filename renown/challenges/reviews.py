"""Reviews on the challenge's scorecard, and appeals against single answers.

Each reviewer scores every member's counted (last) submission during the review; they may
revise a scorecard until the review closes. In the appeals window a member may appeal any
answer of a review of their submission, once per answer, saying why; the reviewer answers
each appeal (upheld with a new value, or denied, with a reason) during the window or after
it, and the challenge waits for every answer before its winners follow. Members never learn
which reviewer wrote which scorecard: they read "Reviewer 1", "Reviewer 2".
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.access import challenge_for, challenge_phase, counted_submissions, runs
from renown.challenges.judging import parse_scorecard, review_score
from renown.challenges.phases import Phase, require_phase
from renown.challenges.roles import OPERATORS
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.text import text_problem
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
)

MAX_COMMENT: Final = 5000
MAX_APPEAL: Final = 2000


def _text(value: str, name: str, high: int, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise Invalid(f"{name} is required")
    if len(text) > high:
        raise Invalid(f"{name} holds at most {high:,} characters")
    problem = text_problem(text, multiline=True)
    if problem is not None:
        raise Invalid(f"{name}: {problem}")
    return text


def _reviewer_of(session: Session, principal: Principal, challenge_id: int) -> Challenge:
    challenge = challenge_for(session, principal, challenge_id)
    if session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is None:
        raise NotAllowed("only the challenge's reviewers review its submissions")
    return challenge


def check_review(
    session: Session,
    principal: Principal,
    challenge_id: int,
    submission_id: int,
    *,
    answers: dict[str, object],
    comment: str,
    now: datetime,
) -> float:
    """Fill (or revise) the reviewer's scorecard for a counted submission; its score."""
    challenge = _reviewer_of(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), {Phase.REVIEW}, "Reviewing")
    if now >= challenge.review_ends_at and _has_review(session, principal, submission_id):
        raise Invalid("the review has closed: scorecards already filled can no longer change")
    counted = {s.id for s in counted_submissions(session, challenge)}
    if submission_id not in counted:
        raise NotFound(f"submission {submission_id} is not one this challenge reviews")
    questions = parse_scorecard(challenge.scorecard)
    score = review_score(questions, answers)
    text = _text(comment, "comment", MAX_COMMENT, required=False)
    clean = {q.key: float(answers[q.key]) for q in questions}  # type: ignore[arg-type]
    review = session.scalar(
        sa.select(ChallengeReview).where(
            ChallengeReview.submission_id == submission_id,
            ChallengeReview.reviewer_account_id == principal.account_id,
        )
    )
    if review is None:
        review = ChallengeReview(
            challenge_id=challenge.id,
            submission_id=submission_id,
            reviewer_account_id=principal.account_id,
            submitted_at=now,
            score=score,
            updated_at=now,
        )
        session.add(review)
    review.answers = clean
    review.comment = text
    review.score = score
    review.updated_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "challenge.review",
        subject=f"challenge:{challenge.id}",
        payload={"submission_id": submission_id, "score": score},
        at=now,
    )
    return score


def _has_review(session: Session, principal: Principal, submission_id: int) -> bool:
    return (
        session.scalar(
            sa.select(ChallengeReview.id).where(
                ChallengeReview.submission_id == submission_id,
                ChallengeReview.reviewer_account_id == principal.account_id,
            )
        )
        is not None
    )


def check_appeal(
    session: Session,
    principal: Principal,
    challenge_id: int,
    review_id: int,
    *,
    question: str,
    text: str,
    now: datetime,
) -> int:
    """Appeal one answer of a review of the principal's own submission; the appeal's id."""
    challenge = challenge_for(session, principal, challenge_id)
    review = session.get(ChallengeReview, review_id)
    submission = (
        session.get(ChallengeSubmission, review.submission_id) if review is not None else None
    )
    if (
        review is None
        or submission is None
        or review.challenge_id != challenge.id
        or submission.account_id != principal.account_id
    ):
        raise NotFound(f"no review {review_id} of your submission")
    require_phase(challenge_phase(session, challenge, now), {Phase.APPEALS}, "Appealing")
    if question not in review.answers:
        raise Invalid(f"the scorecard has no question {question[:64]!r}")
    exists = session.scalar(
        sa.select(ChallengeAppeal.id).where(
            ChallengeAppeal.review_id == review.id, ChallengeAppeal.question == question
        )
    )
    if exists is not None:
        raise Invalid("this answer has already been appealed")
    appeal = ChallengeAppeal(
        challenge_id=challenge.id,
        review_id=review.id,
        question=question,
        text=_text(text, "the appeal", MAX_APPEAL, required=True),
        raised_at=now,
        previous_value=float(review.answers[question]),
    )
    session.add(appeal)
    session.flush()
    audit.append_by(
        session,
        principal,
        "challenge.appeal",
        subject=f"challenge:{challenge.id}",
        payload={"review_id": review.id, "question": question},
        at=now,
    )
    return appeal.id


def check_answer_appeal(
    session: Session,
    principal: Principal,
    challenge_id: int,
    appeal_id: int,
    *,
    upheld: bool,
    new_value: float | None,
    response: str,
    now: datetime,
) -> float:
    """The reviewer answers an appeal; an upheld one changes the answer. The review's score."""
    challenge = challenge_for(session, principal, challenge_id)
    appeal = session.get(ChallengeAppeal, appeal_id)
    if appeal is None or appeal.challenge_id != challenge.id:
        raise NotFound(f"no appeal {appeal_id}")
    review = session.get(ChallengeReview, appeal.review_id)
    if review is None:
        raise NotFound(f"no appeal {appeal_id}")
    if review.reviewer_account_id != principal.account_id and principal.role not in OPERATORS:
        raise NotAllowed("the reviewer who wrote the scorecard answers its appeals")
    require_phase(
        challenge_phase(session, challenge, now),
        {Phase.APPEALS, Phase.APPEALS_RESPONSE},
        "Answering an appeal",
    )
    if appeal.answered_at is not None:
        raise Invalid("this appeal has already been answered")
    appeal.response = _text(response, "the response", MAX_APPEAL, required=True)
    appeal.answered_at = now
    if upheld:
        if new_value is None:
            raise Invalid("an upheld appeal needs the new value of the answer")
        answers = dict(review.answers)
        answers[appeal.question] = new_value
        score = review_score(parse_scorecard(challenge.scorecard), answers)
        review.answers = {k: float(v) for k, v in answers.items()}
        review.score = score
        review.updated_at = now
        appeal.outcome = "upheld"
        appeal.new_value = float(new_value)
    else:
        if new_value is not None:
            raise Invalid("a denied appeal keeps the answer: give no new value")
        appeal.outcome = "denied"
    audit.append_by(
        session,
        principal,
        "challenge.appeal.answer",
        subject=f"challenge:{challenge.id}",
        payload={"appeal_id": appeal.id, "outcome": appeal.outcome},
        at=now,
    )
    return review.score


def reviews_visible_to(
    session: Session, principal: Principal, challenge: Challenge, now: datetime
) -> list[ChallengeReview]:
    """The reviews the principal may read: their own (reviewers), all (the sponsor), or
    those of their own counted submission from the appeals on (members)."""
    query = sa.select(ChallengeReview).where(ChallengeReview.challenge_id == challenge.id)
    if runs(principal, challenge):
        return list(session.scalars(query.order_by(ChallengeReview.id)))
    if session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is not None:
        return list(
            session.scalars(
                query.where(ChallengeReview.reviewer_account_id == principal.account_id).order_by(
                    ChallengeReview.id
                )
            )
        )
    phase = challenge_phase(session, challenge, now)
    if phase in {Phase.DRAFT, Phase.SCHEDULED, Phase.REGISTRATION, Phase.SUBMISSION, Phase.REVIEW}:
        return []
    return list(
        session.scalars(
            query.join(ChallengeSubmission, ChallengeSubmission.id == ChallengeReview.submission_id)
            .where(ChallengeSubmission.account_id == principal.account_id)
            .order_by(ChallengeReview.id)
        )
    )
