"""Finding the candidate to move on a round's 9-box by part of their name.

The 9-box's move form listed every candidate the viewer may calibrate in one dropdown:
hundreds for HR, and for a manager the whole reporting line, namesakes included. It now
takes the board's searchable picker (:mod:`renown.talent.pool_search` finds the people the
same way), narrowed to the people the viewer may move now, each with their current cell.
HR and managers search (a manager only their own line), as they calibrate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.store.tables.org import Person
from renown.talent.calibration import movable_boxes
from renown.talent.ninebox import Box
from renown.talent.pool_search import (
    MATCHES,
    Matches,
    PersonMatch,
    first_matches,
    one_of,
    people_of,
)


@dataclass(frozen=True)
class MovableMatches:
    """The first candidates matching a search, and the cell each is in now."""

    matches: Matches
    boxes: Mapping[int, Box]


@dataclass(frozen=True)
class Movable:
    """A candidate the viewer may move, and the cell they are in now."""

    person: PersonMatch
    box: Box


def search_movable(
    session: Session, principal: Principal, round_id: int, query: str, *, limit: int = MATCHES
) -> MovableMatches:
    """Candidates the principal may move whose name, title or e-mail contains ``query``.

    A blank query finds nobody; on a decided round nobody may be moved, so none match.
    """
    round_, boxes = movable_boxes(session, principal, round_id)
    movable = people_of(round_, "pool").where(Person.id.in_(sorted(boxes)))
    matches = first_matches(session, movable, query, limit=limit)
    return MovableMatches(matches, {m.id: boxes[m.id] for m in matches.items})


def picked_movable(
    session: Session, principal: Principal, round_id: int, person_id: int
) -> Movable | None:
    """The candidate a picker chose, if the principal may move them now."""
    round_, boxes = movable_boxes(session, principal, round_id)
    if person_id not in boxes:
        return None
    found = one_of(session, people_of(round_, "pool"), person_id)
    return None if found is None else Movable(found, boxes[person_id])
