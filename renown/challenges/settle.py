"""Deciding winners: final standings, the prizes owed, and the members' new ratings.

Run by the worker when a challenge reaches :attr:`Phase.WINNERS` (everything reviewed and
every appeal answered, or an automatic challenge's submissions closed), in one transaction:
either the standings, the ledger, the ratings and the notifications are all written, or
none is. Settling is idempotent: a challenge already completed is left alone.

* Reviewed challenges: the final score is the mean of the reviewers' (post-appeal) scores;
  a submission below the passing score does not place. First-to-finish challenges place the
  passing submissions by time.
* Automatic challenges: the private leaderboard decides (the public one never does).
* Checkpoint prizes go, in order of the final standings, to the members who had submitted
  before the checkpoint and passed.
* Ratings: every ranked member is rated against the others (ties share a rank), when at
  least two members submitted.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.challenges.access import challenge_phase, counted_submissions
from renown.challenges.autoscore import Metric, ordering_value
from renown.challenges.judging import Entry, Standing, combined_score, standings
from renown.challenges.phases import Phase
from renown.challenges.rating_update import SkillEstimate, rate_challenge
from renown.notify.inapp import do_notify
from renown.store.tables.challenges import (
    Challenge,
    ChallengePrize,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeSubmission,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
)


def _entries(session: Session, challenge: Challenge) -> list[Entry]:
    counted = counted_submissions(session, challenge)
    if challenge.metric is not None:
        metric = Metric(challenge.metric)
        return [
            Entry(
                account_id=s.account_id,
                submission_id=s.id,
                submitted_at=s.submitted_at,
                score=None if s.private_score is None else ordering_value(metric, s.private_score),
                passed=s.private_score is not None,
            )
            for s in counted
        ]
    scores: dict[int, list[float]] = {}
    for submission_id, score in session.execute(
        sa.select(ChallengeReview.submission_id, ChallengeReview.score).where(
            ChallengeReview.challenge_id == challenge.id
        )
    ):
        scores.setdefault(submission_id, []).append(score)
    entries = []
    for s in counted:
        final = combined_score(scores.get(s.id, []))
        entries.append(
            Entry(
                account_id=s.account_id,
                submission_id=s.id,
                submitted_at=s.submitted_at,
                score=final,
                passed=final is not None and final >= challenge.passing_score,
            )
        )
    return entries


def _prizes(session: Session, challenge: Challenge, kind: str) -> list[int]:
    return list(
        session.scalars(
            sa.select(ChallengePrize.amount_cents)
            .where(ChallengePrize.challenge_id == challenge.id, ChallengePrize.kind == kind)
            .order_by(ChallengePrize.place)
        )
    )


def _checkpoint_winners(
    session: Session, challenge: Challenge, ranked: list[Standing], count: int
) -> list[int]:
    if challenge.checkpoint_at is None or count == 0:
        return []
    early = set(
        session.scalars(
            sa.select(ChallengeSubmission.account_id).where(
                ChallengeSubmission.challenge_id == challenge.id,
                ChallengeSubmission.submitted_at < challenge.checkpoint_at,
            )
        )
    )
    eligible = [
        s.entry.account_id for s in ranked if s.entry.passed and s.entry.account_id in early
    ]
    return eligible[:count]


def _rate(session: Session, challenge: Challenge, ranked: list[Standing], now: datetime) -> None:
    if len(ranked) < 2:
        return
    accounts = [s.entry.account_id for s in ranked]
    current = {
        r.account_id: r
        for r in session.scalars(sa.select(SkillRating).where(SkillRating.account_id.in_(accounts)))
    }
    priors = [
        SkillEstimate(current[a].mu, current[a].sigma) if a in current else SkillEstimate()
        for a in accounts
    ]
    # Equal final scores are ties for the rating, whatever order the tie-break gave them.
    ranks: list[int] = []
    for index, standing in enumerate(ranked):
        previous = ranked[index - 1] if index else None
        same = previous is not None and previous.entry.score == standing.entry.score
        ranks.append(ranks[-1] if same else index + 1)
    for account_id, rank, after in zip(accounts, ranks, rate_challenge(priors, ranks), strict=True):
        row = current.get(account_id)
        if row is None:
            row = SkillRating(account_id=account_id, org_id=challenge.org_id, contests=0)
            session.add(row)
        row.mu, row.sigma = after.mu, after.sigma
        row.contests = (row.contests or 0) + 1
        row.updated_at = now
        session.add(
            RatingHistory(
                account_id=account_id,
                challenge_id=challenge.id,
                mu=after.mu,
                sigma=after.sigma,
                rank=rank,
                at=now,
            )
        )


def do_settle(session: Session, challenge: Challenge, now: datetime) -> bool:
    """Record winners, prizes and ratings of a challenge in its winners phase; True if done."""
    if (
        challenge.completed_at is not None
        or challenge_phase(session, challenge, now) is not Phase.WINNERS
    ):
        return False
    placements = _prizes(session, challenge, "placement")
    ranked = standings(
        _entries(session, challenge), len(placements), by_time=challenge.kind == "first_to_finish"
    )
    for standing in ranked:
        session.add(
            ChallengeResult(
                challenge_id=challenge.id,
                account_id=standing.entry.account_id,
                submission_id=standing.entry.submission_id,
                score=standing.entry.score,
                rank=standing.rank,
                place=standing.place,
                passed=standing.entry.passed,
                decided_at=now,
            )
        )
        if standing.place is not None:
            _owe(
                session,
                challenge,
                standing.entry.account_id,
                "placement",
                standing.place,
                placements[standing.place - 1],
                now,
            )
    checkpoints = _prizes(session, challenge, "checkpoint")
    for place, account_id in enumerate(
        _checkpoint_winners(session, challenge, ranked, len(checkpoints)), start=1
    ):
        _owe(session, challenge, account_id, "checkpoint", place, checkpoints[place - 1], now)
    _rate(session, challenge, ranked, now)
    challenge.completed_at = now
    challenge.phase = Phase.COMPLETED.value
    _tell_participants(session, challenge, ranked, now)
    audit.append(
        session,
        actor="worker",
        action="challenge.settle",
        subject=f"challenge:{challenge.id}",
        payload={"ranked": len(ranked), "placed": sum(s.place is not None for s in ranked)},
        org_id=challenge.org_id,
        at=now,
    )
    return True


def _owe(
    session: Session,
    challenge: Challenge,
    account_id: int,
    kind: str,
    place: int,
    cents: int,
    now: datetime,
) -> None:
    session.add(
        PrizeLedgerEntry(
            org_id=challenge.org_id,
            challenge_id=challenge.id,
            account_id=account_id,
            kind=kind,
            place=place,
            amount_cents=cents,
            currency=challenge.currency,
            owed_at=now,
        )
    )


def _tell_participants(
    session: Session, challenge: Challenge, ranked: list[Standing], now: datetime
) -> None:
    placed = {s.entry.account_id: s.place for s in ranked}
    registered = session.scalars(
        sa.select(ChallengeRegistration.account_id).where(
            ChallengeRegistration.challenge_id == challenge.id
        )
    )
    for account_id in registered:
        place = placed.get(account_id)
        text = (
            f"You placed {_ordinal(place)} in “{challenge.title}”."
            if place is not None
            else f"The winners of “{challenge.title}” are out."
        )
        do_notify(
            session,
            org_id=challenge.org_id,
            kind="challenge.winners",
            text=text,
            now=now,
            account_id=account_id,
            link=f"/challenges/{challenge.id}",
        )


def _ordinal(place: int) -> str:
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"
