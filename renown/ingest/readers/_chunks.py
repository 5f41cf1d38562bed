"""CSV and TSV read in chunks of whole records, each checked as strictly as a whole file.

Reading a whole file at once holds its bytes, its decoded text and its parsed columns in
memory together: several times the file's size. Here the file is read in pieces of about
:data:`CHUNK_BYTES`, each cut at the end of a record, and each piece goes through exactly
the checks a whole file goes through (:func:`~._delimited.parse_delimited`), behind a copy of
the header, so memory depends on the piece size, not on the file's.

Where a record ends: at a line end outside quotes. In text that the strict reader accepts, a
line end is outside quotes exactly when the quotes before it are even in number (a quoted
field opens and closes with one, and a quote inside it is doubled). A piece is cut at the
last such line end; every earlier piece has passed the strict checks, so the count is right
where the next piece starts. Text the strict reader refuses may make the count wrong further
on, but the refusal comes first: the record that breaks the rule lies in the piece being
checked, behind only records that are read the same way as in the whole file. So errors
name the same line and field as a whole-file read, counted in the file (the header copied in
front of a piece is subtracted). A quote opened and never closed makes the rest of the file
one piece, which the strict reader then refuses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.errors import InputError
from renown.ingest.readers._delimited import parse_delimited
from renown.ingest.readers._lines import BoundedStream, is_gzip_name

CHUNK_BYTES: Final = 32 * 1024**2
"""Bytes read at a time: about three hundred thousand event rows."""

_QUOTE: Final = b'"'
_LF: Final = 0x0A


@dataclass(frozen=True)
class Chunk:
    """The records of one piece of a file.

    Attributes
    ----------
    frame:
        Every column as text, blank records dropped (as :func:`~._delimited.read_delimited`).
    lines:
        The line of the file each record of ``frame`` starts on.
    first_record:
        Index in the whole file of ``frame``'s first record (0-based, header excluded).
    """

    frame: pl.DataFrame
    lines: NDArray[np.int64]
    first_record: int

    def line(self, record: int) -> int:
        """The line record ``record`` of ``frame`` starts on (a :data:`LineLocator`)."""
        return int(self.lines[record])


def delimited_chunks(file: Path, separator: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """The records of ``file`` piece by piece, each piece checked before it is yielded.

    Raises
    ------
    InputError
        What :func:`~._delimited.read_delimited` raises for the same file, naming the same
        line and field (a ``.gz`` file is inflated within the same bound).
    """
    where = str(file)
    prefix, prefix_lines = b"", 0
    lines_before = records = 0
    pieces = 0
    with _open(file) as stream:
        for piece in _with_header_first(_record_pieces(stream, chunk_bytes), separator):
            shift = lines_before - prefix_lines
            try:
                frame, starts = parse_delimited(prefix + piece, where, separator)
            except InputError as error:
                raise _shifted(error, shift) from None
            if pieces == 0:
                prefix, prefix_lines = _header(piece, separator) or (piece, _line_ends(piece))
            lines = np.frombuffer(starts, dtype=np.int64)[1:] + shift
            yield Chunk(frame, lines, records)
            records += frame.height
            lines_before += _line_ends(piece)
            pieces += 1
            del frame, starts, lines
    if pieces == 0:
        parse_delimited(b"", where, separator)  # an empty file: the whole-file refusal


def _open(file: Path) -> AbstractContextManager[BinaryIO]:
    where = str(file)
    if not file.is_file():
        raise InputError(where, "file not found")
    try:
        if is_gzip_name(file):
            return io.BufferedReader(BoundedStream(file))
        return file.open("rb")
    except OSError as error:
        raise InputError(where, f"cannot be read ({error.strerror or error})") from None


def _record_pieces(stream: BinaryIO, chunk_bytes: int) -> Iterator[bytes]:
    """Consecutive pieces of ``stream``, each ending at the end of a record."""
    carry = b""
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            if carry:
                yield carry
            return
        buffer = carry + block if carry else block
        cut = _last_record_end(buffer)
        if cut is None:
            carry = buffer
            continue
        yield buffer[:cut]
        carry = buffer[cut:]


def _last_record_end(data: bytes) -> int | None:
    """Position just after the last line end of ``data`` outside quotes, if any.

    Line ends are LF, CRLF and a lone CR, as :mod:`csv` reads them; a CR that ends ``data``
    may be the first half of a CRLF, so it is not taken.
    """
    end = len(data)
    quotes: int | None = None
    while True:
        lf = data.rfind(b"\n", 0, end)
        cr = data.rfind(b"\r", 0, end)
        position = max(lf, cr)
        if position < 0:
            return None
        if position == cr and (cr + 1 >= len(data) or data[cr + 1] == _LF):
            end = position
            continue
        cut = position + 1
        if quotes is None:
            quotes = data.count(_QUOTE, 0, cut)
        else:
            quotes -= data.count(_QUOTE, cut, end)
        if quotes % 2 == 0:
            return cut
        end = position


def _with_header_first(pieces: Iterator[bytes], separator: str) -> Iterator[bytes]:
    """``pieces`` with the first ones joined until the first holds the header record."""
    first = b""
    for piece in pieces:
        first += piece
        if _header(first, separator) is None:
            continue
        yield first
        yield from pieces
        return
    if first:
        yield first


def _line_ends(data: bytes) -> int:
    """Lines ended in ``data`` as :mod:`csv` counts them (LF, CRLF, lone CR)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _header(piece: bytes, separator: str) -> tuple[bytes, int] | None:
    """The bytes of the file up to the end of its header record, and how many lines they hold.

    Later pieces are read behind this copy, so that they have the header's columns and a
    byte order mark or blank lines before the header are read as in the whole file. None
    when ``piece`` holds no header yet (only blank lines).
    """
    text = io.TextIOWrapper(
        io.BytesIO(piece), encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    reader = csv.reader(text, delimiter=separator)
    try:
        for cells in reader:
            if "".join(cells).strip(" \t"):
                break
        else:
            return None
    except csv.Error:
        return piece, _line_ends(piece)  # refused by the strict checks of this piece
    lines = reader.line_num
    offset = 0
    for _ in range(lines):
        lf = piece.find(b"\n", offset)
        cr = piece.find(b"\r", offset)
        ends = [p for p in (lf, cr) if p >= 0]
        if not ends:
            return piece, lines
        position = min(ends)
        offset = position + (2 if piece[position : position + 2] == b"\r\n" else 1)
    return piece[:offset], lines


def _shifted(error: InputError, shift: int) -> InputError:
    """``error`` with its line counted in the whole file instead of in the piece."""
    if error.line is None or shift == 0:
        return error
    return InputError(error.source, error.message, line=error.line + shift, field=error.field)
