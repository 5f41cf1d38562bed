"""Small immutable values returned by the org actions and queries.

Queries hand these to the web layer and the CLI instead of live ORM rows wherever the view
combines several tables, so that a template cannot lazily load (and leak) more than the
query decided to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from renown.store.tables.org import Person, Team
from renown.store.tables.scores import ScoreSnapshot

T = TypeVar("T")

COLLEAGUE = "a colleague"
"""How a connection the viewer may not see is labelled."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer, ordered result."""

    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        """True if another page follows."""
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class Leaderboard(Page["LeaderboardRow"]):
    """A leaderboard page and the run it shows (``None`` when nothing was scored yet)."""

    run_id: int | None = None
    as_of: datetime | None = None


@dataclass(frozen=True)
class ImportReport:
    """What an org-chart import changed (``unchanged``: people already exactly as given)."""

    created: int
    updated: int
    unchanged: int
    identities_added: int


@dataclass(frozen=True)
class MemberView:
    """A visible team member with their score in the latest run (``None``: not scored)."""

    person: Person
    score: int | None

    @property
    def person_id(self) -> int:
        """The member's person id."""
        return self.person.id

    @property
    def name(self) -> str:
        """The member's name."""
        return self.person.name

    @property
    def title(self) -> str | None:
        """The member's job title."""
        return self.person.title


@dataclass(frozen=True)
class TeamView:
    """A team, its department and the members the viewer may see."""

    team: Team
    department: str | None
    members: Sequence[MemberView]

    @property
    def id(self) -> int:
        """The team's id."""
        return self.team.id

    @property
    def name(self) -> str:
        """The team's name."""
        return self.team.name

    @property
    def department_id(self) -> int | None:
        """The team's department id."""
        return self.team.department_id


@dataclass(frozen=True)
class LeaderboardRow:
    """One line of a leaderboard; ``rank`` is the rank in the whole run."""

    person_id: int
    name: str
    title: str | None
    team: str | None
    department: str | None
    score: int
    rank: int
    trend: float | None
    components: dict[str, float]
    since_previous: int | None = None
    """Score minus the score in the previous run (null: no previous run scored them)."""


@dataclass(frozen=True)
class HistoryPoint:
    """A person's score in one run."""

    run_id: int
    as_of: datetime
    score: int


@dataclass(frozen=True)
class Connection:
    """Someone whose attention drives a person's influence (``person_id`` hidden if unseen)."""

    person_id: int | None
    label: str
    share: float


@dataclass(frozen=True)
class Profile:
    """A person's page: record, latest snapshot, score history and top connections."""

    person: Person
    snapshot: ScoreSnapshot | None
    history: Sequence[HistoryPoint]
    top_connections: Sequence[Connection]


@dataclass(frozen=True)
class NetworkNode:
    """A person in the network picture."""

    id: int
    name: str
    team: str | None
    score: int
    title: str | None = None
    department_id: int | None = None
    department: str | None = None
    """Department name: the map clusters people by it."""


@dataclass(frozen=True)
class NetworkEdge:
    """``source``'s attention drives ``target``'s influence with this share."""

    source: int
    target: int
    weight: float


@dataclass(frozen=True)
class Network:
    """Who drives whom among the visible people of a team or department."""

    nodes: Sequence[NetworkNode]
    edges: Sequence[NetworkEdge]


@dataclass(frozen=True)
class NetworkScope:
    """Which people a network map covers: one team, one department or the whole
    organisation (``unit_id`` and ``name`` of the team or department, else ``None``)."""

    kind: str
    unit_id: int | None
    name: str
