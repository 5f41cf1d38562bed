"""Coded events -> per-pair volumes in CSR form, by a parallel radix sort (numba).

Why a radix sort: the output must be a CSR matrix sorted by (actor, target), so grouping
and ordering are one job. Each event becomes one 64-bit key ``actor << b | target``; an
LSD radix sort on 11-bit digits moves every key a few times through sequential streams
that stay in cache, where a counting sort by actor would scatter each event to a random
address and a per-row sort would need a second pass. Equal keys are then adjacent and
their weights are summed in the order the events arrived (the sort is stable), so a
given input always gives bit-identical volumes.

Events arrive in batches (see :mod:`renown.graph.encode`); keys are written straight into
one array and each batch can be released afterwards, so peak memory stays near twice the
size of the key and weight arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def count_events(
    sources: Sequence[I32Array], targets: Sequence[I32Array], n: int
) -> tuple[I64Array, I64Array]:
    """Return ``(received, sent)`` event counts per node code (anonymous events excluded)."""
    received = np.zeros(n, np.int64)
    sent = np.zeros(n, np.int64)
    for source, target in zip(sources, targets, strict=True):
        _count(source, target, received, sent)
    return received, sent


@njit(cache=True, nogil=True)
def _count(source: I32Array, target: I32Array, received: I64Array, sent: I64Array) -> None:
    for k in range(len(source)):
        actor = source[k]
        if actor >= 0:
            sent[actor] += 1
            received[target[k]] += 1


def pair_keys(
    sources: list[I32Array],
    targets: list[I32Array],
    weights: list[F64Array],
    new_of_old: I32Array,
    n_edges: int,
) -> tuple[U64Array, F64Array, F64Array, int]:
    """Renumber events into sortable pair keys and sum anonymous engagement.

    Parameters
    ----------
    sources, targets, weights:
        Event batches in old codes; ``source`` is ``-1`` for anonymous events. The lists
        are emptied batch by batch, so each batch's memory is returned as soon as its keys
        are written.
    new_of_old:
        Renumbering of node codes.
    n_edges:
        Number of non-anonymous events in all batches.

    Returns
    -------
    tuple
        ``(keys, weight, anonymous, target_bits)``: one key ``actor << target_bits |
        target`` per non-anonymous event in arrival order, its weight, and the anonymous
        weight each node received.
    """
    n = len(new_of_old)
    target_bits = max(1, (n - 1).bit_length())
    keys = np.empty(n_edges, np.uint64)
    weight = np.empty(n_edges, np.float64)
    anonymous = np.zeros(n, np.float64)
    offset = 0
    sources.reverse()
    targets.reverse()
    weights.reverse()
    while sources:
        offset = _fill_keys(
            sources.pop(),
            targets.pop(),
            weights.pop(),
            new_of_old,
            np.uint64(target_bits),
            keys,
            weight,
            anonymous,
            offset,
        )
    return keys, weight, anonymous, target_bits


@njit(cache=True, nogil=True)
def _fill_keys(
    source: I32Array,
    target: I32Array,
    w: F64Array,
    new_of_old: I32Array,
    target_bits: np.uint64,
    keys: U64Array,
    weight: F64Array,
    anonymous: F64Array,
    offset: int,
) -> int:
    for k in range(len(source)):
        destination = new_of_old[target[k]]
        actor = source[k]
        if actor < 0:
            anonymous[destination] += w[k]
            continue
        keys[offset] = (np.uint64(new_of_old[actor]) << target_bits) | np.uint64(destination)
        weight[offset] = w[k]
        offset += 1
    return offset


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
