"""BLAKE2b-128 hex digests of a whole text column, computed in compiled code.

Event keys are ``blake2b(text, digest_size=16).hexdigest()`` (see
:func:`renown.core.events.event_key`), and lakes already hold millions of them, so the
function itself cannot change. What can change is how it is run: calling :mod:`hashlib` once
per row costs a Python string, a bytes object and a hex string per row (over a microsecond
each at ten million rows, most of a large import). Here the column's Arrow buffers (one
offsets array, one data buffer) go to a numba kernel that hashes every row, in parallel, and
writes the 32 hex characters straight into the data buffer of the resulting string column:
no Python object per row.

The kernel implements RFC 7693 for unkeyed hashing with a 16-byte digest; the test suite
checks it against :mod:`hashlib` on lengths around every block boundary and on random text.
No library hashes a whole column with BLAKE2b and a 16-byte digest (column hashing plugins
offer SHA-2, SHA-3 or BLAKE3, and a 64-byte BLAKE2b cut to 16 bytes is a different
function, since the digest length is part of BLAKE2b's parameter block).

Small columns are hashed by :mod:`hashlib`: below a few thousand rows that is quicker than
loading the compiled kernel.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Final

import numpy as np
import polars as pl
import pyarrow as pa
from numba import njit, prange
from numpy.typing import NDArray

DIGEST_BYTES: Final = 16
HEX_CHARS: Final = 2 * DIGEST_BYTES
SMALL_COLUMN: Final = 4096
"""Columns shorter than this are hashed by :mod:`hashlib` (no kernel to load)."""

_BLOCK: Final = 128
_IV: Final = np.array(
    [
        0x6A09E667F3BCC908,
        0xBB67AE8584CAA73B,
        0x3C6EF372FE94F82B,
        0xA54FF53A5F1D36F1,
        0x510E527FADE682D1,
        0x9B05688C2B3E6C1F,
        0x1F83D9ABFB41BD6B,
        0x5BE0CD19137E2179,
    ],
    dtype=np.uint64,
)
_PARAMETERS: Final = np.uint64(0x01010000 | DIGEST_BYTES)
"""First parameter word: digest length, no key, fanout 1, depth 1 (RFC 7693, 2.5)."""
State = tuple[np.uint64, ...]
_HEX: Final = np.frombuffer(b"0123456789abcdef", dtype=np.uint8).copy()
_ROWS_PER_TASK: Final = 8192


@njit(cache=True, nogil=True)
def _rotr(x: np.uint64, n: np.uint64) -> np.uint64:
    return (x >> n) | (x << (np.uint64(64) - n))


@njit(cache=True, nogil=True)
def _mix(
    a: np.uint64, b: np.uint64, c: np.uint64, d: np.uint64, x: np.uint64, y: np.uint64
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    """The G function of RFC 7693, 3.1."""
    a = a + b + x
    d = _rotr(d ^ a, np.uint64(32))
    c = c + d
    b = _rotr(b ^ c, np.uint64(24))
    a = a + b + y
    d = _rotr(d ^ a, np.uint64(16))
    c = c + d
    b = _rotr(b ^ c, np.uint64(63))
    return a, b, c, d


@njit(cache=True, nogil=True)
def _round(
    v: State,
    x0: np.uint64,
    x1: np.uint64,
    x2: np.uint64,
    x3: np.uint64,
    x4: np.uint64,
    x5: np.uint64,
    x6: np.uint64,
    x7: np.uint64,
    x8: np.uint64,
    x9: np.uint64,
    x10: np.uint64,
    x11: np.uint64,
    x12: np.uint64,
    x13: np.uint64,
    x14: np.uint64,
    x15: np.uint64,
) -> State:
    """One round: the message words come already permuted (RFC 7693, 3.2)."""
    v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15 = v
    v0, v4, v8, v12 = _mix(v0, v4, v8, v12, x0, x1)
    v1, v5, v9, v13 = _mix(v1, v5, v9, v13, x2, x3)
    v2, v6, v10, v14 = _mix(v2, v6, v10, v14, x4, x5)
    v3, v7, v11, v15 = _mix(v3, v7, v11, v15, x6, x7)
    v0, v5, v10, v15 = _mix(v0, v5, v10, v15, x8, x9)
    v1, v6, v11, v12 = _mix(v1, v6, v11, v12, x10, x11)
    v2, v7, v8, v13 = _mix(v2, v7, v8, v13, x12, x13)
    v3, v4, v9, v14 = _mix(v3, v4, v9, v14, x14, x15)
    return (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15)


@njit(cache=True, nogil=True)
def _compress(h: NDArray[np.uint64], m: NDArray[np.uint64], counter: np.uint64, last: bool) -> None:
    """Fold one 128-byte block (as 16 little-endian words) into the state ``h``.

    The twelve rounds are written out, each with its permutation of the message words
    (the table in RFC 7693, 2.7), so that the whole state stays in registers.
    """
    m0, m1, m2, m3, m4, m5, m6, m7 = m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]
    m8, m9, m10, m11, m12, m13, m14, m15 = m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15]
    final = ~_IV[6] if last else _IV[6]
    v: State = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], _IV[0], _IV[1], _IV[2], _IV[3])
    v = (*v, _IV[4] ^ counter, _IV[5], final, _IV[7])  # the counter's high word is zero
    v = _round(v, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15)
    v = _round(v, m14, m10, m4, m8, m9, m15, m13, m6, m1, m12, m0, m2, m11, m7, m5, m3)
    v = _round(v, m11, m8, m12, m0, m5, m2, m15, m13, m10, m14, m3, m6, m7, m1, m9, m4)
    v = _round(v, m7, m9, m3, m1, m13, m12, m11, m14, m2, m6, m5, m10, m4, m0, m15, m8)
    v = _round(v, m9, m0, m5, m7, m2, m4, m10, m15, m14, m1, m11, m12, m6, m8, m3, m13)
    v = _round(v, m2, m12, m6, m10, m0, m11, m8, m3, m4, m13, m7, m5, m15, m14, m1, m9)
    v = _round(v, m12, m5, m1, m15, m14, m13, m4, m10, m0, m7, m6, m3, m9, m2, m8, m11)
    v = _round(v, m13, m11, m7, m14, m12, m1, m3, m9, m5, m0, m15, m4, m8, m6, m2, m10)
    v = _round(v, m6, m15, m14, m9, m11, m3, m0, m8, m12, m2, m13, m7, m1, m4, m10, m5)
    v = _round(v, m10, m2, m8, m4, m7, m6, m1, m5, m15, m11, m9, m14, m3, m12, m13, m0)
    v = _round(v, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15)
    v = _round(v, m14, m10, m4, m8, m9, m15, m13, m6, m1, m12, m0, m2, m11, m7, m5, m3)
    for k in range(8):
        h[k] ^= v[k] ^ v[k + 8]


@njit(cache=True, nogil=True)
def _hash_rows(
    offsets: NDArray[np.int64],
    data: NDArray[np.uint8],
    out: NDArray[np.uint8],
    first: int,
    stop: int,
) -> None:
    """Hex digests of rows ``first`` to ``stop - 1`` into ``out`` (32 bytes per row)."""
    block = np.zeros(_BLOCK, dtype=np.uint8)
    words = block.view(np.uint64)
    h = np.empty(8, dtype=np.uint64)
    for row in range(first, stop):
        start = offsets[row]
        length = offsets[row + 1] - start
        for k in range(8):
            h[k] = _IV[k]
        h[0] ^= _PARAMETERS
        done = 0
        while length - done > _BLOCK:  # every block but the last, which may be full
            block[:] = data[start + done : start + done + _BLOCK]
            done += _BLOCK
            _compress(h, words, np.uint64(done), False)
        rest = length - done
        block[:rest] = data[start + done : start + length]
        block[rest:] = 0
        _compress(h, words, np.uint64(length), True)
        at = row * HEX_CHARS
        for k in range(DIGEST_BYTES):
            byte = (h[k // 8] >> np.uint64(8 * (k % 8))) & np.uint64(0xFF)
            out[at + 2 * k] = _HEX[byte >> np.uint64(4)]
            out[at + 2 * k + 1] = _HEX[byte & np.uint64(0xF)]


@njit(cache=True, nogil=True, parallel=True)
def _hash_column(
    offsets: NDArray[np.int64], data: NDArray[np.uint8], out: NDArray[np.uint8]
) -> None:
    """Every row, in tasks of a few thousand rows spread over the cores."""
    rows = offsets.size - 1
    tasks = (rows + _ROWS_PER_TASK - 1) // _ROWS_PER_TASK
    for task in prange(tasks):
        first = task * _ROWS_PER_TASK
        _hash_rows(offsets, data, out, first, min(first + _ROWS_PER_TASK, rows))


def blake2b_hex(texts: pl.Series, name: str = "event_key") -> pl.Series:
    """``blake2b(text.encode(), digest_size=16).hexdigest()`` of every row, as a String series.

    ``texts`` is a String (or Binary) series without nulls.
    """
    if texts.null_count():
        raise ValueError("cannot hash null text")
    if texts.len() < SMALL_COLUMN or sys.byteorder != "little":
        blake2b = hashlib.blake2b
        binary = texts if texts.dtype == pl.Binary else texts.cast(pl.Binary)
        keys = [blake2b(text, digest_size=DIGEST_BYTES).hexdigest() for text in binary]
        return pl.Series(name, keys, dtype=pl.String)
    array = texts.cast(pl.Binary).to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.large_binary():
        array = array.cast(pa.large_binary())
    rows = len(array)
    _validity, offset_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[array.offset : array.offset + rows + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    out = np.empty(rows * HEX_CHARS, dtype=np.uint8)
    _hash_column(offsets, data, out)
    del array, data
    hex_offsets = np.arange(0, (rows + 1) * HEX_CHARS, HEX_CHARS, dtype=np.int64)
    keys = pa.LargeStringArray.from_buffers(rows, pa.py_buffer(hex_offsets), pa.py_buffer(out))
    series = pl.from_arrow(keys)
    assert isinstance(series, pl.Series)
    return series.alias(name)
