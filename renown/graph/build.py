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
per event): polars filters the events and hashes the id, channel and kind strings in
parallel (:mod:`renown.graph.weights`); a numba hash table turns id hashes into node codes
(:mod:`renown.graph.encode`); people are renumbered hubs-first for memory locality
(:mod:`renown.graph.renumber`); and a counting sort groups events into (actor, target)
pairs (:mod:`renown.graph.aggregate`). Events stream through in batches, so memory stays
near the size of the coded event arrays. Node numbers are internal: ``graph.people`` maps
them back to ids, and per-person results do not depend on input order.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.events import EventColumn
from renown.graph.aggregate import (
    SCALING_CODES,
    count_events,
    pair_keys_in_place,
    pairs_to_csr,
    radix_sort_pairs,
)
from renown.graph.csr import CSR, InteractionGraph
from renown.graph.encode import CodedEvents, CodeTable, encode_batch
from renown.graph.renumber import hub_order
from renown.graph.weights import NameWeights, event_weights

SECONDS_PER_DAY: Final = 86_400.0

BATCH_ROWS: Final = 1 << 18
"""Events per batch: large enough to amortise per-batch overhead, small enough that the
per-batch hash columns stay a fraction of the coded event arrays."""

LAZY_BATCH_ROWS: Final = 1 << 20
"""Rows per slice of a scanned file: each slice pays for file footers and page decoding."""

DEFAULT_CHANNEL_WEIGHTS: Final[Mapping[str, float]] = {
    "email": 1.0,
    "chat": 0.7,
    "review": 1.5,
    "social": 0.5,
    "kudos": 1.0,
    "feedback": 1.0,
    "qa": 1.0,
    "other": 1.0,
}
"""Base weight per channel. Chat is cheaper to send than mail; a review costs more."""

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
    half_life_days: float = 90.0,
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
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (UTC)")
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    if pair_scaling not in SCALING_CODES:
        raise ValueError(f"unknown pair scaling {pair_scaling!r}")
    cw = {**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})}
    kw = {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})}
    seeds = _Seeds()
    coded = _code_events(
        _batches(events, as_of, half_life_days, window_days, seeds),
        _capacity(events),
        NameWeights.from_mapping(cw, seeds.names),
        NameWeights.from_mapping(kw, seeds.names),
    )
    n = coded.close_table()
    events_kept = coded.events.size
    received, sent = count_events(coded.events.endpoints(), n)
    old_of_new, new_of_old = hub_order(received, sent)
    keys, weight, anonymous, target_bits = pair_keys_in_place(
        coded.events.pairs[:events_kept], coded.events.weight[:events_kept], new_of_old
    )
    coded.events = CodedEvents.allocate(0)
    keys, weight = radix_sort_pairs(keys, weight, target_bits + max(1, (n - 1).bit_length()))
    indptr, indices, weights, volume = pairs_to_csr(
        keys, weight, target_bits=target_bits, n=n, scaling=pair_scaling, cap=pair_cap
    )
    del keys, weight
    ids = coded.names().gather(old_of_new) if n else pl.Series("id", [], dtype=pl.String)
    group_codes, group_names = _group_codes(ids, groups)
    return InteractionGraph(
        people=np.asarray(ids.to_numpy(), dtype=object),
        out=CSR(indptr=indptr, indices=indices, weights=weights, volume=volume),
        anonymous=anonymous,
        groups=group_codes,
        group_names=group_names,
        as_of=as_of,
        half_life_days=half_life_days,
        n_events=events_kept,
        params={
            "half_life_days": half_life_days,
            "window_days": window_days,
            "channel_weights": dict(cw),
            "kind_weights": dict(kw),
            "pair_scaling": pair_scaling,
            "pair_cap": pair_cap,
        },
    )


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


@dataclass(frozen=True)
class _Seeds:
    """Hash seeds of one build, drawn at random.

    Results never depend on them (codes follow first appearance), but secret seeds mean
    nobody can craft ids (or channel names) that collide on purpose to merge two people.
    """

    low: int = field(default_factory=lambda: secrets.randbits(63))
    high: int = field(default_factory=lambda: secrets.randbits(63))
    names: int = field(default_factory=lambda: secrets.randbits(63))


