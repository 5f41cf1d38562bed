"""Folding coded events into pairs while a large input is still being read.

Why: the coded events of a whole run take 16 bytes each, so a lake of 100M events would
need 1.6 GB for them alone, and ten times that at a billion. Interaction data repeats
itself (the same two people write to each other all year), so once a run has coded more
than :data:`COMPACT_EVENTS` events since its last fold, the events held so far are summed
into one entry per (actor, target) pair by the same aggregation that ends the build
(:func:`renown.graph.aggregate.pair_csr`, unscaled and without renumbering). What the
build needs from the individual events is counted before they are folded: how many each
person sent and received (for the hubs-first numbering) and the weight of anonymous
engagement. Memory then follows people and pairs, not events.

A fold changes only the order in which a pair's weights are added, so volumes agree with
an unfolded build to the last few bits; inputs below the threshold are never folded and
stay bit-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import numpy as np
from numpy.typing import NDArray

from renown.graph.aggregate import count_events, pair_csr
from renown.graph.encode import CodedEvents

ScalarT = TypeVar("ScalarT", bound=np.generic)

COMPACT_EVENTS: Final = 1 << 25
"""Raw events coded between two folds (about half a gigabyte of coded events)."""


@dataclass(eq=False)
class Tally:
    """Counts of the events already folded into pairs, per node code."""

    received: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    sent: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    anonymous: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))
    engaged: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))
    """Targets of anonymous engagement folded away (whatever its weight, even zero)."""
    events: int = 0
    raw_start: int = 0
    """Entries before this index are folded pairs; those after it are raw events."""

    @property
    def folded(self) -> bool:
        """True once at least one fold happened."""
        return self.events > 0

    def count_raw(self, coded: CodedEvents, n: int) -> None:
        """Add the raw events after :attr:`raw_start` to the counts (codes below ``n``)."""
        start, end = self.raw_start, coded.size
        received, sent, anonymous = count_events(
            coded.pairs[start:end].view(np.int32), coded.weight[start:end], n
        )
        self.received = _grown(self.received, n, np.int64) + received
        self.sent = _grown(self.sent, n, np.int64) + sent
        self.anonymous = _grown(self.anonymous, n, np.float64) + anonymous
        ends = coded.pairs[start:end].view(np.int32)
        self.engaged = _grown(self.engaged, n, np.bool_)
        self.engaged[ends[1::2][ends[0::2] < 0]] = True
        self.events += end - start
        self.raw_start = end

    def narrow(self, codes: NDArray[np.int32], n: int) -> None:
        """Keep the counts of ``codes`` alone (of ``n``), renumbered ``0..len(codes)-1``."""
        if not self.folded:
            return
        self.received = _grown(self.received, n, np.int64)[codes]
        self.sent = _grown(self.sent, n, np.int64)[codes]
        self.anonymous = _grown(self.anonymous, n, np.float64)[codes]
        self.engaged = _grown(self.engaged, n, np.bool_)[codes]


def fold(coded: CodedEvents, tally: Tally, n: int) -> CodedEvents:
    """Count the raw events, then sum every entry of ``coded`` into one per pair.

    ``coded`` is released; the returned events hold the pairs (weights unscaled) with
    room for another :data:`COMPACT_EVENTS` raw events.
    """
    tally.count_raw(coded, n)
    entries = entries_per_actor(coded, n)
    identity = np.arange(n, dtype=np.int32)
    indptr, indices, _, volume = pair_csr(coded, identity, entries, scaling="none", cap=0.0)
    pairs = len(indices)
    folded = CodedEvents.allocate(pairs + COMPACT_EVENTS)
    endpoints = folded.pairs.view(np.int32)
    endpoints[0 : 2 * pairs : 2] = np.repeat(identity, np.diff(indptr))
    endpoints[1 : 2 * pairs : 2] = indices
    folded.weight[:pairs] = volume
    folded.size = pairs
    tally.raw_start = pairs
    return folded


def present(coded: CodedEvents, tally: Tally, n: int) -> NDArray[np.bool_]:
    """Whether each node code occurs in ``coded`` or in the events folded into it.

    A run building two windows in one pass codes the people of both; each window's graph
    keeps those of its own events.
    """
    ends = coded.pairs[: coded.size].view(np.int32)
    counts = np.bincount(ends[ends >= 0], minlength=n)[:n] > 0
    if tally.folded:
        counts |= _grown(tally.engaged, n, np.bool_)
    return counts


def entries_per_actor(coded: CodedEvents, n: int) -> NDArray[np.int64]:
    """Entries (folded pairs and raw events) with each node code as actor, anonymous ones
    excluded: what :func:`~renown.graph.aggregate.pair_csr` plans its buckets with."""
    actors = coded.pairs[: coded.size].view(np.int32)[0::2]
    named = actors[actors >= 0]
    return np.bincount(named, minlength=n).astype(np.int64)


def _grown(values: NDArray[Any], n: int, dtype: type[ScalarT]) -> NDArray[ScalarT]:
    """``values`` padded with zeros to ``n`` entries (the people coded since the last fold)."""
    grown = np.zeros(n, dtype=dtype)
    grown[: len(values)] = values
    return grown
