"""CSV and TSV files as polars frames, after a strict check of their structure.

polars parses a clean file fast, but left alone it fills a short row with nulls, reads a
file whose lines end in a lone CR as one line, decompresses anything that starts with a
gzip, zstd or zlib signature, and keeps NUL bytes. So every file first goes through the
strict reader every importer shares (:mod:`renown.core.delimited`), which
refuses malformed text with its line and column and notes the line each record starts on;
polars then parses the same bytes, and the two must agree on the number of records.

The strict reader handles a record per Python loop, so a compiled scan of the bytes
(:mod:`._scan`) goes first: when it finds the text clean in every respect the strict reader
checks, its record lines are used; only text with something to report (or that the scan
cannot vouch for) pays for the strict reader's record-by-record pass, which words the
refusal.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.delimited import BLANK, record_lines
from renown.core.errors import InputError
from renown.ingest.readers._lines import read_bytes
from renown.ingest.readers._scan import clean_record_lines

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
    frame, starts = parse_delimited(read_bytes(file), where, separator)
    return frame, lambda record: starts[record + 1]


def parse_delimited(
    data: bytes, where: str, separator: str, starts: array[int] | None = None
) -> tuple[pl.DataFrame, array[int]]:
    """Every column of ``data`` as text, blank records dropped, and the line of each record.

    ``starts[0]`` is the header's line and ``starts[k + 1]`` the line record ``k`` starts on,
    counted within ``data`` (which a chunked reader may have cut from a larger file).
    ``starts`` given are those :func:`~._scan.clean_record_lines` found for ``data``.

    Raises
    ------
    InputError
        As :func:`read_delimited`, with lines counted within ``data``.
    """
    if starts is None:
        starts = clean_record_lines(data, separator)
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
    return frame, starts


def _as_polars_reads_it(data: bytes) -> bytes:
    """The same text, spelled so that polars splits it into the records :mod:`csv` does."""
    return unsniffable(with_lf_line_ends(data))


def with_lf_line_ends(data: bytes) -> bytes:
    """``data`` with every lone CR made an LF: polars ends lines only at LF (and CRLF),
    people's editors and :mod:`csv` at a lone CR too."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def unsniffable(data: bytes) -> bytes:
    """``data`` with a byte order mark in front when it starts with ``x``: polars drops the
    mark, and would otherwise take text such as ``x^...`` for a zlib stream and inflate it."""
    return _UTF8_BOM + data if data.startswith(b"x") else data
