"""renown: social talent intelligence with explained network-prominence scores.

The public surface is deliberately small; everything else is reachable through its package
(``renown.ingest``, ``renown.graph``, ``renown.prominence``, ``renown.batch``).
"""

from renown._version import __version__
from renown.batch.run import ScoringResult, score_events
from renown.core.explanation import Explanation
from renown.graph.build import build_graph
from renown.prominence.model import ProminenceModel

__all__ = [
    "Explanation",
    "ProminenceModel",
    "ScoringResult",
    "__version__",
    "build_graph",
    "score_events",
]
