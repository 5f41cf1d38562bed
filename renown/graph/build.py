"""Event frame -> :class:`~renown.graph.csr.InteractionGraph`.

Why the weights look the way they do:

* **Time decay.** An interaction's weight halves every ``half_life_days`` before
  ``as_of``, so prominence reflects the present, not who was central years ago.
* **Channel weights.** A code review or an answer costs more effort than a cc, so channels
  and kinds carry different base weights (:data:`DEFAULT_CHANNEL_WEIGHTS`).
* **Pair scaling.** The decayed volume of each (actor, target) pair is compressed with
  ``log1p`` (or capped) so that one chatty pair cannot dominate anyone's score: the 100th
  message between the same two people adds far less than a first message from someone new.
* **Anonymous engagement.** Events without an actor add no edge; their decayed weight is
  summed per target in :attr:`~renown.graph.csr.InteractionGraph.anonymous`.
  Self-addressed events are dropped before anything else, so they neither add weight nor
  make anyone a person.

Why it is built the way it is (ten million events in well under a second, no Python object
per event): in a background thread, polars filters the events and hashes the id, channel
and kind strings, and a numba kernel weighs them (:mod:`renown.graph.batches`,
:mod:`renown.graph.weights`), one batch ahead of the calling thread, where a numba hash
table turns id hashes into node codes (:mod:`renown.graph.encode`); people are renumbered
hubs-first for memory locality (:mod:`renown.graph.renumber`); and a bucketed radix sort
groups events into (actor, target) pairs (:mod:`renown.graph.aggregate`). Events stream
through in batches, so memory stays near the size of the coded event arrays. Node numbers
are internal: ``graph.people`` maps them back to ids, and per-person results do not depend
on input order. Past tens of millions of events the coded events are folded into pairs as
they come (:mod:`renown.graph.compaction`), so a lake of any size is read in memory that
follows its people and pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final, Literal

import numpy as np
import polars as pl
from numba import njit
from numpy.typing import NDArray

from renown.core.decay import DEFAULT_HALF_LIFE_DAYS
from renown.graph.aggregate import SCALING_CODES, count_events, pair_csr
from renown.graph.batches import (
    SECONDS_PER_DAY,
    PreparedBatch,
    Seeds,
    Weighing,
    capacity,
    new_ids,
    prepared_batches,
)
from renown.graph.compaction import COMPACT_EVENTS, Tally, entries_per_actor, fold, present
from renown.graph.csr import CSR, InteractionGraph
from renown.graph.encode import CodedEvents, CodeTable, encode_batch
from renown.graph.renumber import hub_order
from renown.graph.weights import NameWeights

__all__ = [
    "DEFAULT_CHANNEL_WEIGHTS",
    "DEFAULT_KIND_WEIGHTS",
    "SECONDS_PER_DAY",
    "PairScaling",
    "build_graph",
    "build_window_pair",
    "scale_pairs",
]

DEFAULT_CHANNEL_WEIGHTS: Final[Mapping[str, float]] = {
    "email": 1.0,
    "chat": 0.7,
    "review": 1.5,
    "social": 0.5,
    "kudos": 1.0,
    "feedback": 1.0,
    "challenge": 1.0,
    "qa": 1.0,
    "other": 1.0,
}
"""Base weight per channel. Chat is cheaper to send than mail; a review costs more. A
challenge's review, appeal answer or sponsor feedback is a written judgement of someone's
work, weighed like kudos and 360 feedback."""

DEFAULT_KIND_WEIGHTS: Final[Mapping[str, float]] = {
    "cc": 0.5,
    "bcc": 0.25,
    "reaction": 0.3,
    "upvote": 0.5,
    "downvote": 0.0,
}
"""Multipliers for kinds that signal less attention than a direct message (others: 1)."""

PairScaling = Literal["log", "cap", "none"]


def build_graph(
    events: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    window_days: float | None = None,
    channel_weights: Mapping[str, float] | None = None,
    kind_weights: Mapping[str, float] | None = None,
    pair_scaling: PairScaling = "log",
    pair_cap: float = 20.0,
    groups: Mapping[str, str] | None = None,
) -> InteractionGraph:
    """Build the decayed, pair-scaled interaction graph of the events up to ``as_of``.

    Parameters
    ----------
    events:
        Canonical event frame (see :mod:`renown.core.events`). A lazy frame (for example a
        scan of the event lake) is streamed in batches.
    as_of:
        Aware datetime; later events are ignored and earlier ones decay towards it.
    half_life_days:
        Days after which an interaction counts half.
    window_days:
        If given, events older than this many days before ``as_of`` are ignored.
    channel_weights, kind_weights:
        Overrides of :data:`DEFAULT_CHANNEL_WEIGHTS` / :data:`DEFAULT_KIND_WEIGHTS`.
    pair_scaling:
        ``"log"`` (weight = log1p(volume)), ``"cap"`` (min(volume, pair_cap)) or ``"none"``.
    pair_cap:
        Cap used by ``pair_scaling="cap"``.
    groups:
        Optional person -> group (department, community) used by breadth measures.

    Returns
    -------
    InteractionGraph
        People numbered hubs-first (see :mod:`renown.graph.renumber`); ``out`` rows sorted
        by actor, targets ascending inside each row.
    """
    options = _Options.checked(
        as_of, half_life_days, window_days, channel_weights, kind_weights, pair_scaling, pair_cap
    )
    began = time.perf_counter()
    coded = _code(events, options, earlier=None)
    coded_at = time.perf_counter()
    n = coded.close_table()
    graph = _finish(coded.events, coded.tally, n, None, options, groups, coded)
    graph.timings.update(
        {"read and code": coded_at - began, "aggregate": time.perf_counter() - coded_at}
    )
    return graph


def build_window_pair(
    events: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: datetime,
    earlier: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    window_days: float | None = None,
    channel_weights: Mapping[str, float] | None = None,
    kind_weights: Mapping[str, float] | None = None,
    pair_scaling: PairScaling = "log",
    pair_cap: float = 20.0,
    groups: Mapping[str, str] | None = None,
) -> tuple[InteractionGraph, Callable[[], InteractionGraph]]:
    """The graph of the window ending at ``earlier`` and, deferred, the one ending at
    ``as_of``, from one pass over the events.

    Why one pass: a scoring run with a trend scores the window ending a month earlier as
    well, and reading, hashing and coding ten million events a second time was a third of
    that window's cost. Here each event is read and coded once and appended to the
    window(s) it belongs to; each graph keeps the people of its own events and is equal to
    :func:`build_graph` of its as-of, node numbering apart (codes follow first appearance
    in either window, so tied people may be numbered in another order).

    The earlier graph comes first so that it can be fitted and cut down before the current
    one is aggregated (call the returned function for it, once): the two never hold their
    pair arrays at the same time. Parameters are those of :func:`build_graph`.
    """
    if earlier >= as_of:
        raise ValueError("the earlier window must end before as_of")
    options = _Options.checked(
        as_of, half_life_days, window_days, channel_weights, kind_weights, pair_scaling, pair_cap
    )
    began = time.perf_counter()
    coded = _code(events, options, earlier=earlier)
    coded_at = time.perf_counter()
    n = coded.close_table()
    names = coded.names()
    coded.name_parts = []
    assert coded.earlier is not None and coded.earlier_tally is not None
    earlier_graph = _finish_subset(
        coded.earlier, coded.earlier_tally, n, replace(options, as_of=earlier), groups, names
    )
    earlier_graph.timings.update({"aggregate": time.perf_counter() - coded_at})
    coded.earlier = None

    def current() -> InteractionGraph:
        started = time.perf_counter()
        graph = _finish_subset(coded.events, coded.tally, n, options, groups, names)
        graph.timings.update(
            {"read and code": coded_at - began, "aggregate": time.perf_counter() - started}
        )
        return graph

    return earlier_graph, current


@dataclass(frozen=True)
class _Options:
    """The checked parameters of one build (those a graph records as ``params``)."""

    as_of: datetime
    half_life_days: float
    window_days: float | None
    channel_weights: Mapping[str, float]
    kind_weights: Mapping[str, float]
    pair_scaling: PairScaling
    pair_cap: float

    @classmethod
    def checked(
        cls,
        as_of: datetime,
        half_life_days: float,
        window_days: float | None,
        channel_weights: Mapping[str, float] | None,
        kind_weights: Mapping[str, float] | None,
        pair_scaling: PairScaling,
        pair_cap: float,
    ) -> _Options:
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware (UTC)")
        if half_life_days <= 0:
            raise ValueError("half_life_days must be positive")
        if pair_scaling not in SCALING_CODES:
            raise ValueError(f"unknown pair scaling {pair_scaling!r}")
        return cls(
            as_of=as_of,
            half_life_days=half_life_days,
            window_days=window_days,
            channel_weights={**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})},
            kind_weights={**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})},
            pair_scaling=pair_scaling,
            pair_cap=pair_cap,
        )

    def params(self) -> dict[str, object]:
        return {
            "half_life_days": self.half_life_days,
            "window_days": self.window_days,
            "channel_weights": dict(self.channel_weights),
            "kind_weights": dict(self.kind_weights),
            "pair_scaling": self.pair_scaling,
            "pair_cap": self.pair_cap,
        }


def _code(
    events: pl.DataFrame | pl.LazyFrame, options: _Options, earlier: datetime | None
) -> _Coded:
    """Read, weigh and code every event once (into two windows when ``earlier`` is set)."""
    seeds = Seeds()
    weighing = Weighing(
        as_of=options.as_of,
        half_life_days=options.half_life_days,
        seeds=seeds,
        channels=NameWeights.from_mapping(options.channel_weights, seeds.names),
        kinds=NameWeights.from_mapping(options.kind_weights, seeds.names),
        earlier=earlier,
        window_days=options.window_days,
    )
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="renown-batch") as pool:
        batches = prepared_batches(events, options.window_days, weighing, pool)
        return _code_events(batches, capacity(events), pool, two_windows=earlier is not None)


def _finish(
    events: CodedEvents,
    tally: Tally,
    n: int,
    codes: NDArray[np.int32] | None,
    options: _Options,
    groups: Mapping[str, str] | None,
    coded: _Coded | None = None,
    names: pl.Series | None = None,
) -> InteractionGraph:
    """Count, renumber and aggregate one window's coded events into its graph.

    ``codes`` lists the node codes the window keeps when it has fewer people than the
    code table (its events are then numbered ``0..len(codes)-1`` already); the ids come
    from ``coded`` (converted batch by batch) or from ``names`` (every code's id).
    """
    if tally.folded:
        tally.count_raw(events, n)
        events_kept = tally.events
        received, sent, anonymous_old = tally.received, tally.sent, tally.anonymous
        entries = entries_per_actor(events, n)
    else:
        events_kept = events.size
        received, sent, anonymous_old = count_events(
            events.endpoints(), events.weight[:events_kept], n
        )
        entries = sent
    old_of_new, new_of_old = hub_order(received, sent)
    anonymous = anonymous_old[old_of_new]
    del received, anonymous_old, sent
    indptr, indices, weights, volume = pair_csr(
        events, new_of_old, entries, scaling=options.pair_scaling, cap=options.pair_cap
    )
    del entries, new_of_old
    if coded is not None:
        ids = coded.names().gather(old_of_new) if groups is not None else None
        people = coded.people(old_of_new)
    else:
        assert names is not None
        code_of_node = old_of_new if codes is None else codes[old_of_new]
        ids = names.gather(code_of_node)
        people = ids.to_numpy()
    group_codes, group_names = _group_codes(ids, groups) if ids is not None else (None, ())
    return InteractionGraph(
        people=people,
        out=CSR(indptr=indptr, indices=indices, weights=weights, volume=volume),
        anonymous=anonymous,
        groups=group_codes,
        group_names=group_names,
        as_of=options.as_of,
        half_life_days=options.half_life_days,
        n_events=events_kept,
        params=options.params(),
        timings={},
    )


def _finish_subset(
    events: CodedEvents,
    tally: Tally,
    n: int,
    options: _Options,
    groups: Mapping[str, str] | None,
    names: pl.Series,
) -> InteractionGraph:
    """:func:`_finish` for one of two windows coded together: its events are renumbered
    to the people who occur in them, as a build of that window alone would number them."""
    kept = present(events, tally, n)
    if bool(kept.all()):
        return _finish(events, tally, n, None, options, groups, names=names)
    codes = np.flatnonzero(kept).astype(np.int32)
    local = np.full(n, -1, np.int32)
    local[codes] = np.arange(len(codes), dtype=np.int32)
    _renumber_in_place(events.endpoints(), local)
    tally.narrow(codes, n)
    return _finish(events, tally, len(codes), codes, options, groups, names=names)


@njit(cache=True, nogil=True)
def _renumber_in_place(endpoints: NDArray[np.int32], local: NDArray[np.int32]) -> None:
    for k in range(len(endpoints)):
        code = endpoints[k]
        if code >= 0:
            endpoints[k] = local[code]


def scale_pairs(
    volume: NDArray[np.float64], scaling: PairScaling, cap: float
) -> NDArray[np.float64]:
    """Compress per-pair volume so no single pair dominates (see module docstring)."""
    if scaling == "log":
        return np.log1p(volume)
    if scaling == "cap":
        return np.minimum(volume, cap)
    if scaling == "none":
        return volume.copy()
    raise ValueError(f"unknown pair scaling {scaling!r}")


@dataclass(eq=False)
class _Coded:
    """Coded events, the code table and the id of every code, filled batch by batch."""

    events: CodedEvents
    table: CodeTable = field(default_factory=CodeTable)
    name_parts: list[pl.Series] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    earlier: CodedEvents | None = None
    earlier_tally: Tally | None = None

    def names(self) -> pl.Series:
        """Person id of every code, in code order."""
        if not self.name_parts:
            return pl.Series("id", [], dtype=pl.String)
        return pl.concat(self.name_parts).alias("id")

    def people(self, old_of_new: NDArray[np.int32]) -> NDArray[np.object_]:
        """Person id of every node as Python strings, in node order; empties ``name_parts``.

        Each batch's ids are dropped as soon as they are converted, so the polars copy of
        the ids and the Python one never exist in full at the same time.
        """
        first_seen = np.empty(len(old_of_new), dtype=object)
        start = 0
        while self.name_parts:
            part = self.name_parts.pop(0)
            first_seen[start : start + len(part)] = part.to_numpy()
            start += len(part)
        return first_seen[old_of_new]

    def close_table(self) -> int:
        """Release the code table once every batch is coded; return the number of people."""
        size = self.table.size
        self.table = CodeTable()
        return size


def _code_events(
    batches: Iterator[PreparedBatch],
    capacity: int,
    pool: ThreadPoolExecutor,
    *,
    two_windows: bool = False,
) -> _Coded:
    coded = _Coded(events=CodedEvents.allocate(capacity))
    if two_windows:
        coded.earlier, coded.earlier_tally = CodedEvents.allocate(capacity), Tally()
    names: list[Future[pl.Series]] = []
    for batch in batches:
        new = encode_batch(
            coded.table,
            coded.events,
            actor_low=batch.column["actor_low"],
            actor_high=batch.column["actor_high"],
            anonymous=batch.column["anonymous"],
            keep=batch.column["keep"],
            target_low=batch.column["target_low"],
            target_high=batch.column["target_high"],
            weight=batch.weight,
            earlier=coded.earlier,
            keep_earlier=batch.column.get("keep_earlier"),
            weight_earlier=batch.weight_earlier,
        )
        if len(new.first_row):
            names.append(pool.submit(new_ids, batch, new))
        if coded.events.size - coded.tally.raw_start > COMPACT_EVENTS:
            coded.events = fold(coded.events, coded.tally, coded.table.size)
        if (
            coded.earlier is not None
            and coded.earlier_tally is not None
            and coded.earlier.size - coded.earlier_tally.raw_start > COMPACT_EVENTS
        ):
            coded.earlier = fold(coded.earlier, coded.earlier_tally, coded.table.size)
    coded.name_parts = [part.result() for part in names]
    return coded


def _group_codes(
    ids: pl.Series, groups: Mapping[str, str] | None
) -> tuple[NDArray[np.int32] | None, tuple[str, ...]]:
    """Group code of every person (``-1`` if unknown) and the sorted group names."""
    if groups is None:
        return None, ()
    names = tuple(sorted({str(g) for g in groups.values()}))
    lookup = {g: i for i, g in enumerate(names)}
    unknown = lookup.get("", -1)
    person_code = {str(p): lookup[str(g)] for p, g in groups.items()}
    codes = ids.cast(pl.String).replace_strict(person_code, default=unknown, return_dtype=pl.Int32)
    return codes.to_numpy().astype(np.int32), names


def _encode_groups(
    people: NDArray[np.object_], groups: Mapping[str, str] | None
) -> tuple[NDArray[np.int32] | None, tuple[str, ...]]:
    """Array version of :func:`_group_codes` (kept for the Spark engine)."""
    return _group_codes(pl.Series("id", [str(p) for p in people], dtype=pl.String), groups)
