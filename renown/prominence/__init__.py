"""Pure prominence scoring: measures, the composite model, explanations, anti-gaming."""

from renown.prominence.components import COMPONENTS, DEFAULT_INFORMATIONAL, DEFAULT_WEIGHTS
from renown.prominence.explain import explain
from renown.prominence.model import ProminenceModel
from renown.prominence.rings import RingReport, detect_rings, discount_rings

__all__ = [
    "COMPONENTS",
    "DEFAULT_INFORMATIONAL",
    "DEFAULT_WEIGHTS",
    "ProminenceModel",
    "RingReport",
    "detect_rings",
    "discount_rings",
    "explain",
]
