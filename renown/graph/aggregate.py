"""Coded events -> per-pair volumes in CSR form: one parallel scatter, then sorts in cache.

Why this shape: the output must be a CSR matrix sorted by (actor, target), so grouping and
ordering are one job. A plain LSD radix sort of one 64-bit key per event moves every event
between main memory and the cores four times. Here each event is keyed in place (its
renumbered actor and target, and its bucket in the spare top bits) and then moved once: a
parallel scatter sends it to the bucket of its actor, where a bucket is a run of
consecutive actors (in the final, hubs-first numbering) holding some ten thousand events,
so that each bucket's radix sort on ``(actor in bucket, target)`` runs in the core's own
cache. Bucket sizes come from the per-actor event counts the renumbering needs anyway.

Equal keys end up adjacent and their weights are summed in the order the events arrived
(the scatter keeps arrival order inside a bucket and every sort is stable), so a given
input always gives bit-identical volumes, whatever the number of threads.

Memory: when ``(actor in bucket, target)`` fits 32 bits (up to sixteen million people),
the scatter writes 12 bytes per event while it reads the 16 of the coded events, and it
hands the memory of the events it has read back slice by slice
(:meth:`~renown.graph.encode.CodedEvents.release_front`), so input and output never occupy
memory in full together. The pair CSR is then compacted in place, its target column
being the key array itself.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numba import get_num_threads, njit, prange
from numpy.typing import NDArray

from renown.graph.encode import CodedEvents, mapped_empty

I32Array = NDArray[np.int32]
I64Array = NDArray[np.int64]
U32Array = NDArray[np.uint32]
U64Array = NDArray[np.uint64]
F64Array = NDArray[np.float64]
KeyArray = U32Array | U64Array

SCALING_CODES: Final = {"log": 0, "cap": 1, "none": 2}
"""Pair scaling names -> codes understood by the scaling kernel."""

DIGIT_BITS: Final = 11
"""Radix digit width: 2048 counters stay in the first-level cache."""

BUCKET_EVENTS: Final = 1 << 14
"""Events per bucket (an actor with more gets a bucket of its own): a bucket and its
scratch copy, 12 bytes per event each, fit a core's second-level cache."""

SLICE_EVENTS: Final = 1 << 20
"""Events scattered between two releases of the coded events' memory."""

_BUCKET_BITS: Final = 16
"""Top bits of a 64-bit event key free for the bucket when keys are 32 bits wide."""

_ANONYMOUS: Final = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
"""Key of an event without actor (its weight is summed by :func:`count_events`)."""

_SMALL_KEY_TARGET_BITS: Final = 24
"""Up to this many target bits, keys are 32 bits wide (at least 256 actors per bucket)."""


def count_events(
    endpoints: I32Array, weight: F64Array, n: int
) -> tuple[I64Array, I64Array, F64Array]:
    """Return ``(received, sent, anonymous)`` per node code.

    ``received`` and ``sent`` count events with an actor; ``anonymous`` sums, in arrival
    order, the weight of the events without one. ``endpoints`` is ``[actor_0, target_0,
    actor_1, ...]`` (see :meth:`renown.graph.encode.CodedEvents.endpoints`).
    """
    received = np.zeros(n, np.int64)
    sent = np.zeros(n, np.int64)
    anonymous = np.zeros(n, np.float64)
    _count(endpoints, weight, received, sent, anonymous)
    return received, sent, anonymous


