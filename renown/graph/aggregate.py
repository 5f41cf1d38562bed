"""Coded events -> per-pair volumes in CSR form, by a parallel radix sort (numba).

Why a radix sort: the output must be a CSR matrix sorted by (actor, target), so grouping
and ordering are one job. Each event becomes one 64-bit key ``actor << b | target``; an
LSD radix sort on 11-bit digits moves every key a few times through sequential streams
that stay in cache, where a counting sort by actor would scatter each event to a random
address and a per-row sort would need a second pass. Equal keys are then adjacent and
their weights are summed in the order the events arrived (the sort is stable), so a
given input always gives bit-identical volumes.

Keys overwrite the coded events in place (see :class:`renown.graph.encode.CodedEvents`),
so peak memory is the sort's two buffers: about twice the raw edge arrays.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numba import get_num_threads, njit, prange
from numpy.typing import NDArray

I32Array = NDArray[np.int32]
I64Array = NDArray[np.int64]
U64Array = NDArray[np.uint64]
F64Array = NDArray[np.float64]

SCALING_CODES: Final = {"log": 0, "cap": 1, "none": 2}
"""Pair scaling names -> codes understood by the scaling kernel."""

DIGIT_BITS: Final = 11
"""Radix digit width: 2048 buckets keep every thread's write streams inside its L2."""


def count_events(endpoints: I32Array, n: int) -> tuple[I64Array, I64Array]:
    """Return ``(received, sent)`` event counts per node code (anonymous events excluded).

    ``endpoints`` is ``[actor_0, target_0, actor_1, ...]`` (see
    :meth:`renown.graph.encode.CodedEvents.endpoints`).
    """
    received = np.zeros(n, np.int64)
    sent = np.zeros(n, np.int64)
    _count(endpoints, received, sent)
    return received, sent


