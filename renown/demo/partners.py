"""Vectorised choice of whom each event is addressed to.

Who talks to whom is what prominence measures, so the demo draws targets through a few
mechanisms that mirror how people really communicate: mostly with their own team, then
their department, their manager and reports, and sometimes someone far away, either a
visible person (an executive everyone writes to) or, for bridge people, anyone in another
department. Each mechanism picks for a whole array of actors at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

from renown.demo.hierarchy import Roster

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class Mechanism(IntEnum):
    """How an event's target is chosen; the column order of the probability matrix."""

    TEAM = 0
    MANAGER = 1
    REPORT = 2
    DEPARTMENT = 3
    ATTENTION = 4
    CROSS = 5


class Role(IntEnum):
    """Position in the organisation as far as communication habits go."""

    CONTRIBUTOR = 0
    MANAGER = 1
    DIRECTOR = 2
    HEAD = 3
    CEO = 4
    BRIDGE = 5


MECHANISM_MIX: Final = np.array(
    [
        # team, manager, report, department, attention, cross
        [0.50, 0.10, 0.00, 0.22, 0.15, 0.03],  # contributor
        [0.30, 0.08, 0.22, 0.20, 0.15, 0.05],  # team manager
        [0.15, 0.10, 0.35, 0.20, 0.10, 0.10],  # director
        [0.10, 0.10, 0.30, 0.20, 0.10, 0.20],  # department head
        [0.10, 0.00, 0.50, 0.00, 0.30, 0.10],  # CEO
        [0.15, 0.05, 0.00, 0.10, 0.10, 0.60],  # bridge
    ]
)
"""Probability of each mechanism (columns) by :class:`Role` (rows). Bridges mostly look abroad."""

ATTENTION_BY_LEVEL: Final = np.array([0.0, 1.0, 1.0, 1.0, 2.0, 4.0, 12.0])
"""How much more often people reach out to someone of each level (index = level)."""
CEO_ATTENTION: Final = 80.0


@dataclass(frozen=True, eq=False)
class Groups:
    """People sorted by a group code, so that one uniform draw picks a member.

    A person's group is the contiguous slice ``members[start[g]:start[g] + size[g]]``;
    ``position`` is where each person sits inside their own group's slice.
    """

    code: IntArray
    members: IntArray
    start: IntArray
    size: IntArray
    position: IntArray

    @classmethod
    def of(cls, code: IntArray, groups: int) -> Groups:
        """Index ``code`` (one non-negative group code per person, below ``groups``)."""
        members = np.argsort(code, kind="stable").astype(np.int64)
        size = np.bincount(code, minlength=groups).astype(np.int64)
        start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        position = np.empty(len(code), dtype=np.int64)
        position[members] = np.arange(len(code)) - start[code[members]]
        return cls(code=code, members=members, start=start, size=size, position=position)

    def peer(self, rng: np.random.Generator, people: IntArray) -> IntArray:
        """A uniformly drawn other member of each person's group (groups need 2+ members)."""
        group = self.code[people]
        offset = np.floor(rng.random(len(people)) * (self.size[group] - 1)).astype(np.int64)
        offset += offset >= self.position[people]
        chosen: IntArray = self.members[self.start[group] + offset]
        return chosen

    def member(self, rng: np.random.Generator, group: IntArray) -> IntArray:
        """A uniformly drawn member of each given group (groups must be non-empty)."""
        offset = np.floor(rng.random(len(group)) * self.size[group]).astype(np.int64)
        chosen: IntArray = self.members[self.start[group] + offset]
        return chosen

    def outsider(self, rng: np.random.Generator, people: IntArray) -> IntArray:
        """A uniformly drawn person outside each person's group."""
        group = self.code[people]
        total = len(self.code)
        offset = np.floor(rng.random(len(people)) * (total - self.size[group])).astype(np.int64)
        offset += np.where(offset >= self.start[group], self.size[group], 0)
        return self.members[offset]


