"""The server-side layout of the network map: one disc per department, best at the centre."""

from __future__ import annotations

import math

import numpy as np

from renown.web.people.network_layout import SPACING, place


def test_departments_are_discs_that_hold_their_people_and_never_overlap() -> None:
    groups = [1] * 300 + [2] * 40 + [None] * 5 + [3] * 40
    names = {1: "Engineering", 2: "Sales", 3: "Design", None: "No department"}
    x, y, discs = place(groups, names)
    assert [disc.key for disc in discs] == [1, 3, 2, None], "largest first, then A to Z"
    at = {disc.key: disc for disc in discs}
    for index, group in enumerate(groups):
        disc = at[group]
        assert math.dist((x[index], y[index]), (disc.x, disc.y)) <= disc.radius
    first = {group: groups.index(group) for group in at}
    for group, index in first.items():
        assert (x[index], y[index]) == (at[group].x, at[group].y)
    for a in discs:
        for b in discs:
            if a is not b:
                assert math.dist((a.x, a.y), (b.x, b.y)) > a.radius + b.radius + SPACING


def test_people_of_a_disc_keep_apart() -> None:
    x, y, _ = place([7] * 500, {7: "Only"})
    gaps = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > SPACING * 0.5
