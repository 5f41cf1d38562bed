"""The people of the synthetic organisation and their reporting lines.

Prominence is only worth demonstrating against a believable structure: teams of a handful
of people, departments of uneven size, a middle-management layer in big departments, a
single CEO at the top, and a few people who join or leave during the window. The events
generator reads the :class:`Roster` (aligned numpy arrays); users read the people frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.demo.catalog import (
    DEPARTMENTS,
    EMAIL_DOMAIN,
    EXECUTIVE_DEPARTMENT,
    FIRST_NAMES,
    LAST_NAMES,
    TEAM_WORDS,
    ic_title,
    manager_title,
)
from renown.demo.workdays import MICROS_PER_DAY, to_micros

MIN_PEOPLE: Final = 30
MIN_DEPARTMENT_SIZE: Final = 6
"""A head plus one team of at least four people, with one spare."""
MIN_TEAM, MAX_TEAM, TYPICAL_TEAM = 4, 12, 8
PEOPLE_PER_DIRECTOR: Final = 60
"""Departments with more people than a head can lead directly get directors."""
DIRECT_LEAD_LIMIT: Final = 72
EXECUTIVE_STAFF: Final = (("Chief of Staff", 5), ("Executive Assistant", 3))
JOINER_SHARE: Final = 0.015
LEAVER_SHARE: Final = 0.015
BRIDGE_SHARE: Final = 0.01
IC_LEVEL_SHARES: Final = (0.25, 0.45, 0.30)


@dataclass(frozen=True, eq=False)
class Roster:
    """The organisation as aligned arrays; entry ``i`` is row ``i`` of the people frame.

    Attributes
    ----------
    ids:
        Person ids (``p0001``...), ascending.
    department, team:
        Integer codes; ``department_names[department[i]]`` is the department name.
    manager:
        Row of each person's manager, ``-1`` for the CEO.
    level:
        1-3 individual contributors, 4 team managers, 5 directors, 6 heads and the CEO.
    engineering:
        Whether the person's department writes code (code reviews happen there).
    bridge:
        People designated to keep many ties across departments.
    active_from_us, active_until_us:
        Epoch microseconds of the part of the window the person is employed.
    """

    ids: NDArray[np.str_]
    department: NDArray[np.int64]
    department_names: tuple[str, ...]
    team: NDArray[np.int64]
    manager: NDArray[np.int64]
    level: NDArray[np.int64]
    engineering: NDArray[np.bool_]
    bridge: NDArray[np.bool_]
    active_from_us: NDArray[np.int64]
    active_until_us: NDArray[np.int64]

    @property
    def size(self) -> int:
        """Number of people."""
        return len(self.ids)


@dataclass
class _Draft:
    """Rows accumulated in hierarchical order before ids are shuffled."""

    department: list[int]
    team: list[str]
    manager: list[int]
    level: list[int]
    title: list[str]

    def add(self, *, department: int, team: str, manager: int, level: int, title: str) -> int:
        self.department.append(department)
        self.team.append(team)
        self.manager.append(manager)
        self.level.append(level)
        self.title.append(title)
        return len(self.level) - 1


def department_count(people: int) -> int:
    """About one department per 300 people, between 7 and 11 (plus the executive office)."""
    wanted = int(np.clip(round(people / 300), 7, len(DEPARTMENTS) - 1))
    room = (people - 1 - len(EXECUTIVE_STAFF)) // MIN_DEPARTMENT_SIZE
    return max(1, min(wanted, room))


def team_sizes(rng: np.random.Generator, members: int) -> NDArray[np.int64]:
    """Split ``members`` (at least 4) into teams of 4-12 people of varied size."""
    count = int(
        np.clip(round(members / TYPICAL_TEAM), math.ceil(members / MAX_TEAM), members // MIN_TEAM)
    )
    extra = members - MIN_TEAM * count
    room = MAX_TEAM - MIN_TEAM
    added = np.minimum(np.floor(rng.dirichlet(np.full(count, 1.5)) * extra), room).astype(np.int64)
    left = extra - int(added.sum())
    while left > 0:
        open_teams = np.flatnonzero(added < room)
        chosen = rng.choice(open_teams, size=min(left, len(open_teams)), replace=False)
        added[chosen] += 1
        left -= len(chosen)
    return MIN_TEAM + added


def _team_name(department: str, index: int) -> str:
    word = TEAM_WORDS[index % len(TEAM_WORDS)]
    lap = index // len(TEAM_WORDS)
    return f"{department} {word}" + (f" {lap + 1}" if lap else "")


def _draft_department(
    rng: np.random.Generator, draft: _Draft, code: int, size: int, ceo: int
) -> None:
    """Add a head, optional directors and teams (a manager plus members) for one department."""
    template = DEPARTMENTS[code]
    leadership = f"{template.name} Leadership"
    head = draft.add(
        department=code,
        team=leadership,
        manager=ceo,
        level=6,
        title=manager_title(template.name, 6),
    )
    rest = size - 1
    directors = 0 if rest <= DIRECT_LEAD_LIMIT else math.ceil(rest / PEOPLE_PER_DIRECTOR)
    director_rows = [
        draft.add(
            department=code,
            team=leadership,
            manager=head,
            level=5,
            title=manager_title(template.name, 5),
        )
        for _ in range(directors)
    ]
    sizes = team_sizes(rng, rest - directors)
    levels = rng.choice(np.arange(1, 4), size=int(sizes.sum()), p=IC_LEVEL_SHARES)
    drawn = 0
    for index, team_size in enumerate(sizes.tolist()):
        team = _team_name(template.name, index)
        lead = director_rows[index * directors // len(sizes)] if directors else head
        manager = draft.add(
            department=code,
            team=team,
            manager=lead,
            level=4,
            title=manager_title(template.name, 4),
        )
        for level in levels[drawn : drawn + team_size - 1].tolist():
            draft.add(
                department=code,
                team=team,
                manager=manager,
                level=level,
                title=ic_title(template.role, level),
            )
        drawn += team_size - 1


def _draft(rng: np.random.Generator, people: int) -> tuple[_Draft, tuple[str, ...]]:
    """Lay out every position in hierarchical order (CEO, staff, department by department)."""
    departments = department_count(people)
    names = (*[d.name for d in DEPARTMENTS[:departments]], EXECUTIVE_DEPARTMENT)
    executive = len(names) - 1
    draft = _Draft([], [], [], [], [])
    ceo = draft.add(
        department=executive,
        team=EXECUTIVE_DEPARTMENT,
        manager=-1,
        level=6,
        title="Chief Executive Officer",
    )
    for title, level in EXECUTIVE_STAFF:
        draft.add(
            department=executive, team=EXECUTIVE_DEPARTMENT, manager=ceo, level=level, title=title
        )
    spare = people - len(draft.level) - MIN_DEPARTMENT_SIZE * departments
    shares = rng.dirichlet(np.full(departments, 1.6))
    sizes = np.sort(MIN_DEPARTMENT_SIZE + rng.multinomial(spare, shares))[::-1]
    for code, size in enumerate(sizes.tolist()):
        _draft_department(rng, draft, code, size, ceo)
    return draft, names


def _names_and_emails(rng: np.random.Generator, people: int) -> tuple[pl.Series, pl.Series]:
    first = np.array(FIRST_NAMES)[rng.integers(len(FIRST_NAMES), size=people)]
    last = np.array(LAST_NAMES)[rng.integers(len(LAST_NAMES), size=people)]
    frame = pl.DataFrame({"first": first, "last": last}).with_columns(
        handle=pl.concat_str(
            pl.col("first").str.to_lowercase(), pl.lit("."), pl.col("last").str.to_lowercase()
        )
    )
    seen_before = frame.select(pl.col("handle").cum_count().over("handle") - 1).to_series()
    frame = frame.with_columns(seen=seen_before)
    email = frame.select(
        pl.concat_str(
            pl.col("handle"),
            pl.when(pl.col("seen") > 0)
            .then((pl.col("seen") + 1).cast(pl.String))
            .otherwise(pl.lit("")),
            pl.lit("@" + EMAIL_DOMAIN),
        )
    ).to_series()
    name = frame.select(pl.concat_str(pl.col("first"), pl.lit(" "), pl.col("last"))).to_series()
    return name.alias("name"), email.alias("email")


def _movers_and_bridges(
    rng: np.random.Generator,
    level: NDArray[np.int64],
    manager: NDArray[np.int64],
    department: NDArray[np.int64],
    executive: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Rows of joiners, leavers and bridges, all individual contributors in departments.

    Managers never join or leave mid-window (their teams would be orphaned), and bridges
    are settled people of level 2-3: a bridge is someone with an established network.
    """
    has_reports = np.zeros(len(level), dtype=bool)
    has_reports[manager[manager >= 0]] = True
    contributors = np.flatnonzero((level <= 3) & ~has_reports & (department != executive))
    movers = rng.choice(
        contributors,
        size=2 * max(1, round(JOINER_SHARE * len(contributors))),
        replace=False,
    )
    joiners, leavers = np.array_split(movers, 2)
    settled = np.setdiff1d(contributors[level[contributors] >= 2], movers)
    wanted = min(len(settled), max(2, round(BRIDGE_SHARE * len(level))))
    bridges = rng.choice(settled, size=wanted, replace=False)
    return joiners, leavers, np.sort(bridges)


