"""Prominence measures: one module per measure, each ``measure(graph, *, params) -> values``.

Every measure returns one float64 value per node, in ``graph.people`` order, and comes
with a slow ``<name>_reference`` twin that the tests compare it with. Edge ``j -> i`` of
the graph means "``j`` paid attention to ``i``"; the builder drops self-addressed events,
so graphs carry no self-loops.

:data:`MEASURES` maps a measure's name to its default-parameter version, the form the
composite model and the scoring engines call. Measures in :data:`OPT_IN_MEASURES` are
registered but too costly (or too specialised) to be part of a default composite.
"""

from collections.abc import Callable
from typing import Final

from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.measures._common import ConvergenceError
from renown.prominence.measures.amplification import amplification
from renown.prominence.measures.betweenness import betweenness
from renown.prominence.measures.breadth import breadth
from renown.prominence.measures.communities import communities
from renown.prominence.measures.constraint import brokerage, constraint, effective_size
from renown.prominence.measures.core_number import core_number
from renown.prominence.measures.degree import audience, in_strength, out_strength, reach
from renown.prominence.measures.hits import hits, hits_authority, hits_hub
from renown.prominence.measures.pagerank import pagerank
from renown.prominence.measures.responsiveness import responsiveness

Measure = Callable[[InteractionGraph], FloatArray]

MEASURES: Final[dict[str, Measure]] = {
    "reach": reach,
    "audience": audience,
    "in_strength": in_strength,
    "out_strength": out_strength,
    "pagerank": pagerank,
    "hits_authority": hits_authority,
    "hits_hub": hits_hub,
    "betweenness": betweenness,
    "constraint": constraint,
    "brokerage": brokerage,
    "effective_size": effective_size,
    "core_number": core_number,
    "breadth": breadth,
    "amplification": amplification,
    "responsiveness": responsiveness,
}
"""Default-parameter version of every measure, by name."""

OPT_IN_MEASURES: Final[frozenset[str]] = frozenset({"betweenness"})
"""Registered measures that a default composite should leave out (cost ``O(k * m)``)."""

__all__ = [
    "MEASURES",
    "OPT_IN_MEASURES",
    "ConvergenceError",
    "Measure",
    "amplification",
    "audience",
    "betweenness",
    "breadth",
    "brokerage",
    "communities",
    "constraint",
    "core_number",
    "effective_size",
    "hits",
    "hits_authority",
    "hits_hub",
    "in_strength",
    "out_strength",
    "pagerank",
    "reach",
    "responsiveness",
]
