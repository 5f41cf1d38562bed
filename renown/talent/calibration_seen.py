"""What a calibrator saw against the 9-box as stored: a move chosen on a stale grid.

HR and a manager calibrate the same session at once, each in their own browser. A move
used to be applied whatever its mover believed the person's cell to be, so a manager who
chose Omar on a grid that still showed him in Talent risk moved him to Star over the move
HR had made a minute earlier, and nothing said so. A move now carries the cell its mover
saw the person in (``seen``); when the person is somewhere else by then, the move is
refused with who moved them, to which cell and when (a :class:`~renown.core.errors.Stale`:
a form shows the sentence, the API answers 409), and the mover decides again.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal, account_of_actor
from renown.core.dates import format_date
from renown.core.errors import Invalid, Stale
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from renown.store.tables.talent import CalibrationMove
from renown.talent.ninebox import BOX_NAMES, Box

SEEN_FIELD = "performance"
"""The form field a stale move's sentence is tied to: the levels, which come back preset
to the person's cell as it is now."""


def check_seen_cell(
    session: Session,
    principal: Principal,
    round_id: int,
    person_id: int,
    seen: Box | None,
    current: Box,
    *,
    now: datetime,
) -> None:
    """Refuse a move chosen while the person was in ``seen`` when they are in ``current``.

    ``seen`` is ``None`` when the mover did not say (an API client written before moves
    carried it): nothing is checked then.

    Raises
    ------
    Invalid
        When ``seen`` is not a 9-box cell.
    Stale
        When the person is no longer in ``seen``: the sentence names who moved them, to
        which cell and when (or, when no move explains it, where they are now).
    """
    if seen is None or seen == current:
        return
    if seen not in BOX_NAMES:
        raise Invalid("the cell you saw must be a performance and a potential level, each 1 to 3")
    name = person_name(session, person_id)
    last = _last_move(session, round_id, person_id)
    if last is None or (last.to_performance, last.to_potential) != current:
        raise Stale(
            f"{name} is now in {BOX_NAMES[current]}, not {BOX_NAMES[seen]} as your page "
            "showed; check and move again",
            field=SEEN_FIELD,
        )
    mover = "you" if last.moved_by == principal.actor else _actor_name(session, principal, last)
    raise Stale(
        f"{name} was moved to {BOX_NAMES[current]} by {mover} {_when(last.moved_at, now)} "
        "while you were choosing; check and move again",
        field=SEEN_FIELD,
    )


def _last_move(session: Session, round_id: int, person_id: int) -> CalibrationMove | None:
    return session.scalars(
        sa.select(CalibrationMove)
        .where(CalibrationMove.round_id == round_id, CalibrationMove.person_id == person_id)
        .order_by(CalibrationMove.moved_at.desc(), CalibrationMove.id.desc())
        .limit(1)
    ).first()


def person_name(session: Session, person_id: int) -> str:
    """A candidate's name for messages."""
    person = session.get(Person, person_id)
    return person.name if person else f"person {person_id}"


def _actor_name(session: Session, principal: Principal, move: CalibrationMove) -> str:
    """The mover as a colleague knows them: their name, else their account's e-mail (an
    account of another organisation, or none, keeps the audit log's name)."""
    account_id = account_of_actor(move.moved_by)
    if account_id is None:
        return move.moved_by
    found = session.execute(
        sa.select(Account.email, Person.name)
        .outerjoin(Person, Person.id == Account.person_id)
        .where(Account.id == account_id, Account.org_id == principal.org_id)
    ).first()
    if found is None:
        return move.moved_by
    email, name = found
    return str(name or email)


def _when(moved_at: datetime, now: datetime) -> str:
    """``at 21:09 UTC`` today, ``on 07 Dec 2026 at 21:09 UTC`` another day: the room
    knows which day it is, so the day is said only when it is not today."""
    moved_at, now = _utc(moved_at), _utc(now)
    clock = moved_at.strftime("%H:%M UTC")
    if moved_at.date() == now.date():
        return f"at {clock}"
    return f"on {format_date(moved_at)} at {clock}"


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (the store keeps naive UTC; clocks answer aware UTC)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
