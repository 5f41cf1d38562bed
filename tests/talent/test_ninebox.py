"""9-box levels, placement and calibration shifts on hand-countable examples."""

from __future__ import annotations

import math

import pytest

from renown.talent.ninebox import (
    BOX_NAMES,
    LEVEL_NAMES,
    Box,
    GroupShift,
    axis_points,
    grid_counts,
    level,
    place,
    session_shift,
)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (None, None),
        (0.0, 1),
        (33.33, 1),
        (33.333333333333, 1),
        (100 / 3, 2),
        (33.34, 2),
        (66.66, 2),
        (66.666666666666, 2),
        (200 / 3, 3),
        (66.67, 3),
        (100.0, 3),
    ],
)
def test_level_boundaries_are_fixed_thirds(points: float | None, expected: int | None) -> None:
    assert level(points) == expected


@pytest.mark.parametrize("points", [-0.01, 100.01, math.nan])
def test_level_rejects_points_off_the_scale(points: float) -> None:
    with pytest.raises(ValueError, match="within"):
        level(points)


def test_place_and_names() -> None:
    assert place(80, 20) == (3, 1)
    assert BOX_NAMES[(3, 1)] == "Trusted professional"
    assert BOX_NAMES[place(10, 90) or (0, 0)] == "Rough diamond"
    assert BOX_NAMES[place(50, 50) or (0, 0)] == "Core player"
    assert place(None, 50) is None and place(50, None) is None
    assert len(BOX_NAMES) == 9 and LEVEL_NAMES == ("low", "moderate", "high")


def test_axis_points_is_the_mean_of_present_criteria() -> None:
    points: dict[str, dict[int, float | None]] = {
        "performance": {1: 80, 2: None},
        "feedback": {1: 50, 2: None},
    }
    assert axis_points(points, ["performance", "feedback", "absent"], 1) == 65
    assert axis_points(points, ["performance", "feedback"], 2) is None
    assert axis_points(points, ["feedback"], 3) is None


def test_grid_counts_has_all_nine_boxes() -> None:
    counts = grid_counts({1: (3, 3), 2: (3, 3), 3: (1, 2)})
    assert set(counts) == set(BOX_NAMES)
    assert counts[(3, 3)] == 2 and counts[(1, 2)] == 1 and sum(counts.values()) == 3
    with pytest.raises(ValueError, match="not a 9-box box"):
        grid_counts({1: (4, 1)})


def counts(**boxes: int) -> dict[Box, int]:
    """All nine boxes at 0 except ``b<perf><pot>=count``."""
    grid = dict.fromkeys(BOX_NAMES, 0)
    for name, count in boxes.items():
        grid[(int(name[1]), int(name[2]))] = count
    return grid


def test_session_shift_per_group() -> None:
    # person  group     before  after   sum change
    #   1     Sales     (2,2)   (3,2)   +1 up
    #   2     Sales     (2,2)   (1,3)    0 sideways
    #   3     Eng       (3,3)   (2,2)   -2 down
    #   4     Eng       (1,1)   (1,1)    unmoved
    #   5     (none)    (2,1)   (2,3)   +2 up  -> "unassigned"
    #   6     Eng         -     (3,3)    placed only by the session: counted, not moved
    before: dict[int, Box] = {1: (2, 2), 2: (2, 2), 3: (3, 3), 4: (1, 1), 5: (2, 1)}
    after: dict[int, Box] = {1: (3, 2), 2: (1, 3), 3: (2, 2), 4: (1, 1), 5: (2, 3), 6: (3, 3)}
    groups = {1: "Sales", 2: "Sales", 3: "Eng", 4: "Eng", 6: "Eng"}
    rows = session_shift(before, after, groups)
    assert [row.group for row in rows] == ["everyone", "Eng", "Sales", "unassigned"]
    everyone, eng, sales, unassigned = rows
    assert everyone == GroupShift(
        group="everyone",
        n=6,
        moved=4,
        up=2,
        down=1,
        sideways=1,
        net=1,
        before=counts(b22=2, b33=1, b11=1, b21=1),
        after=counts(b32=1, b13=1, b22=1, b11=1, b23=1, b33=1),
    )
    assert (eng.n, eng.moved, eng.up, eng.down, eng.sideways, eng.net) == (3, 1, 0, 1, 0, -2)
    assert eng.before == counts(b33=1, b11=1)
    assert eng.after == counts(b22=1, b11=1, b33=1)
    assert (sales.n, sales.moved, sales.up, sales.down, sales.sideways, sales.net) == (
        2,
        2,
        1,
        0,
        1,
        1,
    )
    assert (unassigned.n, unassigned.up, unassigned.net) == (1, 1, 2)


def test_session_without_moves_is_all_zero() -> None:
    boxes: dict[int, Box] = {1: (1, 1), 2: (3, 2)}
    (everyone, group) = session_shift(boxes, boxes, {1: "A", 2: "A"})
    assert (everyone.n, everyone.moved, everyone.net) == (2, 0, 0)
    assert group.group == "A" and group.before == group.after
