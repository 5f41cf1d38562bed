"""The 9-box of a round and calibration sessions.

The computed cell of each candidate comes from the evidence (performance and potential
axes of the round). In a calibration session HR, or a manager for people in their own
reporting line, moves a person to another cell; a move needs a reason and is logged, and
the latest move wins. The session's shift (how many moved up or down, per department and
overall) is recomputed on every read, so the room sees it change as moves are made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.store.tables.talent import CalibrationMove, CalibrationSession, PromotionRound
from renown.talent.board import (
    BoardRow,
    board_rows,
    computed_boxes,
    evidence_of,
    published_row,
)
from renown.talent.calibration_seen import check_seen_cell
from renown.talent.frozen import round_keys
from renown.talent.ninebox import BOX_NAMES, Box, GroupShift, grid_counts, session_shift
from renown.talent.rounds import (
    candidate_ids,
    locked_open_round,
    managed_candidate_ids,
    open_round_for_change,
    reason_text,
    visible_round,
)


def _may_calibrate(session: Session, principal: Principal, round_: PromotionRound) -> set[int]:
    """Candidates the principal may move: everyone for HR, own reports for a manager."""
    if principal.sees_everyone:
        return set(candidate_ids(session, round_.id))
    if principal.role is Role.MANAGER:
        return managed_candidate_ids(session, principal, round_.id)
    raise NotAllowed("only HR and managers calibrate")


def _session_of(session: Session, round_: PromotionRound, session_id: int) -> CalibrationSession:
    found = session.get(CalibrationSession, session_id)
    if found is None or found.round_id != round_.id:
        raise NotFound(f"no calibration session {session_id}")
    return found


def check_open_session(
    session: Session, principal: Principal, round_id: int, name: str, *, clock: Clock
) -> CalibrationSession:
    """HR opens a calibration session on an open round."""
    round_ = open_round_for_change(session, principal, round_id)
    label = name.strip()
    if not label or len(label) > 200:
        raise Invalid("a session's name must be 1 to 200 characters")
    now = clock.now()
    calibration = CalibrationSession(
        round_id=round_.id, name=label, opened_by=principal.actor, opened_at=now
    )
    session.add(calibration)
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.calibration.open",
        subject=f"round:{round_.id}",
        payload={"session": calibration.id, "name": label},
        at=now,
    )
    return calibration


def check_close_session(
    session: Session, principal: Principal, round_id: int, session_id: int, *, clock: Clock
) -> CalibrationSession:
    """HR closes a session: its moves stay, no more can be made in it."""
    round_ = open_round_for_change(session, principal, round_id)
    calibration = _session_of(session, round_, session_id)
    if calibration.closed_at is not None:
        raise Invalid("this session is already closed")
    now = clock.now()
    calibration.closed_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.calibration.close",
        subject=f"round:{round_.id}",
        payload={"session": calibration.id},
        at=now,
    )
    return calibration


def moves_of(
    session: Session, round_id: int, *, before_session: int | None = None
) -> list[CalibrationMove]:
    query = sa.select(CalibrationMove).where(CalibrationMove.round_id == round_id)
    if before_session is not None:
        query = query.where(CalibrationMove.session_id < before_session)
    return list(session.scalars(query.order_by(CalibrationMove.moved_at, CalibrationMove.id)))


def current_boxes(
    computed: Mapping[int, Box | None], moves: list[CalibrationMove]
) -> dict[int, Box]:
    """Computed cells overridden by the moves (in order: the latest move wins)."""
    boxes = {pid: box for pid, box in computed.items() if box is not None}
    for move in moves:
        boxes[move.person_id] = (move.to_performance, move.to_potential)
    return boxes


def boxes_now(session: Session, round_: PromotionRound) -> dict[int, Box]:
    """Every placed candidate's cell now: computed from the evidence, then moved."""
    evidenced = evidence_of(session, round_, round_keys(round_))
    return current_boxes(computed_boxes(round_, evidenced), moves_of(session, round_.id))


def movable_boxes(
    session: Session, principal: Principal, round_id: int
) -> tuple[PromotionRound, dict[int, Box]]:
    """The candidates the principal may move now (HR: everyone placed; a manager: the
    placed people of their reporting line; nobody once the round is decided), by cell."""
    round_ = visible_round(session, principal, round_id)
    allowed = _may_calibrate(session, principal, round_)
    if round_.status != "open":
        return round_, {}
    return round_, {pid: box for pid, box in boxes_now(session, round_).items() if pid in allowed}


def check_move(
    session: Session,
    principal: Principal,
    round_id: int,
    session_id: int,
    person_id: int,
    to_box: Box,
    reason: str,
    *,
    clock: Clock,
    seen: Box | None = None,
) -> CalibrationMove:
    """Move a candidate to another cell in an open session (reason required, logged).

    ``seen`` is the cell the mover saw the person in: when someone moved them since, the
    move is refused (:func:`~renown.talent.calibration_seen.check_seen_cell`)."""
    round_ = locked_open_round(session, principal, visible_round(session, principal, round_id).id)
    allowed = _may_calibrate(session, principal, round_)
    if person_id not in allowed:
        raise NotFound(f"no candidate {person_id} you may calibrate")
    calibration = _session_of(session, round_, session_id)
    if calibration.closed_at is not None:
        raise Invalid("this calibration session is closed")
    if to_box not in BOX_NAMES:
        raise Invalid("a 9-box cell is a performance and a potential level, each 1 to 3")
    why = reason_text(reason, "a reason for the move")
    from_box = boxes_now(session, round_).get(person_id)
    if from_box is None:
        raise Invalid("this candidate has no 9-box cell yet: performance or potential is missing")
    now = clock.now()
    check_seen_cell(session, principal, round_.id, person_id, seen, from_box, now=now)
    if from_box == to_box:
        raise Invalid("the candidate is already in that cell")
    move = CalibrationMove(
        session_id=calibration.id,
        round_id=round_.id,
        person_id=person_id,
        from_performance=from_box[0],
        from_potential=from_box[1],
        to_performance=to_box[0],
        to_potential=to_box[1],
        reason=why,
        moved_by=principal.actor,
        moved_at=now,
    )
    session.add(move)
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.calibration.move",
        subject=f"round:{round_.id}",
        payload={
            "session": calibration.id,
            "person": person_id,
            "from": list(from_box),
            "to": list(to_box),
            "reason": why,
        },
        at=now,
    )
    return move