def _batches(
    events: pl.DataFrame | pl.LazyFrame,
    as_of: datetime,
    half_life_days: float,
    window_days: float | None,
    seeds: _Seeds,
) -> Iterator[pl.DataFrame]:
    """Events with hashed ids, names, decay and a ``keep`` flag, ``BATCH_ROWS`` at a time.

    A lazy input that is a bare scan (the event lake) is read slice by slice; one with a
    window is filtered by polars first (so a lake scan skips whole files and row groups).
    An in-memory frame is sliced without copying; a slice that keeps nearly every row is
    not filtered at all (the copy would cost more than hashing a few extra rows): its rows
    carry the ``keep`` flag instead. The next slice is prepared in a background thread
    while the caller codes the current one (polars and the numba kernels release the GIL).
    """
    keep = _keep(as_of, window_days)
    if isinstance(events, pl.LazyFrame):
        if window_days is None and _plain_scan(events):
            # slices are pushed down to the files, so memory stays at one slice
            rows = _capacity(events)
            for offset in range(0, rows, LAZY_BATCH_ROWS):
                piece = events.slice(offset, LAZY_BATCH_ROWS).filter(keep)
                yield _prepare(piece, pl.lit(True), as_of, half_life_days, seeds).collect()
            return
        # a window skips whole files and row groups, which only a filter before any slice
        # can do; polars' streaming engine then runs the query (it buffers more)
        query = _prepare(events.filter(keep), pl.lit(True), as_of, half_life_days, seeds)
        yield from query.collect_batches(chunk_size=BATCH_ROWS, maintain_order=True)
        return

    def prepare(part: pl.DataFrame) -> pl.DataFrame:
        kept = int(part.select(keep.sum()).item())
        if kept == 0:
            return part.clear()
        if kept < _FILTER_BELOW * part.height:
            lazy = _prepare(part.lazy().filter(keep), pl.lit(True), as_of, half_life_days, seeds)
        else:
            lazy = _prepare(part.lazy(), keep, as_of, half_life_days, seeds)
        return lazy.collect()

    slices = (events.slice(offset, BATCH_ROWS) for offset in range(0, events.height, BATCH_ROWS))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="renown-batch") as pool:
        pending: deque[Future[pl.DataFrame]] = deque()
        for part in slices:
            pending.append(pool.submit(prepare, part))
            if len(pending) > 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _plain_scan(events: pl.LazyFrame) -> bool:
    """True when the query is a bare file scan, which polars can slice without rereading."""
    lines = [line.strip() for line in events.explain().splitlines() if line.strip()]
    if not lines or "SCAN" not in lines[0]:
        return False
    return all(line.startswith(("PROJECT", "ESTIMATED")) for line in lines[1:])


_FILTER_BELOW: Final = 0.9
"""Share of kept rows under which an in-memory slice is filtered before hashing."""


def _keep(as_of: datetime, window_days: float | None) -> pl.Expr:
    ts = pl.col(EventColumn.TIMESTAMP)
    keep = ts <= as_of
    if window_days is not None:
        keep &= ts >= as_of - timedelta(days=window_days)
    return keep & pl.col(EventColumn.TARGET).is_not_null()


def _prepare(
    events: pl.LazyFrame, keep: pl.Expr, as_of: datetime, half_life_days: float, seeds: _Seeds
) -> pl.LazyFrame:
    ts = pl.col(EventColumn.TIMESTAMP)
    age_days = (pl.lit(as_of) - ts).dt.total_seconds().cast(pl.Float64) / SECONDS_PER_DAY
    actor = pl.col(EventColumn.ACTOR)
    target = pl.col(EventColumn.TARGET)
    return events.select(
        actor.alias("actor"),
        target.alias("target"),
        keep.fill_null(False).alias("keep"),
        actor.hash(seeds.low).alias("actor_low"),
        actor.hash(seeds.high).alias("actor_high"),
        actor.is_null().alias("anonymous"),
        target.hash(seeds.low).alias("target_low"),
        target.hash(seeds.high).alias("target_high"),
        pl.col(EventColumn.CHANNEL).hash(seeds.names).alias("channel"),
        pl.col(EventColumn.KIND).hash(seeds.names).alias("kind"),
        pl.col(EventColumn.WEIGHT).fill_null(1.0).cast(pl.Float64).alias("weight"),
        (2.0 ** (-age_days / half_life_days)).alias("decay"),
    )


def _capacity(events: pl.DataFrame | pl.LazyFrame) -> int:
    """Upper bound of the events kept: the row count before filtering.

    For a Parquet scan polars answers from the file footers without reading any column.
    """
    if isinstance(events, pl.DataFrame):
        return events.height
    return int(events.select(pl.len()).collect().item())


@dataclass(eq=False)
class _Coded:
    """Coded events, the code table and the id of every code, filled batch by batch."""

    events: CodedEvents
    table: CodeTable = field(default_factory=CodeTable)
    name_parts: list[pl.Series] = field(default_factory=list)

    def names(self) -> pl.Series:
        """Person id of every code, in code order."""
        return pl.concat(self.name_parts).alias("id")

    def close_table(self) -> int:
        """Release the code table once every batch is coded; return the number of people."""
        size = self.table.size
        self.table = CodeTable()
        return size


def _code_events(
    batches: Iterator[pl.DataFrame], capacity: int, channels: NameWeights, kinds: NameWeights
) -> _Coded:
    coded = _Coded(events=CodedEvents.allocate(capacity))
    for batch in batches:
        if batch.height == 0:
            continue
        column = {name: batch.get_column(name).to_numpy() for name in batch.columns[2:]}
        weight = event_weights(
            column["weight"],
            column["decay"],
            channel_hash=column["channel"],
            kind_hash=column["kind"],
            channels=channels,
            kinds=kinds,
        )
        new = encode_batch(
            coded.table,
            coded.events,
            actor_low=column["actor_low"],
            actor_high=column["actor_high"],
            anonymous=column["anonymous"],
            keep=column["keep"],
            target_low=column["target_low"],
            target_high=column["target_high"],
            weight=weight,
        )
        if len(new.first_row):
            rows = pl.Series(new.first_row)
            from_actor = pl.Series(new.first_column == 0)
            coded.name_parts.append(
                pl.select(
                    pl.when(from_actor)
                    .then(batch.get_column("actor").gather(rows))
                    .otherwise(batch.get_column("target").gather(rows))
                ).to_series()
            )
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
