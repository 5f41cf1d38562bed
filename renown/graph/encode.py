"""Person ids (strings) -> dense node codes, without one Python object per event.

Why hashing: on ten million events the string -> integer step dominates graph building.
Polars' own string machinery (``unique``, joins, categoricals) needs seconds for it, while
polars hashes a string column in parallel in a few tens of milliseconds. So each id is
reduced to a 128-bit key made of two independently seeded 64-bit hashes, and an
open-addressing table (numba) maps keys to codes.

Two different ids receive the same code only if both 64-bit hashes collide at once: for
``k`` distinct ids the chance is about ``k**2 / 2**129`` (below ``1e-24`` for a hundred
million people), far below the rate of hardware memory errors. The builder draws the
seeds at random for every build, so nobody can craft colliding ids in advance.

Why partitions: table probes are cache misses, so one thread spends most of its time
waiting. The table is split by the top bits of each key's slot into one region per thread;
every thread reads all rows but probes only the keys of its own region, with no locks.
Each region numbers its new people locally; after every batch, the new people of all
regions are merged by where they first appeared, so codes follow the order of first
appearance exactly and never depend on the seeds or on the number of threads.

Probes are issued in groups: the slots of a group of rows are read first with
independent, branch-free loads, so their misses overlap, and the probing that follows
finds them in cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numba import get_num_threads, njit, prange
from numpy.typing import NDArray

_EMPTY: Final = -1
_UNSET: Final = -2
_GOLDEN: Final = np.uint64(0x9E3779B97F4A7C15)
_INITIAL_BITS: Final = 16
_GROUP: Final = 32
_MAX_PARTITION_BITS: Final = 3

U64Array = NDArray[np.uint64]
I32Array = NDArray[np.int32]
I64Array = NDArray[np.int64]
F64Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _partition_bits() -> int:
    threads = max(1, get_num_threads())
    return min(_MAX_PARTITION_BITS, threads.bit_length() - 1)


@dataclass(eq=False)
class CodeTable:
    """Growing map from 128-bit id keys to codes ``0..size-1`` (first appearance order).

    Slot ``s`` keeps its key in ``keys[2 * s]`` (low hash) and ``keys[2 * s + 1]`` (high
    hash), side by side so that a probe touches one cache line; ``local[s]`` is the key's
    number inside its region (``-1`` while empty) and ``dense[region][local]`` its code.
    Every region doubles (the whole table is rebuilt) when one becomes half full.
    """

    partition_bits: int = field(default_factory=_partition_bits)
    bits: int = _INITIAL_BITS
    size: int = 0
    keys: U64Array = field(default_factory=lambda: np.zeros(2 << _INITIAL_BITS, np.uint64))
    local: I32Array = field(default_factory=lambda: np.full(1 << _INITIAL_BITS, -1, np.int32))
    region_sizes: I64Array = field(init=False)
    dense: NDArray[np.int32] = field(init=False)

    def __post_init__(self) -> None:
        self.region_sizes = np.zeros(self.regions, np.int64)
        self.dense = np.full((self.regions, 1 << 10), -1, np.int32)

    @property
    def regions(self) -> int:
        """Number of independent regions (one per thread, a power of two)."""
        return 1 << self.partition_bits

    @property
    def limit(self) -> int:
        """Local count at which a region must grow (load factor one half)."""
        return 1 << (self.bits - self.partition_bits - 1)

    def grow(self) -> None:
        """Double the capacity and re-insert every key (each stays in its region)."""
        self.bits += 1
        self.keys, self.local = _rehash(self.keys, self.local, self.bits, self.partition_bits)

    def reserve_dense(self) -> None:
        """Room in every region's code map for all its local numbers."""
        needed = int(self.region_sizes.max())
        if needed > self.dense.shape[1]:
            grown = np.full((self.regions, max(needed, 2 * self.dense.shape[1])), -1, np.int32)
            grown[:, : self.dense.shape[1]] = self.dense
            self.dense = grown