@njit(cache=True, nogil=True)
def _count(
    endpoints: I32Array, weight: F64Array, received: I64Array, sent: I64Array, anonymous: F64Array
) -> None:
    for k in range(len(endpoints) // 2):
        actor = endpoints[2 * k]
        target = endpoints[2 * k + 1]
        if actor >= 0:
            sent[actor] += 1
            received[target] += 1
        else:
            anonymous[target] += weight[k]


def pair_csr(
    events: CodedEvents,
    new_of_old: I32Array,
    sent: I64Array,
    *,
    scaling: str,
    cap: float,
    bucket_events: int = BUCKET_EVENTS,
) -> tuple[I64Array, I32Array, F64Array, F64Array]:
    """Sum the events of every (actor, target) pair, renumbered, into a scaled pair CSR.

    Parameters
    ----------
    events:
        The coded events; their arrays are released (``events`` is left empty) as soon
        as they have been read, so that they do not live alongside the result.
    new_of_old:
        Renumbering of node codes.
    sent:
        Events with an actor sent by each node (old numbering), from :func:`count_events`.
    scaling, cap:
        Pair scaling (:data:`SCALING_CODES`) and the cap of ``"cap"``.
    bucket_events:
        Events per bucket (see :data:`BUCKET_EVENTS`); only tests change it.

    Returns
    -------
    tuple
        ``(indptr, indices, weights, volume)`` of the pair CSR, targets ascending;
        ``indices`` and ``volume`` are views of event-sized arrays.
    """
    n = len(new_of_old)
    target_bits = max(1, (n - 1).bit_length())
    small = target_bits <= _SMALL_KEY_TARGET_BITS
    key_type = np.uint32 if small else np.uint64
    max_rows = 1 << ((32 if small else 64) - target_bits)
    row_events = np.empty(n, np.int64)
    row_events[new_of_old] = sent
    bucket_start = _plan_buckets(row_events, max(1, bucket_events), min(max_rows, 1 << 40))
    del row_events
    buckets = len(bucket_start) - 1
    # with 32-bit keys the bucket rides in the top bits of each event's 64-bit key, so
    # the scatter never looks anything up; otherwise it looks the bucket up per event
    bucket_shift = 64 - _BUCKET_BITS if small and buckets < 1 << _BUCKET_BITS else 0
    bucket_of_new = np.repeat(np.arange(buckets, dtype=np.int32), np.diff(bucket_start))
    key_of_old = np.left_shift(new_of_old.astype(np.uint64), np.uint64(target_bits))
    if bucket_shift:
        key_of_old |= bucket_of_new[new_of_old].astype(np.uint64) << np.uint64(bucket_shift)
    keys_in, weight = events.pairs[: events.size], events.weight[: events.size]
    parts = max(1, get_num_threads())
    slices = max(1, -(-len(weight) // SLICE_EVENTS))
    bounds = np.linspace(0, len(weight), slices * parts + 1).astype(np.int64)
    _fill_keys(keys_in, key_of_old, new_of_old, bounds)
    del key_of_old
    coding = (np.uint64(bucket_shift), np.uint64(target_bits), bucket_of_new, bucket_start)
    positions = np.zeros((slices * parts, buckets), np.int64)
    _bucket_histogram(keys_in, *coding, bounds, positions)
    bucket_offsets = _exclusive_offsets(positions)
    total = int(bucket_offsets[-1])
    keys, volume = mapped_empty(total, key_type), mapped_empty(total, np.float64)
    for piece in range(slices):
        rows = slice(piece * parts, (piece + 1) * parts)
        chunk = bounds[piece * parts : (piece + 1) * parts + 1]
        _scatter(keys_in, weight, *coding, chunk, positions[rows], keys, volume)
        events.release_front(int(chunk[-1]))
    del keys_in, weight, positions, coding, bucket_of_new
    events.release()
    indptr = np.zeros(n + 1, np.int64)
    pair_counts = np.empty(len(bucket_start) - 1, np.int64)
    _sort_and_sum_buckets(
        keys, volume, bucket_offsets, bucket_start, np.uint64(target_bits), indptr, pair_counts
    )
    m = _compact(keys, volume, bucket_offsets, pair_counts)
    np.cumsum(indptr, out=indptr)
    indices = keys.view(np.int32)[:m] if small else np.empty(m, np.int32)
    scaled = np.empty(m, np.float64)
    _targets_and_scale(
        keys[:m], np.uint64(target_bits), volume[:m], SCALING_CODES[scaling], cap, indices, scaled
    )
    return indptr, indices, scaled, volume[:m]


@njit(cache=True, nogil=True)
def _plan_buckets(row_events: I64Array, max_events: int, max_rows: int) -> I64Array:
    """First row of every bucket (and the row count at the end): consecutive rows, at most
    ``max_rows`` of them, holding at most ``max_events`` events unless a single row does."""
    n = len(row_events)
    starts = np.empty(n + 2, np.int64)
    starts[0] = 0
    buckets = 0
    events = 0
    rows = 0
    for row in range(n):
        count = row_events[row]
        if rows > 0 and (events + count > max_events or rows == max_rows):
            buckets += 1
            starts[buckets] = row
            events = 0
            rows = 0
        events += count
        rows += 1
    buckets += 1
    starts[buckets] = n
    return starts[: buckets + 1].copy()


@njit(cache=True, parallel=True, nogil=True)
def _fill_keys(
    pairs: U64Array, key_of_old: U64Array, new_of_old: I32Array, bounds: I64Array
) -> None:
    """Overwrite every coded event with its key (``_ANONYMOUS`` for events without actor).

    Entry ``k`` is read before it is written, so this runs in place.
    """
    endpoints = pairs.view(np.int32)
    for part in prange(len(bounds) - 1):
        for k in range(bounds[part], bounds[part + 1]):
            actor = endpoints[2 * k]
            if actor < 0:
                pairs[k] = _ANONYMOUS
            else:
                pairs[k] = key_of_old[actor] | np.uint64(new_of_old[endpoints[2 * k + 1]])


@njit(cache=True, nogil=True, inline="always")
def _bucket_of(
    key: np.uint64, bucket_shift: np.uint64, target_bits: np.uint64, bucket_of_new: I32Array
) -> np.int64:
    if bucket_shift:
        return np.int64(key >> bucket_shift)
    return np.int64(bucket_of_new[key >> target_bits])


@njit(cache=True, parallel=True, nogil=True)
def _bucket_histogram(
    keys: U64Array,
    bucket_shift: np.uint64,
    target_bits: np.uint64,
    bucket_of_new: I32Array,
    bucket_start: I64Array,
    bounds: I64Array,
    histogram: I64Array,
) -> None:
    for part in prange(len(bounds) - 1):
        for k in range(bounds[part], bounds[part + 1]):
            key = keys[k]
            if key != _ANONYMOUS:
                histogram[part, _bucket_of(key, bucket_shift, target_bits, bucket_of_new)] += 1


@njit(cache=True, nogil=True)
def _exclusive_offsets(histogram: I64Array) -> I64Array:
    """Turn per-part bucket counts into write positions (bucket-major, parts in order);
    return where every bucket starts, plus the total at the end."""
    parts, buckets = histogram.shape
    bucket_offsets = np.empty(buckets + 1, np.int64)
    total = 0
    for bucket in range(buckets):
        bucket_offsets[bucket] = total
        for part in range(parts):
            count = histogram[part, bucket]
            histogram[part, bucket] = total
            total += count
    bucket_offsets[buckets] = total
    return bucket_offsets


@njit(cache=True, parallel=True, nogil=True)
def _scatter(
    keys_in: U64Array,
    weight: F64Array,
    bucket_shift: np.uint64,
    target_bits: np.uint64,
    bucket_of_new: I32Array,
    bucket_start: I64Array,
    bounds: I64Array,
    positions: I64Array,
    keys: KeyArray,
    volume: F64Array,
) -> None:
    """Move every event to its bucket, keyed by ``(actor in bucket, target)``."""
    low = (np.uint64(1) << bucket_shift) - np.uint64(1) if bucket_shift else ~np.uint64(0)
    for part in prange(len(bounds) - 1):
        for k in range(bounds[part], bounds[part + 1]):
            key = keys_in[k]
            if key == _ANONYMOUS:
                continue
            bucket = _bucket_of(key, bucket_shift, target_bits, bucket_of_new)
            position = positions[part, bucket]
            positions[part, bucket] = position + 1
            keys[position] = (key & low) - (np.uint64(bucket_start[bucket]) << target_bits)
            volume[position] = weight[k]


@njit(cache=True, parallel=True, nogil=True)
def _sort_and_sum_buckets(
    keys: KeyArray,
    volume: F64Array,
    bucket_offsets: I64Array,
    bucket_start: I64Array,
    target_bits: np.uint64,
    row_counts: I64Array,
    pair_counts: I64Array,
) -> None:
    """Sort every bucket by key and sum runs of equal keys to the bucket's front.

    ``row_counts[row + 1]`` receives the number of pairs of each row; buckets own disjoint
    rows, so they run in parallel without sharing a counter.
    """
    for bucket in prange(len(pair_counts)):
        start = bucket_offsets[bucket]
        end = bucket_offsets[bucket + 1]
        rows = bucket_start[bucket + 1] - bucket_start[bucket]
        key_bits = _bit_length(rows - 1)
        _radix_sort(keys[start:end], volume[start:end], key_bits + int(target_bits))
        pair_counts[bucket] = _sum_runs(
            keys[start:end], volume[start:end], target_bits, row_counts[bucket_start[bucket] :]
        )


@njit(cache=True, nogil=True, inline="always")
def _bit_length(value: int) -> int:
    bits = 0
    while value > 0:
        value >>= 1
        bits += 1
    return bits


@njit(cache=True, nogil=True)
def _radix_sort(keys: KeyArray, values: F64Array, key_bits: int) -> None:
    """Stable LSD radix sort of ``keys`` (carrying ``values``) on their low ``key_bits``,
    in place; digits on which all keys agree are skipped."""
    size = len(keys)
    if size < 2:
        return
    buckets = 1 << DIGIT_BITS
    mask = np.uint64(buckets - 1)
    counts = np.empty(buckets, np.int64)
    source_keys, source_values = keys, values
    spare_keys, spare_values = np.empty_like(keys), np.empty_like(values)
    in_spare = False
    for shift in range(0, key_bits, DIGIT_BITS):
        counts[:] = 0
        for i in range(size):
            counts[(np.uint64(source_keys[i]) >> np.uint64(shift)) & mask] += 1
        total = 0
        skip = False
        for digit in range(buckets):
            count = counts[digit]
            if count == size:
                skip = True
                break
            counts[digit] = total
            total += count
        if skip:
            continue
        for i in range(size):
            key = source_keys[i]
            position = counts[(np.uint64(key) >> np.uint64(shift)) & mask]
            counts[(np.uint64(key) >> np.uint64(shift)) & mask] = position + 1
            spare_keys[position] = key
            spare_values[position] = source_values[i]
        source_keys, spare_keys = spare_keys, source_keys
        source_values, spare_values = spare_values, source_values
        in_spare = not in_spare
    if in_spare:
        keys[:] = source_keys
        values[:] = source_values


@njit(cache=True, nogil=True)
def _sum_runs(
    keys: KeyArray, volume: F64Array, target_bits: np.uint64, row_counts: I64Array
) -> int:
    """Compact runs of equal keys to the front; ``row_counts[row + 1]`` counts pairs."""
    out = -1
    for k in range(len(keys)):
        key = keys[k]
        if k == 0 or key != keys[out]:
            out += 1
            keys[out] = key
            volume[out] = volume[k]
            row_counts[(np.uint64(key) >> target_bits) + np.uint64(1)] += 1
        else:
            volume[out] += volume[k]
    return out + 1


@njit(cache=True, nogil=True)
def _compact(
    keys: KeyArray, volume: F64Array, bucket_offsets: I64Array, pair_counts: I64Array
) -> int:
    """Move every bucket's pairs next to the previous bucket's (in order, so never over
    data still to be moved); return the number of pairs."""
    out = 0
    for bucket in range(len(pair_counts)):
        start = bucket_offsets[bucket]
        for k in range(start, start + pair_counts[bucket]):
            keys[out] = keys[k]
            volume[out] = volume[k]
            out += 1
    return out


@njit(cache=True, parallel=True, nogil=True)
def _targets_and_scale(
    keys: KeyArray,
    target_bits: np.uint64,
    volume: F64Array,
    mode: int,
    cap: float,
    indices: I32Array,
    scaled: F64Array,
) -> None:
    # ``indices`` may be ``keys`` itself viewed as int32: entry ``e`` is read before written
    mask = (np.uint64(1) << target_bits) - np.uint64(1)
    for e in prange(len(volume)):
        indices[e] = np.uint64(keys[e]) & mask
        if mode == 0:
            scaled[e] = np.log1p(volume[e])
        elif mode == 1:
            scaled[e] = min(volume[e], cap)
        else:
            scaled[e] = volume[e]
