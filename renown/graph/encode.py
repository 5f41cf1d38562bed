"""Person ids (strings) -> dense node codes, without one Python object per event.

Why hashing: on ten million events the string -> integer step dominates graph building.
Polars' own string machinery (``unique``, joins, categoricals) needs seconds for it, while
polars hashes a string column in parallel in a few tens of milliseconds. So each id is
reduced to a 128-bit key made of two independently seeded 64-bit hashes, and a compact
open-addressing table (numba) maps keys to codes in order of first appearance.

Two different ids receive the same code only if both 64-bit hashes collide at once: for
``k`` distinct ids the chance is about ``k**2 / 2**129`` (below ``1e-24`` for a hundred
million people), far below the rate of hardware memory errors. The builder draws the
seeds at random for every build, so nobody can craft colliding ids in advance; codes
depend only on the order of first appearance, never on the seeds.

The table remembers, for every code, the batch row and column where the id first
appeared, so the caller can fetch the id strings of all people (once each) from the batch
that introduced them.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numba import njit
from numpy.typing import NDArray

_EMPTY: Final = -1
_GOLDEN: Final = np.uint64(0x9E3779B97F4A7C15)
_INITIAL_BITS: Final = 16
_GROUP: Final = 32

U64Array = NDArray[np.uint64]
I32Array = NDArray[np.int32]
I64Array = NDArray[np.int64]
F64Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(eq=False)
class CodeTable:
    """Growing map from 128-bit id keys to codes ``0..size-1`` (first appearance order).

    Slot ``s`` keeps its key in ``keys[2 * s]`` (low hash) and ``keys[2 * s + 1]`` (high
    hash), side by side so that a probe touches one cache line; ``codes[s]`` is ``-1``
    while the slot is empty. The table doubles whenever it becomes half full.
    """

    bits: int = _INITIAL_BITS
    size: int = 0
    keys: U64Array = field(default_factory=lambda: np.zeros(2 << _INITIAL_BITS, np.uint64))
    codes: I32Array = field(default_factory=lambda: np.full(1 << _INITIAL_BITS, -1, np.int32))

    @property
    def limit(self) -> int:
        """Size at which the table must grow (load factor one half)."""
        return 1 << (self.bits - 1)

    def grow(self) -> None:
        """Double the capacity and re-insert every key."""
        self.bits += 1
        self.keys, self.codes = _rehash(self.keys, self.codes, self.bits)


@dataclass(eq=False)
class CodedEvents:
    """Coded events of a whole run, appended batch by batch into preallocated arrays.

    Entry ``k`` of ``pairs`` holds the event's actor and target codes as two int32 (the
    actor is ``-1`` for anonymous engagement).

    Where the platform allows it, both arrays live in private anonymous memory maps, so
    that :meth:`release_front` can hand the pages of events already consumed back to the
    operating system while later ones are still being read: the aggregation writes its
    output as it reads these arrays, and the two then never occupy memory in full at once.
    """

    pairs: U64Array
    weight: F64Array
    size: int = 0
    released: int = 0

    @classmethod
    def allocate(cls, capacity: int) -> CodedEvents:
        """Room for ``capacity`` events."""
        return cls(
            pairs=mapped_empty(capacity, np.uint64), weight=mapped_empty(capacity, np.float64)
        )

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` events (growing by half again at least)."""
        if capacity > len(self.pairs):
            grown = max(capacity, len(self.pairs) * 3 // 2)
            pairs, weight = mapped_empty(grown, np.uint64), mapped_empty(grown, np.float64)
            pairs[: self.size] = self.pairs[: self.size]
            weight[: self.size] = self.weight[: self.size]
            self.pairs, self.weight = pairs, weight

    def release_front(self, events: int) -> None:
        """Give back the memory of the first ``events`` events, which must not be read again.

        Only whole pages are released, and only from mapped arrays; elsewhere this does
        nothing and the memory is returned by :meth:`release`.
        """
        for array in (self.pairs, self.weight):
            base = array.base.obj if isinstance(array.base, memoryview) else array.base
            if isinstance(base, mmap.mmap) and _RELEASE is not None:
                start = -(-self.released * array.itemsize // _PAGE) * _PAGE
                end = events * array.itemsize // _PAGE * _PAGE
                if end > start:
                    base.madvise(_RELEASE, start, end - start)
        self.released = max(self.released, events)

    def release(self) -> None:
        """Drop the arrays (views taken before stay valid and keep them alive)."""
        self.pairs, self.weight = np.empty(0, np.uint64), np.empty(0, np.float64)
        self.size = self.released = 0

    def endpoints(self) -> I32Array:
        """``[actor_0, target_0, actor_1, target_1, ...]`` of the events coded so far."""
        return self.pairs[: self.size].view(np.int32)


_PAGE: Final = mmap.PAGESIZE
_RELEASE: Final = getattr(mmap, "MADV_DONTNEED", None)
_PRIVATE: Final = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)


def mapped_empty(count: int, dtype: type[np.generic]) -> NDArray[Any]:
    """An uninitialised array, in a private anonymous map where pages can be released.

    Pages are the operating system's small ones (numpy asks for huge pages on large
    arrays), so an array filled a little at a time in many places occupies memory only
    where it has been written.
    """
    if _RELEASE is None or not _PRIVATE or count == 0:
        return np.empty(count, dtype)
    buffer = mmap.mmap(-1, count * np.dtype(dtype).itemsize, flags=_PRIVATE)
    return np.frombuffer(buffer, dtype, count)


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
    earlier: CodedEvents | None = None,
    keep_earlier: BoolArray | None = None,
    weight_earlier: F64Array | None = None,
) -> NewPeople:
    """Code the actor and target of every kept row and append the events to ``events``.

    Self-addressed rows are dropped, as are rows whose ``keep`` flag is false. With an
    ``earlier`` window, rows flagged ``keep_earlier`` are also appended there, weighing
    ``weight_earlier``: both windows share one code table, so one pass codes both.

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
    earlier, keep_earlier, weight_earlier:
        The earlier window's coded events, which rows belong to it and their weights there
        (all three or none).

    Returns
    -------
    NewPeople
        The location of each new person's first appearance in the batch.
    """
    rows = len(target_low)
    events.reserve(events.size + rows)
    if earlier is None or keep_earlier is None or weight_earlier is None:
        earlier = CodedEvents(pairs=np.empty(0, np.uint64), weight=np.empty(0, np.float64))
        keep_earlier = np.empty(0, np.bool_)
        weight_earlier = np.empty(0, np.float64)
    else:
        earlier.reserve(earlier.size + rows)
    first_row = np.empty(2 * rows, np.int32)
    first_column = np.empty(2 * rows, np.int8)
    first_code = table.size
    endpoints = events.pairs.view(np.int32)
    endpoints_earlier = earlier.pairs.view(np.int32)
    row = 0
    while row < rows:
        if table.size + 2 > table.limit:
            table.grow()
        row, events.size, earlier.size, table.size, _ = _encode(
            actor_low,
            actor_high,
            anonymous,
            keep,
            target_low,
            target_high,
            weight,
            table.keys,
            table.codes,
            np.uint64(64 - table.bits),
            table.size,
            table.limit,
            first_code,
            row,
            events.size,
            endpoints,
            events.weight,
            first_row,
            first_column,
            keep_earlier,
            weight_earlier,
            earlier.size,
            endpoints_earlier,
            earlier.weight,
        )
    n_new = table.size - first_code
    return NewPeople(
        first_code=first_code,
        first_row=first_row[:n_new].copy(),
        first_column=first_column[:n_new].copy(),
    )


