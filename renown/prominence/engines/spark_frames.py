"""What every component's Spark implementation receives, so the registry can name them all.

A component registered in :mod:`renown.prominence.components` points at one function
``SparkFrames -> DataFrame(node, value)``; the engine builds the frames once and calls each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class SparkFrames:
    """The ring-discounted graph on Spark, and the model settings a component may need."""

    pairs: DataFrame
    """``src``, ``dst``, ``volume``, ``weight`` per directed pair (node positions)."""
    nodes: DataFrame
    """``node``, ``anonymous`` and, when a component needs groups, ``grp`` (-1 unknown)."""
    n: int
    """Number of people (nodes are ``0..n-1``)."""
    alpha: float
    """PageRank damping factor of the model."""


ComponentOnSpark = Callable[[SparkFrames], "DataFrame"]
"""A component's Spark implementation: ``(node, value)`` rows for the nodes it defines."""
