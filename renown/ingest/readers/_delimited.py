"""CSV and TSV files as polars frames, after a strict check of their structure.

polars parses a clean file fast, but left alone it fills a short row with nulls, reads a
file whose lines end in a lone CR as one line, decompresses anything that starts with a
gzip, zstd or zlib signature, and keeps NUL bytes. So every file first goes through the
strict reader every importer shares (:mod:`renown.core.delimited`), which
refuses malformed text with its line and column and notes the line each record starts on;
polars then parses the same bytes, and the two must agree on the number of records.

A file without a single quote cannot hide a record across lines, so its structure is
checked by polars itself, whole columns at once; only files with quotes, and files with
something to report, pay for the strict reader's record-by-record pass.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.delimited import BLANK, MAX_FIELD_CHARS, record_lines
from renown.core.errors import InputError
from renown.ingest.readers._lines import read_bytes

LineLocator = Callable[[int], int]
"""Record index (0-based, header excluded; -1 is the header) -> the line it starts on."""

POLARS_FAILURES: Final = (Exception, pl.exceptions.PanicException)
"""What polars may raise on input it cannot read (a Rust panic is a BaseException)."""

_UTF8_BOM: Final = b"\xef\xbb\xbf"


def read_delimited(file: Path, separator: str) -> tuple[pl.DataFrame, LineLocator]:
    """Every column of ``file`` as text, blank records dropped, and where each record starts.

    Raises
    ------
    InputError
        Anything :func:`~renown.core.delimited.record_lines` refuses (naming line and column),
        a compression bomb, or a file polars cannot read the same way.
    """
    where = str(file)
    data = read_bytes(file)
    starts = _plain_record_lines(data, separator)
    if starts is None:
        starts = record_lines(data, source=where, delimiter=separator)
    try:
        frame = pl.read_csv(
            _as_polars_reads_it(data),
            separator=separator,
            infer_schema=False,
            encoding="utf8",
        )
    except POLARS_FAILURES as error:
        raise InputError(where, f"cannot be read as delimited text: {error}") from None
    if frame.width:
        blank = pl.all_horizontal(
            (pl.col(c).is_null() | (pl.col(c).str.strip_chars(BLANK) == "")).fill_null(True)
            for c in frame.columns
        )
        frame = frame.filter(~blank)
    if frame.height != len(starts) - 1:
        raise InputError(
            where,
            f"read as {frame.height:,} records by one parser and {len(starts) - 1:,} by "
            "another; save it again as plain CSV",
        )
    return frame, lambda record: starts[record + 1]


def _plain_record_lines(data: bytes, separator: str) -> array[int] | None:
    """The line each record starts on, when the file is plain and clean; else None.

    Plain: no quote, so every record is one physical line and its fields are the text
    between separators, exactly as :mod:`csv` splits it. Clean: UTF-8 without NUL, every
    non-blank line as wide as the header, none longer than a field may be. polars checks
    that for whole columns at once, several times faster than :mod:`csv`; anything else
    (quotes, a problem to report) goes to the strict reader, which decides.
    """
    if b'"' in data or b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        lines = pl.read_csv(
            _as_polars_reads_it(data.removeprefix(_UTF8_BOM)),
            has_header=False,
            separator="\x00",
            quote_char=None,
            new_columns=["line"],
            infer_schema=False,
            raise_if_empty=False,
        )
    except POLARS_FAILURES:
        return None
    if lines.width != 1:
        return None
    line = pl.col("line").fill_null("")
    records = (
        lines.with_row_index("number", offset=1)
        .filter(line.str.strip_chars(BLANK + separator) != "")
        .select(
            "number",
            fields=line.str.count_matches(separator, literal=True),
            long=line.str.len_chars() > MAX_FIELD_CHARS,
        )
    )
    if records.height == 0 or records["long"].any() or records["fields"].n_unique() != 1:
        return None
    starts = array("q")
    starts.frombytes(records["number"].cast(pl.Int64).to_numpy().tobytes())
    return starts


def _as_polars_reads_it(data: bytes) -> bytes:
    """The same text, spelled so that polars splits it into the records :mod:`csv` does."""
    return unsniffable(with_lf_line_ends(data))


def with_lf_line_ends(data: bytes) -> bytes:
    """``data`` with every lone CR made an LF: polars ends lines only at LF (and CRLF),
    people's editors and :mod:`csv` at a lone CR too."""
    if data.count(b"\r") != data.count(b"\r\n"):
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def unsniffable(data: bytes) -> bytes:
    """``data`` with a byte order mark in front when it starts with ``x``: polars drops the
    mark, and would otherwise take text such as ``x^...`` for a zlib stream and inflate it."""
    return _UTF8_BOM + data if data.startswith(b"x") else data
