"""The worker's challenge tick: record phase changes and settle challenges whose winners are due.

Phases are decided from the clock whenever someone acts (:mod:`renown.challenges.access`);
this tick, run every minute by the worker's scheduler, writes them down so lists and
notifications follow, and settles each challenge that reached its winners phase
(:func:`renown.challenges.settle.do_settle`), one challenge per transaction so one bad
challenge never holds back the others (its error is logged, and the next tick tries again).

Each challenge's transaction starts as a writer's (:func:`renown.store.transaction`): it
waits for its turn behind the web app's writers and any other tick. Settling appends to the
hash-chained audit log and updates members' ratings, so a tick that wrote out of turn would
collide with a concurrent writer on the chain's tail (PostgreSQL) or fail with "database is
locked" (SQLite); and a second tick, waiting its turn, finds the challenge already settled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges.access import challenge_phase
from renown.challenges.phases import OPEN_PHASES, Phase
from renown.challenges.settle import do_settle
from renown.store.engine import transaction
from renown.store.tables.challenges import Challenge

TICK_EVERY_MINUTES = 1
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one tick did."""

    moved: int
    settled: int
    failed: int = 0
    """Challenges whose transaction failed (logged; the next tick tries them again)."""


def tick_challenges(sessions: sessionmaker[Session], now: datetime) -> TickReport:
    """Record every open challenge's phase at ``now`` and settle those whose winners are due."""
    with sessions() as session:
        ids = list(
            session.scalars(
                sa.select(Challenge.id).where(
                    Challenge.phase.in_([p.value for p in OPEN_PHASES]),
                    Challenge.published_at.is_not(None),
                )
            )
        )
    moved = settled = failed = 0
    for challenge_id in ids:
        try:
            with transaction(sessions) as session:
                challenge = session.get(Challenge, challenge_id, with_for_update=True)
                if challenge is None:
                    continue
                phase = challenge_phase(session, challenge, now)
                if phase is Phase.WINNERS and do_settle(session, challenge, now):
                    settled += 1
                    moved += 1
                elif phase.value != challenge.phase:
                    challenge.phase = phase.value
                    moved += 1
        except Exception:
            failed += 1
            logger.exception(
                "challenge %s: recording its phase failed; retried next tick", challenge_id
            )
    return TickReport(moved=moved, settled=settled, failed=failed)