@dataclass(eq=False)
class CodedEvents:
    """Coded events of a whole run, appended batch by batch into preallocated arrays.

    Entry ``k`` of ``pairs`` holds the event's actor and target codes as two int32 (the
    actor is ``-1`` for anonymous engagement): later stages overwrite each entry in place
    with a 64-bit sort key, so the coded events never exist twice.
    """

    pairs: U64Array
    weight: F64Array
    size: int = 0

    @classmethod
    def allocate(cls, capacity: int) -> CodedEvents:
        """Room for ``capacity`` events."""
        return cls(pairs=np.empty(capacity, np.uint64), weight=np.empty(capacity, np.float64))

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` events (growing by half again at least)."""
        if capacity > len(self.pairs):
            grown = max(capacity, len(self.pairs) * 3 // 2)
            pairs, weight = np.empty(grown, np.uint64), np.empty(grown, np.float64)
            pairs[: self.size] = self.pairs[: self.size]
            weight[: self.size] = self.weight[: self.size]
            self.pairs, self.weight = pairs, weight

    def endpoints(self) -> I32Array:
        """``[actor_0, target_0, actor_1, target_1, ...]`` of the events coded so far."""
        return self.pairs[: self.size].view(np.int32)


@dataclass(frozen=True, eq=False)
class NewPeople:
    """Where the people first seen in a batch appeared.

    Their codes are ``first_code .. first_code + len(first_row) - 1``; ``first_row`` is
    the batch row and ``first_column`` says which id of that row (0 actor, 1 target).
    """

    first_code: int
    first_row: I32Array
    first_column: NDArray[np.int8]


def encode_batch(
    table: CodeTable,
    events: CodedEvents,
    *,
    actor_low: U64Array,
    actor_high: U64Array,
    anonymous: BoolArray,
    keep: BoolArray,
    target_low: U64Array,
    target_high: U64Array,
    weight: F64Array,
) -> NewPeople:
    """Code the actor and target of every kept row and append the events to ``events``.

    Self-addressed rows are dropped, as are rows whose ``keep`` flag is false.

    Parameters
    ----------
    table:
        The run's code table; new people are added to it.
    events:
        The run's coded events (grown if the batch does not fit).
    actor_low, actor_high, target_low, target_high:
        The two seeded 64-bit hashes of each row's actor and target ids.
    anonymous:
        True where the actor is null (engagement without a known actor).
    keep:
        False for rows to skip (outside the scoring window, no target).
    weight:
        Weight of each row's event.

    Returns
    -------
    NewPeople
        The location of each new person's first appearance in the batch.
    """
    rows = len(target_low)
    regions = table.regions
    events.reserve(events.size + rows)
    state = np.zeros((regions, 3), np.int64)  # per region: next row, events out, new people
    state[:, 1] = events.size
    found = np.empty((regions, 2 * rows), np.int64)  # 2 * row + column of each new person
    local_codes = np.full((regions, 2 * rows), _UNSET, np.int32)
    sink = np.zeros(regions, np.uint64)
    new_before = table.region_sizes.copy()
    while True:
        _encode(
            actor_low,
            actor_high,
            anonymous,
            keep,
            target_low,
            target_high,
            weight,
            table.keys,
            table.local,
            np.uint64(64 - table.bits),
            table.partition_bits,
            table.region_sizes,
            table.limit,
            events.size,
            state,
            found,
            local_codes,
            events.weight,
            sink,
        )
        if np.all(state[:, 0] == rows):
            break
        table.grow()
    written = int(state[0, 1]) - events.size
    table.reserve_dense()
    first_code = table.size
    positions = np.empty(int(state[:, 2].sum()), np.int64)
    table.size = _merge_new_people(
        found, state[:, 2].copy(), new_before, table.dense, table.size, positions
    )
    _write_codes(local_codes, table.dense, events.pairs.view(np.int32), events.size, written)
    events.size += written
    return NewPeople(
        first_code=first_code,
        first_row=(positions >> 1).astype(np.int32),
        first_column=(positions & 1).astype(np.int8),
    )


@njit(cache=True, nogil=True, inline="always")
def _scrambled(low: np.uint64) -> np.uint64:
    # Fibonacci hashing spreads any bias of the low bits across the whole word.
    return low * _GOLDEN


@njit(cache=True, nogil=True)
def _lookup_or_insert(
    low: np.uint64,
    high: np.uint64,
    keys: U64Array,
    local: I32Array,
    shift: np.uint64,
    region_mask: np.uint64,
    region_size: int,
) -> tuple[int, bool]:
    slot = _scrambled(low) >> shift
    base = slot & ~region_mask
    while True:
        code = local[slot]
        if code == _EMPTY:
            keys[np.uint64(2) * slot] = low
            keys[np.uint64(2) * slot + np.uint64(1)] = high
            local[slot] = region_size
            return region_size, True
        if keys[np.uint64(2) * slot] == low and keys[np.uint64(2) * slot + np.uint64(1)] == high:
            return code, False
        slot = base | ((slot + np.uint64(1)) & region_mask)


@njit(cache=True, nogil=True, parallel=True)
def _encode(
    actor_low: U64Array,
    actor_high: U64Array,
    anonymous: BoolArray,
    keep: BoolArray,
    target_low: U64Array,
    target_high: U64Array,
    weight: F64Array,
    keys: U64Array,
    local: I32Array,
    shift: np.uint64,
    partition_bits: int,
    region_sizes: I64Array,
    limit: int,
    first_out: int,
    state: NDArray[np.int64],
    found: NDArray[np.int64],
    local_codes: NDArray[np.int32],
    kept_weight: F64Array,
    sink: U64Array,
) -> None:
    """Each region's thread codes its own keys until done or until its region is full.

    Every thread walks all rows and counts kept rows identically, so it knows each event's
    output position without talking to the others. Region 0 also writes the weights.
    """
    rows = len(target_low)
    regions = len(region_sizes)
    region_shift = np.uint64(64 - max(partition_bits, 1))
    region_mask = np.uint64((len(local) >> partition_bits) - 1)
    for region in prange(regions):
        row = state[region, 0]
        out = state[region, 1]
        new = state[region, 2]
        size = region_sizes[region]
        touched = np.uint64(0)
        group_end = row
        while row < rows:
            if size + 2 > limit:
                break
            if row == group_end:
                group_end = min(row + _GROUP, rows)
                for ahead in range(row, group_end):
                    for low in (actor_low[ahead], target_low[ahead]):
                        scrambled = _scrambled(low)
                        if _region(scrambled, region_shift, partition_bits) == region:
                            touched += keys[np.uint64(2) * (scrambled >> shift)]
            t_low = target_low[row]
            anon = anonymous[row]
            self_addressed = (
                not anon and actor_low[row] == t_low and actor_high[row] == target_high[row]
            )
            if not keep[row] or self_addressed:
                row += 1
                continue  # a self-addressed event does not make anyone a person
            k = out - first_out
            if anon:
                if region == 0:
                    local_codes[region, 2 * k] = -1
            elif _region(_scrambled(actor_low[row]), region_shift, partition_bits) == region:
                code, is_new = _lookup_or_insert(
                    actor_low[row], actor_high[row], keys, local, shift, region_mask, size
                )
                if is_new:
                    found[region, new] = 2 * row
                    new += 1
                    size += 1
                local_codes[region, 2 * k] = code
            if _region(_scrambled(t_low), region_shift, partition_bits) == region:
                code, is_new = _lookup_or_insert(
                    t_low, target_high[row], keys, local, shift, region_mask, size
                )
                if is_new:
                    found[region, new] = 2 * row + 1
                    new += 1
                    size += 1
                local_codes[region, 2 * k + 1] = code
            if region == 0:
                kept_weight[out] = weight[row]
            out += 1
            row += 1
        state[region, 0] = row
        state[region, 1] = out
        state[region, 2] = new
        region_sizes[region] = size
        sink[region] = touched


@njit(cache=True, nogil=True, inline="always")
def _region(scrambled: np.uint64, region_shift: np.uint64, partition_bits: int) -> int:
    if partition_bits == 0:
        return 0
    return int(scrambled >> region_shift)


@njit(cache=True, nogil=True)
def _merge_new_people(
    found: NDArray[np.int64],
    counts: I64Array,
    first_local: I64Array,
    dense: NDArray[np.int32],
    size: int,
    positions: I64Array,
) -> int:
    """Number the batch's new people of all regions in order of first appearance."""
    regions = len(counts)
    head = np.zeros(regions, np.int64)
    for j in range(len(positions)):
        best = -1
        for region in range(regions):
            if head[region] < counts[region] and (
                best < 0 or found[region, head[region]] < found[best, head[best]]
            ):
                best = region
        positions[j] = found[best, head[best]]
        dense[best, first_local[best] + head[best]] = size
        head[best] += 1
        size += 1
    return size


@njit(cache=True, nogil=True, parallel=True)
def _write_codes(
    local_codes: NDArray[np.int32],
    dense: NDArray[np.int32],
    endpoints: I32Array,
    first_out: int,
    written: int,
) -> None:
    """Translate each endpoint's local number (from whichever region coded it) to its code."""
    regions = local_codes.shape[0]
    for k in prange(2 * written):
        code = -1
        for region in range(regions):
            value = local_codes[region, k]
            if value != _UNSET:
                code = dense[region, value] if value >= 0 else -1
                break
        endpoints[2 * first_out + k] = code


@njit(cache=True, nogil=True)
def _rehash(
    old_keys: U64Array, old_local: I32Array, bits: int, partition_bits: int
) -> tuple[U64Array, I32Array]:
    capacity = 1 << bits
    keys = np.zeros(2 * capacity, np.uint64)
    local = np.full(capacity, _EMPTY, np.int32)
    shift = np.uint64(64 - bits)
    region_mask = np.uint64((capacity >> partition_bits) - 1)
    for old in range(len(old_local)):
        if old_local[old] == _EMPTY:
            continue
        low = old_keys[2 * old]
        slot = _scrambled(low) >> shift
        base = slot & ~region_mask
        while local[slot] != _EMPTY:
            slot = base | ((slot + np.uint64(1)) & region_mask)
        keys[np.uint64(2) * slot] = low
        keys[np.uint64(2) * slot + np.uint64(1)] = old_keys[2 * old + 1]
        local[slot] = old_local[old]
    return keys, local
