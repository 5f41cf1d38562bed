"""Prominence measures: one module per measure, each ``measure(graph, *, params) -> values``.

Every measure returns one float64 value per node, in ``graph.people`` order, and comes
with a slow ``<name>_reference`` twin that the tests compare it with. Edge ``j -> i`` of
the graph means "``j`` paid attention to ``i``"; the builder drops self-addressed events,
so graphs carry no self-loops. Since every measure takes that same ``graph`` first,
a measure's docstring lists only the parameters beyond it.

:data:`Measure` is the form the composite model and the scoring engines call (a measure
with its default parameters). Which measures enter the composite, and how they are labelled
and computed on Spark, is declared in the registry, :mod:`renown.prominence.components`.
"""

from collections.abc import Callable

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
"""A measure with its default parameters: one float64 value per node."""

__all__ = [
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
