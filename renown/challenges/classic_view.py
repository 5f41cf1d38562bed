"""The classic (TopCoder-style) rating of members, recomputed from the recorded results.

Cheap for a community's challenge history (one pass over the completed challenges in the
order their winners were recorded), so it is never stored: a profile asks for it when a
member chooses the classic view. See :mod:`renown.challenges.ratings.classic`.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.challenges.ratings.classic import ClassicRating, classic_history
from renown.store.tables.challenges import Challenge, ChallengeResult


def classic_ratings(session: Session, org_id: int) -> dict[int, list[ClassicRating]]:
    """Every member's classic rating after each completed challenge, by account id."""
    rows = session.execute(
        sa.select(
            ChallengeResult.challenge_id,
            ChallengeResult.account_id,
            ChallengeResult.score,
            ChallengeResult.rank,
        )
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .where(Challenge.org_id == org_id, Challenge.completed_at.is_not(None))
        .order_by(Challenge.completed_at, Challenge.id, ChallengeResult.rank)
    ).all()
    contests: dict[int, list[tuple[int, int]]] = defaultdict(list)
    previous: dict[int, tuple[float | None, int]] = {}
    for challenge_id, account_id, score, rank in rows:
        # Equal final scores are ties, as in the Weng-Lin update.
        last = previous.get(challenge_id)
        shared = last is not None and last[0] is not None and last[0] == score
        place = last[1] if shared and last is not None else rank
        previous[challenge_id] = (score, place)
        contests[challenge_id].append((account_id, place))
    return classic_history(contests.values())
