"""The registry of prominence components: the one place a measure enters the composite.

Each :class:`Component` carries everything the rest of renown needs to know about one
measure: its local implementation, whether it is monotone in inbound attention, where its
Spark implementation lives, how it is labelled on pages and in the terminal, and whether it
is weighted by default. The composite model, the Spark engine, explanations, web pages, the
CLI and the property tests all read this registry, so adding a measure means writing its
module, its Spark implementation and one entry here.

Why these default weights (no weight was tuned to any label):

* ``pagerank`` (0.35): attention *from people who themselves receive attention* is the core
  of prominence (Page et al. 1999); it is also the hardest to fake, because a new account or
  a closed group cannot manufacture attention from the rest of the organisation.
* ``reach`` (0.20): how many distinct people address you. Counting people, not messages,
  means volume alone cannot buy it.
* ``breadth`` (0.15): how many *other* departments or communities seek you out; this rewards
  bridges between groups, the brokerage that Burt (1992) ties to good ideas and promotion.
* ``amplification`` (0.15): engagement received per message sent; prominent people are
  answered, mentioned and upvoted without having to broadcast.
* ``responsiveness`` (0.15): attention returned to those who address you (a ``min`` per pair, so
  neither spamming nor ignoring pays).

Every default component is *monotone in inbound attention*: an extra interaction addressed to
a person can raise that person's component value and never lower it, and it never lifts
someone else past them. Components without that property (Burt's constraint, k-core,
betweenness, raw activity) are computed and shown as *informational* with weight zero by
default; an organisation can give them weight explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from renown.prominence.measures import Measure
from renown.prominence.measures.amplification import amplification
from renown.prominence.measures.betweenness import betweenness
from renown.prominence.measures.breadth import breadth
from renown.prominence.measures.constraint import brokerage
from renown.prominence.measures.core_number import core_number
from renown.prominence.measures.degree import in_strength, out_strength, reach
from renown.prominence.measures.pagerank import pagerank
from renown.prominence.measures.responsiveness import responsiveness

ON_DRIVER: Final = "driver"
"""Spark reference of a component the Spark engine computes with its local measure, on the
collected graph (sampled betweenness: ``O(k * m)`` with a seeded sample of sources)."""

_ONE_SWEEP_MODULE = "renown.prominence.engines.spark_components"
_ITERATIVE_MODULE = "renown.prominence.engines.spark_iterative"


@dataclass(frozen=True)
class Component:
    """A measure that can enter the composite score, with everything declared about it."""

    name: str
    """Key in weights, stored explanations and score columns."""
    label: str
    """Name shown on pages and in explanations."""
    short_label: str
    """Name in narrow places (terminal leaderboard columns)."""
    description: str
    """What the component counts, in one line for tooltips."""
    measure: Measure
    """Default-parameter local implementation, one value per node in ``graph.people`` order."""
    monotone: bool
    """True when an extra inbound interaction can never lower the person's value on it."""
    spark: str
    """``module:function`` of the Spark implementation (``SparkFrames -> (node, value)``), or
    :data:`ON_DRIVER`. A string, so that the registry never imports the Spark engine."""
    default_weight: float = 0.0
    """Weight in the default composite (0: not weighted unless the organisation says so)."""
    informational: bool = False
    """Computed and explained with zero weight on every run by default."""
    needs_groups: bool = False
    """Only computable when people have departments (or detected communities are asked for)."""
    opt_in: bool = False
    """Too costly to be part of a default composite: computed only when asked for."""


COMPONENTS: Final[Mapping[str, Component]] = {
    c.name: c
    for c in (
        Component(
            "pagerank",
            "Influence",
            "Influence",
            "attention from people who are themselves prominent (weighted PageRank)",
            pagerank,
            monotone=True,
            spark=f"{_ITERATIVE_MODULE}:pagerank",
            default_weight=0.35,
        ),
        Component(
            "reach",
            "Reach",
            "Reach",
            "distinct people who addressed this person",
            reach,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:reach",
            default_weight=0.20,
        ),
        Component(
            "breadth",
            "Breadth",
            "Breadth",
            "other departments or communities that seek this person out",
            breadth,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:breadth",
            default_weight=0.15,
            needs_groups=True,
        ),
        Component(
            "amplification",
            "Amplification",
            "Ampl.",
            "engagement received per message sent, including anonymous upvotes",
            amplification,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:amplification",
            default_weight=0.15,
        ),
        Component(
            "responsiveness",
            "Responsiveness",
            "Resp.",
            "attention returned to the people who address this person",
            responsiveness,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:responsiveness",
            default_weight=0.15,
        ),
        Component(
            "in_strength",
            "Inbound strength",
            "Inbound strength",
            "total scaled inbound attention",
            in_strength,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:in_strength",
            informational=True,
        ),
        Component(
            "out_strength",
            "Activity",
            "Activity",
            "total scaled outbound activity",
            out_strength,
            monotone=False,
            spark=f"{_ONE_SWEEP_MODULE}:out_strength",
            informational=True,
        ),
        Component(
            "brokerage",
            "Brokerage",
            "Brokerage",
            "1 - Burt's constraint: ties to people who are not tied to each other",
            brokerage,
            monotone=False,
            spark=f"{_ONE_SWEEP_MODULE}:brokerage",
        ),
        Component(
            "core_number",
            "Core",
            "Core",
            "k-core number: depth inside the dense core",
            core_number,
            monotone=False,
            spark=f"{_ITERATIVE_MODULE}:core_number",
        ),
        Component(
            "betweenness",
            "Betweenness",
            "Betweenness",
            "share of shortest paths through this person (sampled, opt-in)",
            betweenness,
            monotone=False,
            spark=ON_DRIVER,
            opt_in=True,
        ),
    )
}
"""Every component, by name, in the order pages list them (weighted ones first)."""

DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {
    c.name: c.default_weight for c in COMPONENTS.values() if c.default_weight > 0
}

DEFAULT_INFORMATIONAL: Final[tuple[str, ...]] = tuple(
    c.name for c in COMPONENTS.values() if c.informational
)
"""Computed and explained on every run but weighted zero unless the organisation says so.

Brokerage (Burt's constraint, a 2-hop computation: about 6 s for 1M people / 10M pairs on
two cores), the k-core number (0.6 s there) and sampled betweenness (O(k m)) are opt-in:
list them in ``informational`` or give them a weight."""
