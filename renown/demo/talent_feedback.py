"""Review-cycle 360 feedback for the demo round's candidates.

A promotion board may use only feedback its readers are allowed to see: named feedback
shared with the manager, or anonymous releases to managers. The demo's everyday feedback
(:mod:`renown.demo.social`) mostly goes to one team, so without this step nearly every
candidate would show the 360 criterion as missing. Here each candidate gets named,
manager-visible feedback from their manager and up to two teammates, given through the real
feedback action in the weeks before the round's date, with 1-5 ratings around a per-person
level (deterministic per employee id) and a comment of its own (from
:func:`renown.demo.texts.feedback_text`, opened so it never equals everyday feedback).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.demo.texts import REVIEW_OPENING, feedback_text
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.frameworks import competency_keys
from renown.feedback.vocabulary import Visibility
from renown.store.tables.org import Person

SEED: Final = 360
PEERS: Final = 2
WINDOW_DAYS: Final = 45


def _giver(person: Person) -> Principal:
    return Principal(0, person.org_id, Role.EMPLOYEE, person.id, person.email or "")


def seed_review_feedback(
    session: Session, org_id: int, candidate_ids: Sequence[int], before: datetime
) -> int:
    """Give each candidate feedback from their manager and up to two teammates; returns how
    many feedback items were given."""
    keys = competency_keys(session, org_id)[:4]
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.org_id == org_id))}
    by_team: dict[int, list[Person]] = {}
    for person in people.values():
        if person.team_id is not None and person.left_on is None:
            by_team.setdefault(person.team_id, []).append(person)
    given = 0
    texts: set[str] = set()
    for candidate_id in candidate_ids:
        candidate = people[candidate_id]
        rng = np.random.default_rng([SEED, zlib.crc32(candidate.employee_id.encode())])
        wording = np.random.default_rng([SEED + 1, zlib.crc32(candidate.employee_id.encode())])
        level = float(np.clip(rng.normal(3.6, 0.55), 2.0, 4.8))
        givers: list[Person] = []
        manager = people.get(candidate.manager_id) if candidate.manager_id else None
        if manager is not None and manager.left_on is None:
            givers.append(manager)
        team = [p for p in by_team.get(candidate.team_id or -1, []) if p.id != candidate.id]
        givers += [p for p in team if p not in givers][:PEERS]
        for giver in givers:
            ratings = {key: int(np.clip(round(level + rng.normal(0, 0.5)), 1, 5)) for key in keys}
            at = before - timedelta(days=int(rng.integers(3, WINDOW_DAYS)), hours=3)
            check_give_feedback(
                session,
                _giver(giver),
                receiver_id=candidate.id,
                answer=Answer(REVIEW_OPENING + feedback_text(wording, keys[:2], texts), ratings),
                visibility=Visibility.MANAGER,
                clock=FixedClock(at),
            )
            given += 1
    return given
