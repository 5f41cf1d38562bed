"""The components of the composite prominence score and their documented default weights.

Why these defaults (no weight was tuned to any label):

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


@dataclass(frozen=True)
class Component:
    """A named measure that can enter the composite score."""

    name: str
    label: str
    description: str
    monotone: bool
    """True when an extra inbound interaction can never lower the person's standing on it."""


COMPONENTS: Final[Mapping[str, Component]] = {
    c.name: c
    for c in (
        Component(
            "pagerank",
            "Influence",
            "attention from people who are themselves prominent (weighted PageRank)",
            True,
        ),
        Component("reach", "Reach", "distinct people who addressed this person", True),
        Component(
            "breadth",
            "Breadth",
            "other departments or communities that seek this person out",
            True,
        ),
        Component(
            "amplification",
            "Amplification",
            "engagement received per message sent, including anonymous upvotes",
            True,
        ),
        Component(
            "responsiveness",
            "Responsiveness",
            "attention returned to the people who address this person",
            True,
        ),
        Component("in_strength", "Inbound strength", "total scaled inbound attention", True),
        Component("out_strength", "Activity", "total scaled outbound activity", False),
        Component(
            "brokerage",
            "Brokerage",
            "1 - Burt's constraint: ties to people who are not tied to each other",
            False,
        ),
        Component("core_number", "Core", "k-core number: depth inside the dense core", False),
        Component(
            "betweenness",
            "Betweenness",
            "share of shortest paths through this person (sampled, opt-in)",
            False,
        ),
    )
}

DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {
    "pagerank": 0.35,
    "reach": 0.20,
    "breadth": 0.15,
    "amplification": 0.15,
    "responsiveness": 0.15,
}

DEFAULT_INFORMATIONAL: Final[tuple[str, ...]] = ("in_strength", "out_strength")
"""Computed and explained on every run but weighted zero unless the organisation says so.

Brokerage (Burt's constraint, a 2-hop computation: about 6 s for 1M people / 10M pairs on
two cores), the k-core number (0.6 s there) and sampled betweenness (O(k m)) are opt-in:
list them in ``informational`` or give them a weight."""
