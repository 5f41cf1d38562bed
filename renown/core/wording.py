"""How a standing and a share are put into words, the same on every page, report and CLI.

The stored explanation summary, the terminal, the profile page and the HR report all
describe scores in words; they must not call one percentile "top 3%" in one place and
"in the top 3%" in another. Every writer of such prose takes its phrases from here.
"""

from __future__ import annotations

from collections.abc import Sequence


def standing(percentile: float) -> str:
    """A percentile (0..1, higher is better) in words: "in the top 3%", "around the middle"."""
    top = 100.0 * (1.0 - percentile)
    if top <= 1:
        return "in the top 1%"
    if top <= 50:
        return f"in the top {max(1, round(top))}%"
    if top < 60:
        return "around the middle"
    return f"in the bottom {max(1, round(100 - top))}%"


def share(fraction: float) -> str:
    """A share (0..1) of someone's attention in words: "15%", "under 1%"."""
    return f"{100 * fraction:.0f}%" if fraction >= 0.01 else "under 1%"


def signed(value: float) -> str:
    """A change in points with its sign: "+2.5", "-0.3"."""
    return f"{value:+.1f}"


def influence(largest_share: float, named: str) -> str:
    """The sentence on whose attention drives a score (``named``: the people, with shares)."""
    if largest_share < 0.05:
        return f"Endorsement is broad; no single person dominates. The largest shares: {named}."
    return f"Endorsement comes mostly from attention by {named}."


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
