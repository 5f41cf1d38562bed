"""Calibration sessions that wait for the viewer, for their home page's to-do list.

A calibration session is open until HR closes it; while it is open on an open round, HR
(every candidate) and each manager with a candidate in their reporting line may move
people in it, exactly the rule of :func:`renown.talent.calibration.nine_box`. Listing the
sessions here, rather than in the home page, keeps that rule with the rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.store.tables.talent import CalibrationSession, PromotionRound
from renown.talent.rounds import manages_candidates


@dataclass(frozen=True)
class WaitingCalibration:
    """An open calibration session the viewer may take part in."""

    session_id: int
    name: str
    round_id: int
    round_name: str
    opened_at: datetime


def calibrations_waiting(session: Session, principal: Principal) -> list[WaitingCalibration]:
    """Open sessions of open rounds where the principal may move someone, oldest first."""
    if not (principal.sees_everyone or principal.role is Role.MANAGER):
        return []
    rows = session.execute(
        sa.select(CalibrationSession, PromotionRound.name)
        .join(PromotionRound, PromotionRound.id == CalibrationSession.round_id)
        .where(
            PromotionRound.org_id == principal.org_id,
            PromotionRound.status == "open",
            CalibrationSession.closed_at.is_(None),
        )
        .order_by(CalibrationSession.opened_at, CalibrationSession.id)
    ).all()
    movable: dict[int, bool] = {}
    waiting = []
    for calibration, round_name in rows:
        round_id = calibration.round_id
        if not principal.sees_everyone:
            if round_id not in movable:
                movable[round_id] = manages_candidates(session, principal, round_id)
            if not movable[round_id]:
                continue
        waiting.append(
            WaitingCalibration(
                calibration.id, calibration.name, round_id, round_name, calibration.opened_at
            )
        )
    return waiting
