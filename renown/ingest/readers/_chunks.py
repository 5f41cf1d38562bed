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
import threading
from array import array
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue
from typing import BinaryIO, Final, TypeVar, cast

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.errors import InputError
from renown.ingest.readers._delimited import parse_delimited
from renown.ingest.readers._lines import BoundedStream, is_gzip_name
from renown.ingest.readers._scan import clean_record_lines

CHUNK_BYTES: Final = 16 * 1024**2
"""Bytes read at a time: about two hundred thousand event rows."""
_T = TypeVar("_T")

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
    records = pieces = 0
    with _open(file) as stream:
        for text, shift, clean in _read_ahead(_scanned(stream, separator, chunk_bytes)):
            try:
                frame, starts = parse_delimited(text, where, separator, clean)
            except InputError as error:
                raise _shifted(error, shift) from None
            lines = np.frombuffer(starts, dtype=np.int64)[1:] + shift
            yield Chunk(frame, lines, records)
            records += frame.height
            pieces += 1
            del frame, starts, lines, text
    if pieces == 0:
        parse_delimited(b"", where, separator)  # an empty file: the whole-file refusal


def _scanned(
    stream: BinaryIO, separator: str, chunk_bytes: int
) -> Iterator[tuple[bytes, int, array[int] | None]]:
    """Each piece behind the header, the line shift to the file, and its clean record lines.

    Runs ahead of the caller in a thread of its own: reading and the compiled scan release
    the interpreter lock, so they overlap with the parsing of the previous piece.
    """
    prefix, prefix_lines = b"", 0
    lines_before = 0
    for index, piece in enumerate(
        _with_header_first(_record_pieces(stream, chunk_bytes), separator)
    ):
        if index == 0:
            prefix, prefix_lines = _header(piece, separator) or (piece, _line_ends(piece))
            text = piece
        else:
            text = prefix + piece
        yield (
            text,
            lines_before - (prefix_lines if index else 0),
            clean_record_lines(text, separator),
        )
        lines_before += _line_ends(piece)


def _read_ahead(items: Iterator[_T], depth: int = 1) -> Iterator[_T]:
    """``items``, produced by a background thread at most ``depth`` items ahead."""
    queue: Queue[tuple[str, object]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[str, object]) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.05)
            except Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            put(("error", error))

    thread = threading.Thread(target=produce, name="renown-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = queue.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _open(file: Path) -> AbstractContextManager[BinaryIO]:
    where = str(file)
    if not file.is_file():
        raise InputError(where, "file not found")
    try:
        if is_gzip_name(file):  # read(n) gives up to n inflated bytes, within the bound
            return cast("BinaryIO", BoundedStream(file))
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
