"""Evidence written straight to the store, so every number a board shows is known: yearly
performance ratings and finished scoring runs of the talent test organisation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.store.tables.talent import PerformanceRating
from tests.talent.conftest import TalentOrg

RATED_AT = datetime(2026, 10, 1, tzinfo=UTC)


def rate(session: Session, org: TalentOrg, ratings: Mapping[str, int]) -> None:
    """A 2026 performance rating (1-5) for each person named."""
    for who, rating in ratings.items():
        session.add(
            PerformanceRating(
                org_id=org.id,
                person_id=org.ids[who],
                period="2026",
                rating=rating,
                created_at=RATED_AT,
            )
        )
    session.flush()


def score_run(
    session: Session,
    org: TalentOrg,
    as_of: datetime,
    scores: Mapping[str, int],
    *,
    finished_at: datetime | None = None,
) -> None:
    """A finished scoring run as of ``as_of`` with these prominence scores, ranked by score."""
    run = ScoringRun(
        org_id=org.id,
        run_key=f"run-{as_of.isoformat()}-{sum(scores.values())}",
        status="done",
        as_of=as_of,
        input_fingerprint="f",
        code_version="t",
        finished_at=finished_at or as_of,
    )
    session.add(run)
    session.flush()
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    for rank, (who, score) in enumerate(ranked, 1):
        session.add(
            ScoreSnapshot(
                run_id=run.id,
                person_id=org.ids[who],
                score=score,
                score_exact=float(score),
                rank=rank,
                trend=None,
            )
        )
    session.flush()
