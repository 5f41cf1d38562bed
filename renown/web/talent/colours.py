"""One colour per criterion, the same in every chart of every round.

A colour that followed a criterion's position in its round's list painted "Performance"
blue in one round and orange in the next, so a reader who learned the colours on one board
misread the next. The colour is therefore derived from the criterion's key alone: the
built-in criteria have a fixed colour each, and any other key (a 360 competency, a plug-in)
takes one of the remaining colours by a stable hash of the key (CRC-32, the same in every
process, unlike Python's salted ``hash``).

The colours are the Okabe-Ito palette, distinguishable with colour blindness, then a few
of Paul Tol's muted colours for the hashed keys. ``talent.css`` holds the same list as the
classes ``crit-0`` to ``crit-12``; a web test checks the two agree.
"""

from __future__ import annotations

import zlib
from typing import Final

CRITERION_COLOURS: Final = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#8a8f98",
    "#332288",
    "#117733",
    "#882255",
    "#44aa99",
    "#aa4499",
)
"""Every criterion colour, by number (``crit-<number>`` in talent.css)."""
BUILT_IN_COLOURS: Final = {
    "performance": 0,
    "feedback": 1,
    "prominence_internal": 2,
    "prominence_external": 3,
    "badges": 4,
    "tenure": 5,
    "challenges": 6,
}
"""The fixed colour of each built-in criterion (see ``renown.talent.criteria``)."""
_FIRST_SHARED: Final = max(BUILT_IN_COLOURS.values()) + 1
"""Colours from this number on are shared by hashing among the other keys."""


def criterion_colour(key: str) -> int:
    """The colour number of the criterion ``key``: fixed for a built-in criterion, else
    chosen by the key's CRC-32 among the colours no built-in criterion uses."""
    fixed = BUILT_IN_COLOURS.get(key)
    if fixed is not None:
        return fixed
    shared = len(CRITERION_COLOURS) - _FIRST_SHARED
    return _FIRST_SHARED + zlib.crc32(key.encode("utf-8")) % shared


def criterion_hex(key: str) -> str:
    """The colour of the criterion ``key`` as ``#rrggbb``, for Vega-Lite charts."""
    return CRITERION_COLOURS[criterion_colour(key)]
