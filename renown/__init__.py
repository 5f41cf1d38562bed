"""renown: social talent intelligence with explained network-prominence scores.

The public surface is deliberately small; everything else is reachable through its package
(``renown.ingest``, ``renown.graph``, ``renown.prominence``, ``renown.scoring``).
"""

from renown._version import __version__
from renown.core.explanation import Explanation
from renown.graph.build import build_graph
from renown.prominence.model import ProminenceModel
from renown.scoring.pipeline import ScoringResult, score_events

__all__ = [
    "Explanation",
    "ProminenceModel",
    "ScoringResult",
    "__version__",
    "build_graph",
    "score_events",
]