@njit(cache=True, nogil=True, inline="always")
def _slot(low: np.uint64, shift: np.uint64) -> np.uint64:
    # Fibonacci hashing spreads any bias of the low bits across the whole table.
    return (low * _GOLDEN) >> shift


@njit(cache=True, nogil=True)
def _lookup_or_insert(
    low: np.uint64,
    high: np.uint64,
    keys: U64Array,
    codes: I32Array,
    shift: np.uint64,
    size: int,
) -> tuple[int, bool]:
    mask = np.uint64(len(codes) - 1)
    slot = _slot(low, shift)
    while True:
        code = codes[slot]
        if code == _EMPTY:
            keys[np.uint64(2) * slot] = low
            keys[np.uint64(2) * slot + np.uint64(1)] = high
            codes[slot] = size
            return size, True
        if keys[np.uint64(2) * slot] == low and keys[np.uint64(2) * slot + np.uint64(1)] == high:
            return code, False
        slot = (slot + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def _encode(
    actor_low: U64Array,
    actor_high: U64Array,
    anonymous: BoolArray,
    keep: BoolArray,
    target_low: U64Array,
    target_high: U64Array,
    weight: F64Array,
    keys: U64Array,
    codes: I32Array,
    shift: np.uint64,
    size: int,
    limit: int,
    first_code: int,
    start_row: int,
    n_kept: int,
    endpoints: I32Array,
    kept_weight: F64Array,
    first_row: I32Array,
    first_column: NDArray[np.int8],
    keep_earlier: BoolArray,
    weight_earlier: F64Array,
    n_kept_earlier: int,
    endpoints_earlier: I32Array,
    kept_weight_earlier: F64Array,
) -> tuple[int, int, int, int, np.uint64]:
    """Code rows from ``start_row`` until done or until the table needs to grow.

    ``keep_earlier`` is empty when no earlier window is built; otherwise a row kept for
    either window is coded and appended to the window(s) it belongs to.

    Rows go in groups: the slots of a whole group are loaded first with independent,
    branch-free reads, so their cache misses overlap; the probing that follows (whose
    branches depend on the loaded data) then finds them in cache.
    """
    rows = len(target_low)
    two = len(keep_earlier) > 0
    touched = np.uint64(0)
    group_end = start_row
    for row in range(start_row, rows):
        if size + 2 > limit:
            return row, n_kept, n_kept_earlier, size, touched
        if row == group_end:
            group_end = min(row + _GROUP, rows)
            for ahead in range(row, group_end):
                a_slot = _slot(actor_low[ahead], shift)
                t_slot = _slot(target_low[ahead], shift)
                touched += keys[np.uint64(2) * a_slot] + keys[np.uint64(2) * t_slot]
                touched += np.uint64(codes[a_slot] + codes[t_slot])
        current = keep[row]
        early = two and keep_earlier[row]
        if not (current or early):
            continue
        t_low = target_low[row]
        t_high = target_high[row]
        anon = anonymous[row]
        if not anon and actor_low[row] == t_low and actor_high[row] == t_high:
            continue  # self-addressed: no edge, and it does not make anyone a person
        src = -1
        if not anon:
            src, new = _lookup_or_insert(actor_low[row], actor_high[row], keys, codes, shift, size)
            if new:
                first_row[size - first_code] = row
                first_column[size - first_code] = 0
                size += 1
        dst, new = _lookup_or_insert(t_low, t_high, keys, codes, shift, size)
        if new:
            first_row[size - first_code] = row
            first_column[size - first_code] = 1
            size += 1
        if current:
            endpoints[2 * n_kept] = src
            endpoints[2 * n_kept + 1] = dst
            kept_weight[n_kept] = weight[row]
            n_kept += 1
        if early:
            endpoints_earlier[2 * n_kept_earlier] = src
            endpoints_earlier[2 * n_kept_earlier + 1] = dst
            kept_weight_earlier[n_kept_earlier] = weight_earlier[row]
            n_kept_earlier += 1
    return rows, n_kept, n_kept_earlier, size, touched


@njit(cache=True, nogil=True)
def _rehash(old_keys: U64Array, old_codes: I32Array, bits: int) -> tuple[U64Array, I32Array]:
    capacity = 1 << bits
    keys = np.zeros(2 * capacity, np.uint64)
    codes = np.full(capacity, _EMPTY, np.int32)
    shift = np.uint64(64 - bits)
    mask = np.uint64(capacity - 1)
    for old in range(len(old_codes)):
        code = old_codes[old]
        if code == _EMPTY:
            continue
        low = old_keys[2 * old]
        slot = _slot(low, shift)
        while codes[slot] != _EMPTY:
            slot = (slot + np.uint64(1)) & mask
        keys[np.uint64(2) * slot] = low
        keys[np.uint64(2) * slot + np.uint64(1)] = old_keys[2 * old + 1]
        codes[slot] = code
    return keys, codes