@njit(cache=True, nogil=True)
def _count(endpoints: I32Array, received: I64Array, sent: I64Array) -> None:
    for k in range(len(endpoints) // 2):
        actor = endpoints[2 * k]
        if actor >= 0:
            sent[actor] += 1
            received[endpoints[2 * k + 1]] += 1


def pair_keys_in_place(
    pairs: U64Array, weight: F64Array, new_of_old: I32Array
) -> tuple[U64Array, F64Array, F64Array, int]:
    """Turn coded events into sortable pair keys, in place, and sum anonymous engagement.

    Parameters
    ----------
    pairs:
        Coded events (actor and target codes as two int32 per entry, see
        :class:`renown.graph.encode.CodedEvents`); overwritten with keys.
    weight:
        Weight of each event; compacted alongside.
    new_of_old:
        Renumbering of node codes.

    Returns
    -------
    tuple
        ``(keys, weight, anonymous, target_bits)``: one key ``actor << target_bits |
        target`` per non-anonymous event in arrival order (views of the inputs), its
        weight, and the anonymous weight each node received.
    """
    n = len(new_of_old)
    target_bits = max(1, (n - 1).bit_length())
    anonymous = np.zeros(n, np.float64)
    count = _fill_keys(pairs, weight, new_of_old, np.uint64(target_bits), anonymous)
    return pairs[:count], weight[:count], anonymous, target_bits


@njit(cache=True, nogil=True)
def _fill_keys(
    pairs: U64Array,
    weight: F64Array,
    new_of_old: I32Array,
    target_bits: np.uint64,
    anonymous: F64Array,
) -> int:
    endpoints = pairs.view(np.int32)
    out = 0
    for k in range(len(pairs)):
        actor = endpoints[2 * k]
        destination = new_of_old[endpoints[2 * k + 1]]
        w = weight[k]
        if actor < 0:
            anonymous[destination] += w
            continue
        # entry ``out <= k`` was read already, so overwriting it is safe
        pairs[out] = (np.uint64(new_of_old[actor]) << target_bits) | np.uint64(destination)
        weight[out] = w
        out += 1
    return out


def radix_sort_pairs(keys: U64Array, values: F64Array, key_bits: int) -> tuple[U64Array, F64Array]:
    """Stable LSD radix sort of ``keys`` (carrying ``values``) on their low ``key_bits``.

    Returns sorted copies; the inputs are used as scratch space and must not be reused.
    Digits on which all keys agree are skipped.
    """
    if len(keys) < 2:
        return keys, values
    parts = max(1, get_num_threads())
    bounds = np.linspace(0, len(keys), parts + 1).astype(np.int64)
    spare_keys = np.empty_like(keys)
    spare_values = np.empty_like(values)
    histogram = np.zeros((parts, 1 << DIGIT_BITS), np.int64)
    for shift in range(0, key_bits, DIGIT_BITS):
        moved = _radix_pass(
            keys, values, spare_keys, spare_values, np.uint64(shift), bounds, histogram
        )
        if moved:
            keys, spare_keys = spare_keys, keys
            values, spare_values = spare_values, values
    return keys, values


@njit(cache=True, parallel=True, nogil=True)
def _radix_pass(
    keys: U64Array,
    values: F64Array,
    out_keys: U64Array,
    out_values: F64Array,
    shift: np.uint64,
    bounds: I64Array,
    histogram: NDArray[np.int64],
) -> bool:
    parts = len(bounds) - 1
    buckets = histogram.shape[1]
    mask = np.uint64(buckets - 1)
    histogram[:] = 0
    for part in prange(parts):
        for i in range(bounds[part], bounds[part + 1]):
            histogram[part, (keys[i] >> shift) & mask] += 1
    total = 0
    for bucket in range(buckets):
        in_bucket = 0
        for part in range(parts):
            in_bucket += histogram[part, bucket]
        if in_bucket == len(keys):
            return False  # every key has this digit: the pass would not move anything
        for part in range(parts):
            count = histogram[part, bucket]
            histogram[part, bucket] = total
            total += count
    for part in prange(parts):
        for i in range(bounds[part], bounds[part + 1]):
            key = keys[i]
            digit = (key >> shift) & mask
            position = histogram[part, digit]
            histogram[part, digit] = position + 1
            out_keys[position] = key
            out_values[position] = values[i]
    return True


def pairs_to_csr(
    keys: U64Array, weight: F64Array, *, target_bits: int, n: int, scaling: str, cap: float
) -> tuple[I64Array, I32Array, F64Array, F64Array]:
    """Sum runs of equal sorted keys into pair volumes and scale them.

    The volumes are written over the front of ``weight`` (a run never starts before its
    own position), so the returned ``volume`` is a view of it and no second event-sized
    array is allocated; ``keys`` and ``weight`` must not be reused.

    Returns
    -------
    tuple
        ``(indptr, indices, weights, volume)`` of the pair CSR, targets ascending.
    """
    indptr = np.zeros(n + 1, np.int64)
    m = _sum_runs_in_place(keys, weight, np.uint64(target_bits), indptr)
    np.cumsum(indptr, out=indptr)
    indices = np.empty(m, np.int32)
    scaled = np.empty(m, np.float64)
    volume = weight[:m]
    _targets_and_scale(
        keys[:m], np.uint64(target_bits), volume, SCALING_CODES[scaling], cap, indices, scaled
    )
    return indptr, indices, scaled, volume


@njit(cache=True, nogil=True)
def _sum_runs_in_place(
    keys: U64Array, weight: F64Array, target_bits: np.uint64, row_counts: I64Array
) -> int:
    """Compact runs of equal keys to the front; ``row_counts[row + 1]`` counts pairs."""
    out = -1
    for k in range(len(keys)):
        key = keys[k]
        if k == 0 or key != keys[out]:
            out += 1
            keys[out] = key
            weight[out] = weight[k]
            row_counts[(key >> target_bits) + np.uint64(1)] += 1
        else:
            weight[out] += weight[k]
    return out + 1


@njit(cache=True, parallel=True, nogil=True)
def _targets_and_scale(
    keys: U64Array,
    target_bits: np.uint64,
    volume: F64Array,
    mode: int,
    cap: float,
    indices: I32Array,
    scaled: F64Array,
) -> None:
    mask = (np.uint64(1) << target_bits) - np.uint64(1)
    for e in prange(len(volume)):
        indices[e] = keys[e] & mask
        if mode == 0:
            scaled[e] = np.log1p(volume[e])
        elif mode == 1:
            scaled[e] = min(volume[e], cap)
        else:
            scaled[e] = volume[e]
