"""The network map as the API answers it: the people drawn with their places, the arrows,
the departments they are clustered in, the range of their scores, and what the map covers.

The positions come from :mod:`renown.web.people.network_layout` so that the browser only
draws; the colour scale's range is the lowest and highest score drawn (not 1..100), so a
department whose scores sit between 40 and 70 still uses the whole palette.
"""

from __future__ import annotations

from pydantic import BaseModel

from renown.org.results import Network, NetworkScope
from renown.web.people.network_layout import place

__all__ = ["NO_DEPARTMENT", "MapScope", "NetworkMap", "build_map"]

NO_DEPARTMENT = "No department"


class MapScope(BaseModel):
    """What the map covers: ``kind`` is team, department or organisation."""

    kind: str
    unit_id: int | None
    name: str


class MapNode(BaseModel):
    """A person drawn on the map, at (``x``, ``y``) in the map's own units."""

    id: int
    name: str
    title: str | None
    team: str | None
    department_id: int | None
    department: str
    score: int
    x: float
    y: float


class MapEdge(BaseModel):
    """``source``'s attention drives ``target``'s influence with this share (0..1]."""

    source: int
    target: int
    weight: float


class MapDepartment(BaseModel):
    """A cluster of the map: a department (``id`` None: people with none), its disc."""

    id: int | None
    name: str
    people: int
    x: float
    y: float
    radius: float


class ScoreRange(BaseModel):
    """Lowest and highest score drawn: the two ends of the colour scale."""

    low: int
    high: int


class NetworkMap(BaseModel):
    """Everything the network page draws, and its text alternative."""

    scope: MapScope
    nodes: list[MapNode]
    edges: list[MapEdge]
    departments: list[MapDepartment]
    scores: ScoreRange | None
    limit: int
    """Most people drawn: when ``len(nodes) == limit`` lower scores were left out."""


def build_map(network: Network, scope: NetworkScope, limit: int) -> NetworkMap:
    """Place the people of ``network`` (best score first) in department clusters."""
    names = {node.department_id: node.department or NO_DEPARTMENT for node in network.nodes}
    x, y, discs = place([node.department_id for node in network.nodes], names)
    sizes: dict[int | None, int] = {}
    for node in network.nodes:
        sizes[node.department_id] = sizes.get(node.department_id, 0) + 1
    scores = [node.score for node in network.nodes]
    return NetworkMap(
        scope=MapScope(kind=str(scope.kind), unit_id=scope.unit_id, name=scope.name),
        nodes=[
            MapNode(
                id=node.id,
                name=node.name,
                title=node.title,
                team=node.team,
                department_id=node.department_id,
                department=names[node.department_id],
                score=node.score,
                x=round(float(x[i]), 1),
                y=round(float(y[i]), 1),
            )
            for i, node in enumerate(network.nodes)
        ],
        edges=[
            MapEdge(source=e.source, target=e.target, weight=round(e.weight, 4))
            for e in network.edges
        ],
        departments=[
            MapDepartment(
                id=disc.key,
                name=names[disc.key],
                people=sizes[disc.key],
                x=round(disc.x, 1),
                y=round(disc.y, 1),
                radius=round(disc.radius, 1),
            )
            for disc in discs
        ],
        scores=ScoreRange(low=min(scores), high=max(scores)) if scores else None,
        limit=limit,
    )
