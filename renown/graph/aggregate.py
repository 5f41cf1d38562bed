"""Coded events -> per-pair volumes in CSR form, by counting sort (numba).

Why not a dataframe ``group_by``: the output must be a CSR matrix sorted by (actor,
target) anyway, and a counting sort by actor followed by a sort inside each (short) row
does both the grouping and the ordering, touching each event a fixed number of times.
Rows are independent, so the second step runs on all cores.

Events arrive in batches (see :mod:`renown.graph.encode`); nothing here concatenates
them, so peak memory stays near the size of the event arrays themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from renown.graph.kernels import balanced_row_blocks, default_blocks

I32Array = NDArray[np.int32]
I64Array = NDArray[np.int64]
F64Array = NDArray[np.float64]

SCALING_CODES: Final = {"log": 0, "cap": 1, "none": 2}
"""Pair scaling names -> codes understood by the merge kernel."""

_INSERTION_SORT_MAX: Final = 24


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


def bucket_by_source(
    sources: Sequence[I32Array],
    targets: Sequence[I32Array],
    weights: Sequence[F64Array],
    new_of_old: I32Array,
    sent_new: I64Array,
) -> tuple[I64Array, I32Array, F64Array, F64Array]:
    """Group renumbered events by actor (stable) and sum anonymous engagement.

    Parameters
    ----------
    sources, targets, weights:
        Event batches in old codes; ``source`` is ``-1`` for anonymous events. Each batch
        is read once and can be released by the caller afterwards.
    new_of_old:
        Renumbering of node codes.
    sent_new:
        Number of non-anonymous events per (new) actor.

    Returns
    -------
    tuple
        ``(row_start, target, weight, anonymous)``: events in actor order, as a CSR with
        duplicate targets still present, and the anonymous weight each node received.
    """
    n = len(sent_new)
    row_start = np.zeros(n + 1, np.int64)
    np.cumsum(sent_new, out=row_start[1:])
    cursor = row_start[:-1].copy()
    total = int(row_start[-1])
    bucket_target = np.empty(total, np.int32)
    bucket_weight = np.empty(total, np.float64)
    anonymous = np.zeros(n, np.float64)
    for source, target, weight in zip(sources, targets, weights, strict=True):
        _scatter(
            source, target, weight, new_of_old, cursor, bucket_target, bucket_weight, anonymous
        )
    return row_start, bucket_target, bucket_weight, anonymous


@njit(cache=True, nogil=True)
def _scatter(  # noqa: PLR0917 (numba kernels take arrays positionally)
    source: I32Array,
    target: I32Array,
    weight: F64Array,
    new_of_old: I32Array,
    cursor: I64Array,
    bucket_target: I32Array,
    bucket_weight: F64Array,
    anonymous: F64Array,
) -> None:
    for k in range(len(source)):
        destination = new_of_old[target[k]]
        actor = source[k]
        if actor < 0:
            anonymous[destination] += weight[k]
            continue
        row = new_of_old[actor]
        position = cursor[row]
        cursor[row] = position + 1
        bucket_target[position] = destination
        bucket_weight[position] = weight[k]


def merge_pairs(
    row_start: I64Array,
    bucket_target: I32Array,
    bucket_weight: F64Array,
    scaling: str,
    cap: float,
) -> tuple[I64Array, I32Array, F64Array, F64Array]:
    """Sum the events of each (actor, target) pair and scale the pair volumes.

    Sorts every row of the bucketed events by target in place (stable, so sums add
    events in their original order), then writes one entry per distinct pair.

    Returns
    -------
    tuple
        ``(indptr, indices, weights, volume)`` of the pair CSR, targets ascending.
    """
    mode = SCALING_CODES[scaling]
    blocks = balanced_row_blocks(row_start, default_blocks())
    distinct = _sort_rows(row_start, bucket_target, bucket_weight, blocks)
    indptr = np.zeros(len(row_start), np.int64)
    np.cumsum(distinct, out=indptr[1:])
    m = int(indptr[-1])
    indices = np.empty(m, np.int32)
    volume = np.empty(m, np.float64)
    weights = np.empty(m, np.float64)
    _merge_rows(
        row_start, bucket_target, bucket_weight, indptr, indices, volume, weights, blocks, mode, cap
    )
    return indptr, indices, weights, volume


@njit(cache=True, parallel=True, nogil=True)
def _sort_rows(
    row_start: I64Array, target: I32Array, weight: F64Array, blocks: I64Array
) -> I64Array:
    n = len(row_start) - 1
    distinct = np.zeros(n, np.int64)
    for block in prange(len(blocks) - 1):
        for row in range(blocks[block], blocks[block + 1]):
            low = row_start[row]
            high = row_start[row + 1]
            if high - low <= _INSERTION_SORT_MAX:
                _insertion_sort(target, weight, low, high)
            else:
                order = np.argsort(target[low:high], kind="mergesort")
                target[low:high] = target[low:high][order]
                weight[low:high] = weight[low:high][order]
            count = 0
            previous = -1
            for k in range(low, high):
                if target[k] != previous:
                    count += 1
                    previous = target[k]
            distinct[row] = count
    return distinct


@njit(cache=True, nogil=True, inline="always")
def _insertion_sort(target: I32Array, weight: F64Array, low: int, high: int) -> None:
    for k in range(low + 1, high):
        key = target[k]
        value = weight[k]
        j = k - 1
        while j >= low and target[j] > key:
            target[j + 1] = target[j]
            weight[j + 1] = weight[j]
            j -= 1
        target[j + 1] = key
        weight[j + 1] = value


@njit(cache=True, parallel=True, nogil=True)
def _merge_rows(  # noqa: PLR0917 (numba kernels take arrays positionally)
    row_start: I64Array,
    target: I32Array,
    weight: F64Array,
    indptr: I64Array,
    indices: I32Array,
    volume: F64Array,
    scaled: F64Array,
    blocks: I64Array,
    mode: int,
    cap: float,
) -> None:
    for block in prange(len(blocks) - 1):
        for row in range(blocks[block], blocks[block + 1]):
            out = indptr[row] - 1
            previous = -1
            for k in range(row_start[row], row_start[row + 1]):
                if target[k] != previous:
                    out += 1
                    previous = target[k]
                    indices[out] = previous
                    volume[out] = weight[k]
                else:
                    volume[out] += weight[k]
            for e in range(indptr[row], indptr[row + 1]):
                if mode == 0:
                    scaled[e] = np.log1p(volume[e])
                elif mode == 1:
                    scaled[e] = min(volume[e], cap)
                else:
                    scaled[e] = volume[e]
