"""Pure graph construction: canonical events -> weighted, time-decayed CSR graph."""

from renown.graph.build import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_KIND_WEIGHTS, build_graph
from renown.graph.csr import CSR, InteractionGraph, transpose

__all__ = [
    "CSR",
    "DEFAULT_CHANNEL_WEIGHTS",
    "DEFAULT_KIND_WEIGHTS",
    "InteractionGraph",
    "build_graph",
    "transpose",
]
