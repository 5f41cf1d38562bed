"""The registry of prominence components: the one place a measure enters the composite.

Each :class:`Component` carries everything the rest of renown needs to know about one
measure: its local implementation, whether it is monotone in inbound attention, where its
Spark implementation lives, how it is labelled on pages and in the terminal, and whether it
is weighted by default. The composite model, the Spark engine, explanations, web pages, the
CLI and the property tests all read this registry, so adding a measure means writing its
module, its Spark implementation and one entry here.

Why these default weights: they were chosen on evidence, measured against labels kept
apart from the code (``make validate``; the tables and the reasoning are in
``docs/validity.md``), and fitted to nothing but a handful of rounded shares:

* ``endorsement`` (0.70): being sought out by people who themselves seek out the right
  people (Kleinberg's authority on tie strengths, plus the crowd for anonymous engagement).
  On every labelled network it is the strongest single signal of standing, and it cannot be
  bought by volume: ties saturate, and only the people who reach out to you count.
* ``reach`` (0.15): how many distinct people address you. The measure a person can check by
  hand ("23 colleagues wrote to me"), so it anchors every explanation.
* ``engagement`` (0.15): how much attention you receive, including anonymous engagement
  (upvotes), which on public sites is most of the recognition there is.

Weighted PageRank (``pagerank``), responsiveness, amplification (engagement per message
sent) and breadth used to carry the weight; on real labels PageRank and amplification ranked
people little better than chance (Enron job levels: ROC-AUC 0.60 and 0.46), so they are now
computed and shown as *informational* components with weight zero. An organisation that
trusts them on its own ground truth can give them weight (``renown tune``).

Every default component is *monotone in inbound attention*: an extra interaction addressed to
a person can raise that person's component value and never lower it (the property test
checks every registered component marked ``monotone``). It can raise others' values too
(endorsement: the sender's other correspondents), so a percentile can still move either way.
Components without that property (Burt's constraint, k-core,
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
from renown.prominence.measures.endorsement import endorsement
from renown.prominence.measures.engagement import engagement
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
            "endorsement",
            "Endorsement",
            "Endorsed",
            "sought out by people who themselves seek out the right people (HITS authority)",
            endorsement,
            monotone=True,
            spark=f"{_ITERATIVE_MODULE}:endorsement",
            default_weight=0.70,
        ),
        Component(
            "reach",
            "Reach",
            "Reach",
            "distinct people who addressed this person",
            reach,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:reach",
            default_weight=0.15,
        ),
        Component(
            "engagement",
            "Engagement",
            "Engaged",
            "attention received, including anonymous upvotes and reactions",
            engagement,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:engagement",
            default_weight=0.15,
        ),
        Component(
            "pagerank",
            "Influence",
            "Influence",
            "attention from people who are themselves prominent (weighted PageRank)",
            pagerank,
            monotone=True,
            spark=f"{_ITERATIVE_MODULE}:pagerank",
            informational=True,
        ),
        Component(
            "breadth",
            "Breadth",
            "Breadth",
            "other departments or communities that seek this person out",
            breadth,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:breadth",
            informational=True,
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
            informational=True,
        ),
        Component(
            "responsiveness",
            "Responsiveness",
            "Resp.",
            "attention returned to the people who address this person",
            responsiveness,
            monotone=True,
            spark=f"{_ONE_SWEEP_MODULE}:responsiveness",
            informational=True,
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
