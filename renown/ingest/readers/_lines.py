"""Reading a source's bytes within bounds, and slow exact passes that locate a problem.

Whole-file readers (polars, :mod:`json`) hold what they read in memory, so a compressed file
is inflated here with a bound: a gzip "bomb" (a few kilobytes that expand to gigabytes) is
refused instead of exhausting memory, while honest exports, which rarely compress better
than 20 to 1, pass with room to spare.

The fast paths read whole files with polars and validate columns at once; they know the
*record* that is wrong but not the *line* a person sees in an editor. The helpers below
re-read the file with the standard library only when something is wrong, so clean files
never pay for them.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from renown.core.errors import InputError

MAX_INFLATION: Final = 200
"""How many times its own size a compressed source may expand to."""
INFLATION_ALLOWANCE: Final = 64 * 1024**2
"""Bytes any compressed source may expand to whatever its size (small files compress well)."""

GZIP_ERRORS: Final = (OSError, EOFError, zlib.error)
"""What a corrupt or truncated gzip stream raises while it is read."""


def is_gzip_name(path: Path) -> bool:
    """Whether the file's name says it is gzip-compressed."""
    return path.name.lower().endswith(".gz")


def inflation_limit(compressed_bytes: int) -> int:
    """Most bytes a compressed file of ``compressed_bytes`` may expand to."""
    return max(INFLATION_ALLOWANCE, MAX_INFLATION * compressed_bytes)


def _too_big(where: str, limit: int) -> InputError:
    return InputError(
        where,
        f"expands to more than {limit:,} bytes ({MAX_INFLATION} times its size): "
        "refused as a compression bomb; decompress it first if it is genuine",
    )


def read_bytes(path: Path) -> bytes:
    """Whole file content, decompressed (within :func:`inflation_limit`) when named ``.gz``."""
    where = str(path)
    try:
        if not is_gzip_name(path):
            return path.read_bytes()
        limit = inflation_limit(path.stat().st_size)
    except OSError as error:
        raise InputError(where, f"cannot be read ({error.strerror or error})") from None
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except GZIP_ERRORS as error:
        raise InputError(where, f"cannot be read as gzip ({error})") from None
    if len(data) > limit:
        raise _too_big(where, limit)
    return data


class BoundedStream(io.RawIOBase):
    """A decompressing stream that fails once more than its limit has come out of it.

    Streaming readers (expat) never hold the whole text, but what they keep grows with it;
    the bound keeps a bomb from growing it without end. Gzip errors become InputErrors.
    """

    def __init__(self, path: Path) -> None:
        self._where = str(path)
        self._limit = inflation_limit(path.stat().st_size)
        self._stream = gzip.open(path, "rb")  # noqa: SIM115 - closed by close()
        self._read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self._stream.read(size)
        except GZIP_ERRORS as error:
            raise InputError(self._where, f"cannot be read as gzip ({error})") from None
        self._read += len(chunk)
        if self._read > self._limit:
            raise _too_big(self._where, self._limit)
        return chunk

    def close(self) -> None:
        self._stream.close()
        super().close()


def _jsonl_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw line)`` of every non-blank JSON Lines record."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.strip():
            yield number, raw


def jsonl_record_line(data: bytes, record: int) -> int:
    """Physical line of JSON Lines record number ``record`` (0-based)."""
    for index, (line, _raw) in enumerate(_jsonl_records(data)):
        if index == record:
            return line
    return record + 1


def load_json(text: str | bytes) -> object:
    """``json.loads`` that raises only :class:`ValueError` on bad input.

    Besides malformed text, that covers nesting deep enough to exhaust the stack and
    integers too long to convert (both refused by :mod:`json` with other exceptions).
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("is nested too deeply") from None


def first_bad_jsonl_line(data: bytes) -> tuple[int, str] | None:
    """First line that is not a JSON object, as (line, message), or None."""
    for line, raw in _jsonl_records(data):
        try:
            value = load_json(raw)
        except ValueError as error:
            return line, f"is not valid JSON ({error})"
        if not isinstance(value, dict):
            return line, "is not a JSON object"
    return None


def json_array_element_lines(text: str) -> list[int]:
    """1-based line on which each element of a top-level JSON array starts.

    Used to point at the message inside a pretty-printed export file that is wrong;
    ``json.load`` keeps no positions, so elements are decoded one by one here.
    """
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    lines: list[int] = []
    length = len(text)
    while position < length:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length or text[position] == "]":
            break
        lines.append(text.count("\n", 0, position) + 1)
        _value, position = decoder.raw_decode(text, position)
    return lines
