"""Suggested succession readiness from a board composite and the performance level.

The suggestion is a starting point HR can overrule (with a reason, stored and logged), so its
rule is short enough to say in one sentence: ready now needs a composite of at least 70
*and* high performance; a composite of at least 50 means ready in 1-2 years; anything else,
or no composite at all, means 3+ years. The reason repeats the rule with the person's numbers.

Level distance caps the suggestion whatever the evidence: someone more than one level below
the role is never ready now (two levels below: at best 1-2 years; three or more: 3+ years),
since a strong engineer is not a vice-president in waiting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from renown.talent.composite import TIE_DECIMALS
from renown.talent.ninebox import LEVEL_NAMES

Readiness = Literal["now", "1-2y", "3y+"]

READINESS_LABELS: Mapping[Readiness, str] = {
    "now": "Ready now",
    "1-2y": "Ready in 1-2 years",
    "3y+": "Ready in 3+ years",
}

READY_NOW_COMPOSITE = 70.0
"""Lowest composite for "now" (with high performance)."""

READY_SOON_COMPOSITE = 50.0
"""Lowest composite for "1-2y"."""

HIGH_PERFORMANCE = 3
"""Performance level (9-box axis) required for "now"."""


def _shown(composite: float) -> str:
    """One decimal, truncated so 69.96 reads "69.9", never "70.0" next to "below 70".

    The tiny nudge keeps binary noise (56.3 * 10 = 562.99...) from truncating a digit away;
    it is below the :data:`~renown.talent.composite.TIE_DECIMALS` resolution of ``composite``.
    """
    return f"{math.floor(composite * 10 + 1e-9) / 10:.1f}"


def _performance_words(performance_level: int | None) -> str:
    if performance_level is None:
        return "performance is not rated"
    return f"performance is {LEVEL_NAMES[performance_level - 1]}"


def suggest_readiness(
    composite: float | None, performance_level: int | None, levels_below: int | None = None
) -> tuple[Readiness, str]:
    """Suggest a readiness and say why.

    Parameters
    ----------
    composite:
        The candidate's board composite 0..100 (``None`` when not ranked).
    performance_level:
        The 9-box performance level 1..3 (``None`` when not placed).
    levels_below:
        How many career levels the candidate stands below the role (``None``: unknown).

    Returns
    -------
    tuple of (Readiness, str)
        The suggestion and its reason in words.

    Raises
    ------
    ValueError
        When ``performance_level`` is not 1, 2, 3 or ``None``, or ``composite`` is NaN.
    """
    if performance_level is not None and performance_level not in (1, 2, 3):
        raise ValueError(f"performance_level must be 1, 2, 3 or None, got {performance_level}")
    readiness, why = _from_evidence(composite, performance_level)
    return _capped_by_level(readiness, why, levels_below)


ORDER: tuple[Readiness, ...] = ("now", "1-2y", "3y+")


def _capped_by_level(
    readiness: Readiness, why: str, levels_below: int | None
) -> tuple[Readiness, str]:
    """Hold back a suggestion for someone more than one level below the role."""
    if levels_below is None or levels_below < 2:
        return readiness, why
    cap: Readiness = "1-2y" if levels_below == 2 else "3y+"
    if ORDER.index(readiness) >= ORDER.index(cap):
        return readiness, why
    return cap, (
        f"{why}; but {levels_below} levels below the role, so no earlier than "
        f"{READINESS_LABELS[cap].lower()} (ready now needs at most one level between)"
    )


def _from_evidence(composite: float | None, performance_level: int | None) -> tuple[Readiness, str]:
    """The suggestion from the composite and performance alone."""
    if composite is None:
        return "3y+", "no composite score (not ranked on the board), so no earlier readiness"
    if math.isnan(composite):
        raise ValueError("composite must be a number or None, got NaN")
    # compared at the ranking resolution: a composite of 70 on paper that floats to
    # 69.99999999999999 is 70, as it would tie with an exact 70 on the board
    composite = round(composite, TIE_DECIMALS)
    shown = _shown(composite)
    performance = _performance_words(performance_level)
    if composite >= READY_NOW_COMPOSITE:
        if performance_level == HIGH_PERFORMANCE:
            return "now", f"composite {shown} is at least 70 and performance is high"
        return (
            "1-2y",
            f"composite {shown} is at least 70 but {performance} (ready now needs high)",
        )
    if composite >= READY_SOON_COMPOSITE:
        return "1-2y", f"composite {shown} is at least 50 but below 70"
    return "3y+", f"composite {shown} is below 50"
