"""The 9-box grid: performance against potential, each cut into three fixed levels.

Levels come from fixed thirds of the 0..100 point scale, never from percentiles of the pool,
so a person's box does not change because colleagues joined or left the round:
1 (low) below 100/3, 2 (moderate) below 200/3, otherwise 3 (high). An axis is the mean of
the points of its criteria that the person has; with none of them the person is not placed
(a gap is not a low score).

A calibration session moves people between boxes; :func:`session_shift` summarises those
moves per group (department, say) so a reviewer can see whether one group was moved up or
down more than others. "Up" and "down" compare the sum of the two levels; a move that
keeps the sum (more potential, less performance) is "sideways".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from renown.talent.composite import MAX_POINTS, MIN_POINTS

Box = tuple[int, int]
"""(performance level, potential level), each 1..3."""

LEVEL_NAMES = ("low", "moderate", "high")
"""Name of level 1, 2 and 3."""

BOX_NAMES: Mapping[Box, str] = {
    (1, 1): "Talent risk",
    (2, 1): "Effective",
    (3, 1): "Trusted professional",
    (1, 2): "Inconsistent",
    (2, 2): "Core player",
    (3, 2): "High performer",
    (1, 3): "Rough diamond",
    (2, 3): "Growth",
    (3, 3): "Star",
}

BOXES: tuple[Box, ...] = tuple((perf, pot) for pot in (1, 2, 3) for perf in (1, 2, 3))
"""All nine boxes, low potential row first, low performance first within a row."""

EVERYONE = "everyone"
"""Group name of the first row of :func:`session_shift` (all people)."""

UNASSIGNED = "unassigned"
"""Group of people :func:`session_shift` finds no group for."""


def level(points: float | None) -> int | None:
    """Level 1..3 of an axis from its points 0..100 (``None`` stays ``None``: not placed).

    Raises
    ------
    ValueError
        When ``points`` is outside [0, 100] or NaN.
    """
    if points is None:
        return None
    if not MIN_POINTS <= points <= MAX_POINTS:
        raise ValueError(f"points must be within [0, 100], got {points}")
    if points < MAX_POINTS / 3:
        return 1
    if points < 2 * MAX_POINTS / 3:
        return 2
    return 3


def axis_points(
    points: Mapping[str, Mapping[int, float | None]], keys: Sequence[str], person_id: int
) -> float | None:
    """Mean of the points the person has among ``keys`` (``None`` when they have none)."""
    present = [value for key in keys if (value := points.get(key, {}).get(person_id)) is not None]
    if not present:
        return None
    return sum(present) / len(present)


def place(performance: float | None, potential: float | None) -> Box | None:
    """The box of a person from their two axis points, or ``None`` when either is missing."""
    performance_level, potential_level = level(performance), level(potential)
    if performance_level is None or potential_level is None:
        return None
    return (performance_level, potential_level)


def grid_counts(boxes: Mapping[int, Box]) -> dict[Box, int]:
    """People per box, with all nine boxes present (empty ones at 0)."""
    counts = dict.fromkeys(BOXES, 0)
    for box in boxes.values():
        if box not in counts:
            raise ValueError(f"not a 9-box box: {box}")
        counts[box] += 1
    return counts


@dataclass(frozen=True, slots=True)
class GroupShift:
    """How a calibration session moved one group.

    ``n`` counts the group's people placed before or after; someone placed on one side only
    (a move that placed a person the data could not) appears in that side's box counts but
    is neither moved nor unmoved, since their move has no direction. ``moved`` is
    ``up + down + sideways``; ``net`` is the total change in the level sums.
    """

    group: str
    n: int
    moved: int
    up: int
    down: int
    sideways: int
    net: int
    before: Mapping[Box, int]
    after: Mapping[Box, int]


def _shift(
    group: str, people: Sequence[int], before: Mapping[int, Box], after: Mapping[int, Box]
) -> GroupShift:
    up = down = sideways = net = 0
    for person in people:
        old, new = before.get(person), after.get(person)
        if old is None or new is None or old == new:
            continue
        change = sum(new) - sum(old)
        net += change
        if change > 0:
            up += 1
        elif change < 0:
            down += 1
        else:
            sideways += 1
    return GroupShift(
        group=group,
        n=len(people),
        moved=up + down + sideways,
        up=up,
        down=down,
        sideways=sideways,
        net=net,
        before=grid_counts({person: before[person] for person in people if person in before}),
        after=grid_counts({person: after[person] for person in people if person in after}),
    )


def session_shift(
    before: Mapping[int, Box], after: Mapping[int, Box], groups: Mapping[int, str]
) -> list[GroupShift]:
    """Moves of a calibration session, overall and per group.

    Parameters
    ----------
    before:
        Boxes computed from the data, by person_id.
    after:
        Boxes once the session's moves apply (latest move per person wins).
    groups:
        Group of each person; people absent from it go to :data:`UNASSIGNED`.

    Returns
    -------
    list of GroupShift
        First :data:`EVERYONE`, then one row per group sorted by name.
    """
    people = sorted(set(before) | set(after))
    by_group: dict[str, list[int]] = {}
    for person in people:
        by_group.setdefault(groups.get(person, UNASSIGNED), []).append(person)
    rows = [_shift(EVERYONE, people, before, after)]
    rows.extend(_shift(name, by_group[name], before, after) for name in sorted(by_group))
    return rows