def _employment_dates(
    rng: np.random.Generator,
    level: NDArray[np.int64],
    joiners: NDArray[np.int64],
    leavers: NDArray[np.int64],
    *,
    start: datetime,
    end: datetime,
) -> tuple[NDArray[np.datetime64], NDArray[np.datetime64]]:
    """Hiring dates (tenure grows with level) and leaving dates (``NaT`` for stayers)."""
    window_days = max(1, (end.date() - start.date()).days)
    start_day = np.datetime64(start.date(), "D")

    def days(values: NDArray[np.float64]) -> NDArray[np.timedelta64]:
        return values.astype(np.int64).astype("m8[D]")

    tenure = 30 + rng.exponential(900.0, len(level)) + 500.0 * np.maximum(level - 3, 0)
    hired = start_day - days(np.minimum(tenure, 20 * 365))
    hired[joiners] = start_day + days(rng.uniform(0.1, 0.8, len(joiners)) * window_days)
    left = np.full(len(level), np.datetime64("NaT"), dtype="M8[D]")
    left[leavers] = start_day + days(rng.uniform(0.2, 0.9, len(leavers)) * window_days)
    return hired, left


def build_roster(
    rng: np.random.Generator, people: int, start: datetime, end: datetime
) -> tuple[Roster, pl.DataFrame]:
    """Draw the organisation: its people frame and the aligned :class:`Roster`.

    Parameters
    ----------
    rng:
        Source of randomness; the same generator state yields the same organisation.
    people:
        Head count, at least :data:`MIN_PEOPLE`.
    start, end:
        The activity window; joiners are hired and leavers leave inside it.

    Returns
    -------
    tuple of Roster and polars.DataFrame
        Arrays for the events generator, and the people frame (one row per person,
        sorted by ``person_id``).
    """
    if people < MIN_PEOPLE:
        raise ValueError(
            f"a synthetic organisation needs at least {MIN_PEOPLE} people, got {people}"
        )
    draft, department_names = _draft(rng, people)
    # Ids are shuffled so that an id says nothing about rank; rows end up in id order.
    order = rng.permutation(people)
    position = np.empty(people, dtype=np.int64)
    position[order] = np.arange(people)

    level = np.asarray(draft.level, dtype=np.int64)[order]
    drafted_manager = np.asarray(draft.manager, dtype=np.int64)[order]
    manager = np.where(drafted_manager >= 0, position[np.maximum(drafted_manager, 0)], -1)
    department = np.asarray(draft.department, dtype=np.int64)[order]
    team_labels = np.asarray(draft.team)[order]
    team = np.unique(team_labels, return_inverse=True)[1]
    executive = len(department_names) - 1
    engineering_codes = [i for i, d in enumerate(DEPARTMENTS[:executive]) if d.engineering]
    engineering = np.isin(department, engineering_codes)

    joiners, leavers, bridges = _movers_and_bridges(rng, level, manager, department, executive)
    bridge = np.zeros(people, dtype=bool)
    bridge[bridges] = True
    hired, left = _employment_dates(rng, level, joiners, leavers, start=start, end=end)
    epoch_day = np.datetime64(date(1970, 1, 1), "D")
    active_from = np.maximum(
        (hired - epoch_day).astype(np.int64) * MICROS_PER_DAY, to_micros(start)
    )
    active_until = np.full(people, to_micros(end), dtype=np.int64)
    active_until[leavers] = (left[leavers] - epoch_day).astype(np.int64) * MICROS_PER_DAY

    width = max(4, len(str(people)))
    ids = np.array([f"p{i + 1:0{width}d}" for i in range(people)])
    name, email = _names_and_emails(rng, people)
    titles = np.asarray(draft.title)[order]
    frame = pl.DataFrame(
        {
            "person_id": ids,
            "name": name,
            "email": email,
            "title": titles,
            "level": pl.Series(level, dtype=pl.Int8),
            "team": team_labels,
            "department": np.asarray(department_names)[department],
            "manager_id": pl.Series(ids).gather(
                pl.Series(manager).scatter(np.flatnonzero(manager < 0), None)
            ),
            "hired_on": hired,
            "left_on": left,
        }
    )
    roster = Roster(
        ids=ids,
        department=department,
        department_names=department_names,
        team=team.astype(np.int64),
        manager=manager,
        level=level,
        engineering=engineering,
        bridge=bridge,
        active_from_us=active_from.astype(np.int64),
        active_until_us=active_until,
    )
    return roster, frame