@dataclass(frozen=True)
class MoveView:
    """A logged move, for the session's list."""

    id: int
    session_id: int
    person_id: int
    name: str
    from_box: Box
    to_box: Box
    reason: str
    moved_by: str
    moved_at: datetime


@dataclass(frozen=True)
class NineBox:
    """A round's 9-box as the principal may see it, and the open session's shift."""

    round: PromotionRound
    rows: tuple[BoardRow, ...]
    """Candidates the principal may see, with their current cell (``box``)."""
    computed: dict[int, Box | None]
    counts: dict[Box, int]
    sessions: tuple[CalibrationSession, ...]
    active: CalibrationSession | None
    moves: tuple[MoveView, ...]
    """Moves of the active session (all of the round when none is active)."""
    shift: tuple[GroupShift, ...]
    movable: frozenset[int]


def nine_box(
    session: Session, principal: Principal, round_id: int, *, session_id: int | None = None
) -> NineBox:
    """The 9-box: HR sees every candidate, a manager their own reports."""
    round_ = visible_round(session, principal, round_id)
    allowed = _may_calibrate(session, principal, round_)
    sessions = tuple(
        session.scalars(
            sa.select(CalibrationSession)
            .where(CalibrationSession.round_id == round_.id)
            .order_by(CalibrationSession.opened_at, CalibrationSession.id)
        )
    )
    active: CalibrationSession | None
    if session_id is not None:
        active = _session_of(session, round_, session_id)
    else:
        active = next((s for s in reversed(sessions) if s.closed_at is None), None)
    evidenced = evidence_of(session, round_, round_keys(round_))
    computed = computed_boxes(round_, evidenced)
    all_moves = moves_of(session, round_.id)
    now_boxes = current_boxes(computed, all_moves)
    rows, _, _ = board_rows(session, round_, full=True, boxes=now_boxes, evidenced=evidenced)
    visible_rows = tuple(r for r in rows if r.person_id in allowed)
    if not principal.sees_everyone:
        # A manager calibrates cells: the rank and the composite are HR's (next to a
        # published ranking they would give away hidden scores), and so is the evidence
        # a published ranking withholds.
        visible_rows = tuple(
            replace(
                published_row(r, public_profile=False),
                rank=None,
                recommended=False,
                box=r.box,
            )
            for r in visible_rows
        )
    names = {r.person_id: r.name for r in rows}
    groups = {r.person_id: r.department or "no department" for r in visible_rows}
    if active is not None:
        before = current_boxes(computed, moves_of(session, round_.id, before_session=active.id))
        upto = [m for m in all_moves if m.session_id <= active.id]
        after = current_boxes(computed, upto)
        session_moves = [m for m in all_moves if m.session_id == active.id]
    else:
        before = {pid: box for pid, box in computed.items() if box is not None}
        after = now_boxes
        session_moves = all_moves
    visible_before = {pid: box for pid, box in before.items() if pid in allowed}
    visible_after = {pid: box for pid, box in after.items() if pid in allowed}
    moves = tuple(
        MoveView(
            id=m.id,
            session_id=m.session_id,
            person_id=m.person_id,
            name=names.get(m.person_id, f"person {m.person_id}"),
            from_box=(m.from_performance, m.from_potential),
            to_box=(m.to_performance, m.to_potential),
            reason=m.reason,
            moved_by=m.moved_by,
            moved_at=m.moved_at,
        )
        for m in session_moves
        if m.person_id in allowed
    )
    return NineBox(
        round=round_,
        rows=visible_rows,
        computed={pid: computed.get(pid) for pid in allowed},
        counts=grid_counts({pid: b for pid, b in now_boxes.items() if pid in allowed}),
        sessions=sessions,
        active=active,
        moves=moves,
        shift=tuple(session_shift(visible_before, visible_after, groups)),
        movable=frozenset(allowed) if round_.status == "open" else frozenset(),
    )


def board_version(session: Session, principal: Principal, round_id: int, session_id: int) -> str:
    """A token that changes whenever the 9-box the principal sees in a session may have:
    a move of someone they may calibrate, the session closing, the round being decided.

    Everyone in the room polls while a session is open; an unchanged token answers the
    poll without drawing anything (one small count, not the whole 9-box). A manager's
    token counts the moves of their own line only, so it says nothing of the others.
    """
    round_ = visible_round(session, principal, round_id)
    calibration = _session_of(session, round_, session_id)
    moves = sa.select(sa.func.count(CalibrationMove.id), sa.func.max(CalibrationMove.id)).where(
        CalibrationMove.round_id == round_.id
    )
    if not principal.sees_everyone:
        allowed = _may_calibrate(session, principal, round_)
        moves = moves.where(CalibrationMove.person_id.in_(sorted(allowed)))
    count, last = session.execute(moves).one()
    state = "closed" if calibration.closed_at is not None else "open"
    return f"{count}.{last or 0}.{state}.{round_.status}"
