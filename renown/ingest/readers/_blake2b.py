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
def _digest(
    data: NDArray[np.uint8],
    start: int,
    length: int,
    block: NDArray[np.uint8],
    h: NDArray[np.uint64],
    out: NDArray[np.uint8],
    at: int,
) -> None:
    """Hex digest of ``data[start : start + length]`` into ``out[at : at + 32]``.

    ``block`` (128 bytes) and ``h`` (8 words) are scratch space reused from row to row.
    """
    words = block.view(np.uint64)
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
    for k in range(DIGEST_BYTES):
        byte = (h[k // 8] >> np.uint64(8 * (k % 8))) & np.uint64(0xFF)
        out[at + 2 * k] = _HEX[byte >> np.uint64(4)]
        out[at + 2 * k + 1] = _HEX[byte & np.uint64(0xF)]


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
    h = np.empty(8, dtype=np.uint64)
    for row in range(first, stop):
        start = offsets[row]
        _digest(data, start, offsets[row + 1] - start, block, h, out, row * HEX_CHARS)


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
    offsets, data = _bytes_of(texts)
    rows = offsets.size - 1
    out = np.empty(rows * HEX_CHARS, dtype=np.uint8)
    _hash_column(offsets, data, out)
    return _hex_series(out, rows, name)


# ---------------------------------------------------------------- content keys in one pass

_MICROS_PER_SECOND: Final = 1_000_000
_FIRST_YEAR_MICROS: Final = -30_610_224_000 * _MICROS_PER_SECOND  # 1000-01-01
_END_YEAR_MICROS: Final = 253_402_300_800 * _MICROS_PER_SECOND  # 10000-01-01
_TIME_TEXT: Final = 32
"""Longest timestamp text: ``YYYY-MM-DD HH:MM:SS.ffffff+00:00``."""
_NUMBER_TEXT: Final = 20


@njit(cache=True, nogil=True)
def _put_digits(buffer: NDArray[np.uint8], at: int, value: int, width: int) -> int:
    """``value`` in decimal, zero-padded to ``width`` digits, at ``buffer[at]``; the end."""
    for k in range(width - 1, -1, -1):
        buffer[at + k] = 48 + value % 10
        value //= 10
    return at + width


@njit(cache=True, nogil=True)
def _put_number(buffer: NDArray[np.uint8], at: int, value: int) -> int:
    """A non-negative integer as ``str(int)`` writes it; the end."""
    width = 1
    rest = value // 10
    while rest:
        width += 1
        rest //= 10
    return _put_digits(buffer, at, value, width)


@njit(cache=True, nogil=True)
def _put_time(buffer: NDArray[np.uint8], at: int, micros: int) -> int:
    """A UTC instant as ``str(datetime)`` writes it (years 1000 to 9999); the end.

    The calendar date comes from the day number by the usual civil-from-days arithmetic on
    400-year eras; the fraction is written only when the microseconds are not zero.
    """
    seconds = micros // _MICROS_PER_SECOND
    fraction = micros - seconds * _MICROS_PER_SECOND
    days = seconds // 86_400
    of_day = seconds - days * 86_400
    z = days + 719_468
    era = z // 146_097
    of_era = z - era * 146_097
    year_of_era = (of_era - of_era // 1460 + of_era // 36_524 - of_era // 146_096) // 365
    day_of_year = of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    at = _put_digits(buffer, at, year, 4)
    buffer[at] = 45  # -
    at = _put_digits(buffer, at + 1, month, 2)
    buffer[at] = 45
    at = _put_digits(buffer, at + 1, day, 2)
    buffer[at] = 32  # space
    at = _put_digits(buffer, at + 1, of_day // 3600, 2)
    buffer[at] = 58  # :
    at = _put_digits(buffer, at + 1, of_day % 3600 // 60, 2)
    buffer[at] = 58
    at = _put_digits(buffer, at + 1, of_day % 60, 2)
    if fraction:
        buffer[at] = 46  # .
        at = _put_digits(buffer, at + 1, fraction, 6)
    for byte in (43, 48, 48, 58, 48, 48):  # +00:00
        buffer[at] = byte
        at += 1
    return at


@njit(cache=True, nogil=True)
def _put_text(
    buffer: NDArray[np.uint8],
    at: int,
    offsets: NDArray[np.int64],
    data: NDArray[np.uint8],
    row: int,
) -> int:
    start, stop = offsets[row], offsets[row + 1]
    buffer[at : at + stop - start] = data[start:stop]
    end: int = at + stop - start
    return end


@njit(cache=True, nogil=True, parallel=True)
def _content_keys(  # the parts of a content key, as Arrow buffers
    label: NDArray[np.uint8],
    actor_o: NDArray[np.int64],
    actor_d: NDArray[np.uint8],
    target_o: NDArray[np.int64],
    target_d: NDArray[np.uint8],
    channel_o: NDArray[np.int64],
    channel_d: NDArray[np.uint8],
    kind_o: NDArray[np.int64],
    kind_d: NDArray[np.uint8],
    micros: NDArray[np.int64],
    ordinals: NDArray[np.int64],
    longest: int,
    out: NDArray[np.uint8],
) -> None:
    """Digest of ``label␟actor␟target␟time␟channel␟kind␟ordinal`` for every row."""
    rows = micros.size
    tasks = (rows + _ROWS_PER_TASK - 1) // _ROWS_PER_TASK
    for task in prange(tasks):
        first = task * _ROWS_PER_TASK
        buffer = np.empty(longest, dtype=np.uint8)
        block = np.zeros(_BLOCK, dtype=np.uint8)
        h = np.empty(8, dtype=np.uint64)
        for row in range(first, min(first + _ROWS_PER_TASK, rows)):
            at = label.size
            buffer[:at] = label
            buffer[at] = 31
            at = _put_text(buffer, at + 1, actor_o, actor_d, row)
            buffer[at] = 31
            at = _put_text(buffer, at + 1, target_o, target_d, row)
            buffer[at] = 31
            at = _put_time(buffer, at + 1, micros[row])
            buffer[at] = 31
            at = _put_text(buffer, at + 1, channel_o, channel_d, row)
            buffer[at] = 31
            at = _put_text(buffer, at + 1, kind_o, kind_d, row)
            buffer[at] = 31
            at = _put_number(buffer, at + 1, ordinals[row])
            _digest(buffer, 0, at, block, h, out, row * HEX_CHARS)


def content_key_hex(
    label: str,
    texts: tuple[pl.Series, pl.Series, pl.Series, pl.Series],
    micros: pl.Series,
    ordinals: pl.Series,
    name: str = "event_key",
) -> pl.Series | None:
    """``event_key(label, actor, target, time, channel, kind, ordinal)`` of every row in one
    compiled pass, or None when the kernel does not apply (then join the text in polars).

    ``texts`` are actor, target, channel and kind (nulls read as empty text), ``micros`` the
    UTC instants as microseconds since the epoch (no nulls, years 1000 to 9999) and
    ``ordinals`` positive integers.
    """
    rows = micros.len()
    if rows < SMALL_COLUMN or sys.byteorder != "little" or micros.null_count():
        return None
    low, high, least = micros.min(), micros.max(), ordinals.min()
    assert isinstance(low, int) and isinstance(high, int) and isinstance(least, int)
    if low < _FIRST_YEAR_MICROS or high >= _END_YEAR_MICROS or least < 1:
        return None
    buffers = [_bytes_of(text.fill_null("")) for text in texts]
    longest = len(label.encode()) + _TIME_TEXT + _NUMBER_TEXT + 6
    longest += sum(int(np.diff(offsets).max(initial=0)) for offsets, _data in buffers)
    out = np.empty(rows * HEX_CHARS, dtype=np.uint8)
    (actor_o, actor_d), (target_o, target_d), (channel_o, channel_d), (kind_o, kind_d) = buffers
    _content_keys(
        np.frombuffer(label.encode(), dtype=np.uint8),
        actor_o,
        actor_d,
        target_o,
        target_d,
        channel_o,
        channel_d,
        kind_o,
        kind_d,
        micros.cast(pl.Int64).to_numpy(),
        ordinals.cast(pl.Int64).to_numpy(),
        longest,
        out,
    )
    return _hex_series(out, rows, name)


def _bytes_of(texts: pl.Series) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """Offsets (one per row and one more) and data of a text column without nulls."""
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
    return offsets, data


def _hex_series(out: NDArray[np.uint8], rows: int, name: str) -> pl.Series:
    """A String series of ``rows`` hex digests written one after another in ``out``."""
    hex_offsets = np.arange(0, (rows + 1) * HEX_CHARS, HEX_CHARS, dtype=np.int64)
    keys = pa.LargeStringArray.from_buffers(rows, pa.py_buffer(hex_offsets), pa.py_buffer(out))
    series = pl.from_arrow(keys)
    assert isinstance(series, pl.Series)
    return series.alias(name)