@dataclass(frozen=True, eq=False)
class PartnerModel:
    """Everything needed to draw targets for arrays of actors."""

    teams: Groups
    departments: Groups
    reports: Groups
    """Grouped by ``manager + 1``: group ``i + 1`` holds the direct reports of person ``i``."""
    manager: IntArray
    attention_cumulative: FloatArray
    mix: FloatArray
    """Cumulative mechanism probabilities per person, shape ``(people, len(Mechanism))``."""

    @classmethod
    def of(cls, roster: Roster, activity: FloatArray, rng: np.random.Generator) -> PartnerModel:
        """Derive groups, attention weights and mechanism mix from the roster."""
        people = roster.size
        teams = Groups.of(roster.team, int(roster.team.max()) + 1)
        departments = Groups.of(roster.department, len(roster.department_names))
        reports = Groups.of(roster.manager + 1, people + 1)
        level = roster.level
        visibility = ATTENTION_BY_LEVEL[level] * np.where(roster.manager < 0, CEO_ATTENTION, 1.0)
        popularity = rng.lognormal(0.0, 0.8, people) * np.sqrt(activity)
        attention = np.cumsum(visibility * popularity)

        direct_reports = reports.size[1:]
        role = np.full(people, Role.CONTRIBUTOR, dtype=np.int64)
        role[direct_reports > 0] = Role.MANAGER
        role[level == 5] = Role.DIRECTOR
        role[level == 6] = Role.HEAD
        role[roster.manager < 0] = Role.CEO
        role[roster.bridge] = Role.BRIDGE
        mix = MECHANISM_MIX[role]
        feasible = np.column_stack(
            [
                teams.size[roster.team] > 1,
                roster.manager >= 0,
                direct_reports > 0,
                departments.size[roster.department] > 1,
                np.ones(people, dtype=bool),
                departments.size[roster.department] < people,
            ]
        )
        # Mass of a mechanism a person cannot use (no reports, a team of one) goes to attention.
        lost = np.where(feasible, 0.0, mix).sum(axis=1)
        mix = np.where(feasible, mix, 0.0)
        mix[:, Mechanism.ATTENTION] += lost
        mix = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
        return cls(
            teams=teams,
            departments=departments,
            reports=reports,
            manager=roster.manager,
            attention_cumulative=attention,
            mix=mix,
        )

    def visible(self, rng: np.random.Generator, count: int) -> IntArray:
        """Draw ``count`` people in proportion to how much attention they attract."""
        total = self.attention_cumulative[-1]
        picks = np.searchsorted(self.attention_cumulative, rng.random(count) * total, side="right")
        chosen: IntArray = np.minimum(picks, len(self.attention_cumulative) - 1).astype(np.int64)
        return chosen

    def targets(self, rng: np.random.Generator, actors: IntArray) -> IntArray:
        """Draw one target per actor through each actor's mechanism mix; never the actor."""
        draw = rng.random(len(actors))
        mechanism = (draw[:, None] > self.mix[actors]).sum(axis=1)
        mechanism = np.minimum(mechanism, len(Mechanism) - 1)
        target = np.empty(len(actors), dtype=np.int64)
        for kind in Mechanism:
            rows = np.flatnonzero(mechanism == kind)
            who = actors[rows]
            if kind is Mechanism.TEAM:
                target[rows] = self.teams.peer(rng, who)
            elif kind is Mechanism.MANAGER:
                target[rows] = self.manager[who]
            elif kind is Mechanism.REPORT:
                target[rows] = self.reports.member(rng, who + 1)
            elif kind is Mechanism.DEPARTMENT:
                target[rows] = self.departments.peer(rng, who)
            elif kind is Mechanism.CROSS:
                target[rows] = self.departments.outsider(rng, who)
            else:
                chosen = self.visible(rng, len(rows))
                target[rows] = np.where(chosen == who, (chosen + 1) % len(self.manager), chosen)
        return target

    def colleague(self, rng: np.random.Generator, actors: IntArray) -> IntArray:
        """A teammate of each actor; a department peer, else the manager, for teams of one."""
        target = self.manager[actors].copy()
        in_team = self.teams.size[self.teams.code[actors]] > 1
        in_department = ~in_team & (self.departments.size[self.departments.code[actors]] > 1)
        target[in_team] = self.teams.peer(rng, actors[in_team])
        target[in_department] = self.departments.peer(rng, actors[in_department])
        return target
