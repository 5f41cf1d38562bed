"""Strict reading of delimited text (CSV, TSV) that people export and edit by hand.

A lenient CSV reader turns mistakes into wrong data: an unclosed quote swallows the rest of
the file into one field, a short row silently gets empty cells, Latin-1 or UTF-16 bytes
become garbage names. Every importer in renown therefore reads delimited text through this
module, which accepts RFC 4180 text and refuses anything else with the file, the line (1-based,
as an editor or spreadsheet numbers it, the header being line 1) and, where there is one, the
column.

The parsing itself is the standard :mod:`csv` module in strict mode. What it lets through and
this module refuses: a quote inside a field that does not start with one (``ab"c``: the
reader keeps it, polars and spreadsheets disagree on what it means), a record with more or
fewer fields than the header, a field longer than :data:`MAX_FIELD_CHARS`, NUL bytes, bytes
that are not UTF-8, and UTF-16/32 text. Line breaks may be LF, CRLF or a lone CR, mixed
freely, as :mod:`csv` accepts them; a UTF-8 byte order mark is dropped. Records whose cells
are all empty or only spaces and tabs are blank lines and skipped.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from renown.core.errors import InputError

MAX_FIELD_CHARS: Final = 65_536
"""Longest field accepted: far beyond any id, name, date or address. A longer one is almost
always a quote opened and never closed, which swallows the rest of the file."""

BLANK: Final = " \t"
"""Characters a blank cell may consist of (a narrow set, so every reader agrees on it)."""

_WIDE_BOMS: Final = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_QUOTE: Final = '"'


@dataclass(frozen=True, slots=True)
class Record:
    """One record: the physical line it starts on, and its cells (not trimmed)."""

    line: int
    cells: list[str]


def line_of_offset(data: bytes | str, offset: int) -> int:
    """1-based line of position ``offset``, counting LF, CRLF and lone CR as :mod:`csv` does."""
    head = data[:offset]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode_text(data: bytes, source: str) -> str:
    """``data`` as text, refusing what is not UTF-8 (a UTF-8 byte order mark is dropped).

    The error names the line of the first bad byte; :func:`read_records` names the column too.
    """
    text, error = _decode(data, source)
    if error is not None:
        raise error
    return text


def _decode(data: bytes, source: str) -> tuple[str, InputError | None]:
    """The text, and the error that refuses it (then the text keeps bad bytes as surrogates)."""
    if data.startswith(_WIDE_BOMS):
        raise InputError(source, "is UTF-16 or UTF-32 text; save it as UTF-8", line=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        message = f"is not valid UTF-8 (byte {data[bad.start]:#04x}); save the file as UTF-8"
        error = InputError(source, message, line=line_of_offset(data, bad.start))
        return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff"), error
    return _checked(text, source)


def _checked(text: str, source: str) -> tuple[str, InputError | None]:
    text = text.removeprefix("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        return text, InputError(source, _NUL_MESSAGE, line=line_of_offset(text, nul))
    return text, None


_NUL_MESSAGE: Final = (
    "contains a NUL byte: not a text file, or text saved as UTF-16; save it as UTF-8"
)


def read_records(data: bytes | str, *, source: str, delimiter: str = ",") -> Iterator[Record]:
    """The header and then every non-blank record of ``data``, each checked as it is read.

    Raises
    ------
    InputError
        The first problem in file order: bytes that are not UTF-8 or a NUL (naming the cell
        that holds it), an empty file, a quote that is never closed, text after a closing
        quote, a stray quote, a record whose field count differs from the header's, or a
        field longer than :data:`MAX_FIELD_CHARS`.
    """
    for line, cells in _records(data, source, delimiter):
        yield Record(line, cells)


def record_lines(data: bytes | str, *, source: str, delimiter: str = ",") -> array[int]:
    """The line each record of ``data`` (header first) starts on, after the same checks as
    :func:`read_records`, for callers that parse the cells another way."""
    return array("q", (line for line, _cells in _records(data, source, delimiter)))


def _records(data: bytes | str, source: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    text, undecodable = _decode(data, source) if isinstance(data, bytes) else _checked(data, source)
    yield from _Reader(text, source, delimiter, undecodable).records()
    if undecodable is not None:  # the bad character was in a blank record
        raise undecodable


class _Reader:
    """One pass of :mod:`csv` over ``text``, checking each record as it comes.

    Clean records cost one join and a few lookups; the text of a record (its physical
    lines) is looked at only when a cell holds a quote or the reader refused the record.
    ``undecodable`` is the error already known for the text (bad bytes, a NUL): it is
    raised at the first cell holding the bad character, naming its column.
    """

    def __init__(
        self, text: str, source: str, delimiter: str, undecodable: InputError | None
    ) -> None:
        self.text = text
        self.source = source
        self.delimiter = delimiter
        self.undecodable = undecodable
        self.header: list[str] = []
        self._lines: list[str] | None = None

    def raw(self, first: int, last: int) -> str:
        """The text of physical lines ``first`` to ``last`` (1-based, inclusive)."""
        if self._lines is None:
            self._lines = list(io.StringIO(self.text, newline=""))
        return "".join(self._lines[first - 1 : last])

    def records(self) -> Iterator[tuple[int, list[str]]]:
        lines = io.StringIO(self.text, newline="")
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        start = 1
        width = -1
        quote, limit, blank = _QUOTE, MAX_FIELD_CHARS, BLANK
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise self._unreadable(start, error) from None
            line, start = start, reader.line_num + 1
            joined = "".join(cells)
            if not joined.strip(blank):
                continue
            if len(cells) != width or quote in joined or len(joined) > limit or self.undecodable:
                self._check(line, start - 1, cells, width)
                if width < 0:
                    width = len(cells)
                    self.header = [cell.strip() for cell in cells]
            yield line, cells
        if width < 0:
            raise InputError(self.source, "the file is empty; expected a header line", line=1)

    def _check(self, line: int, last: int, cells: list[str], width: int) -> None:
        if self.undecodable is not None:
            for index, cell in enumerate(cells):
                if "\x00" in cell or not _encodable(cell):
                    error = self.undecodable
                    raise InputError(
                        self.source, error.message, line=error.line, field=self.column(index)
                    )
        if any(_QUOTE in cell for cell in cells):
            stray = _first_irregular_cell(self.raw(line, last), cells, self.delimiter)
            if stray is not None:
                raise InputError(
                    self.source,
                    'a quote (") inside a field that does not start with one; enclose the '
                    "whole field in quotes and double every quote inside it",
                    line=line,
                    field=self.column(stray),
                )
        for index, cell in enumerate(cells):
            if len(cell) > MAX_FIELD_CHARS:
                raise self._too_long(line, self.column(index))
        if width >= 0 and len(cells) != width:
            missing = self.column(len(cells)) if len(cells) < width else None
            raise InputError(
                self.source,
                f"has {len(cells)} fields but the header has {width}; a delimiter or a quote "
                "may be missing or extra",
                line=line,
                field=missing,
            )

    def _unreadable(self, line: int, error: csv.Error) -> InputError:
        """The located form of what the strict reader refused in the record from ``line``."""
        raw = self.raw(line, len(self.text))
        if "field limit" in str(error):
            # Cut short, the lenient reader ends inside the long field: it is the last one.
            cells = _loose_cells(raw[:MAX_FIELD_CHARS], self.delimiter)
            return self._too_long(line, self.column(len(cells) - 1) if cells else None)
        index = _first_irregular_cell(raw, _loose_cells(raw, self.delimiter), self.delimiter)
        column = self.column(index) if index is not None else None
        if "unexpected end of data" in str(error):
            return InputError(
                self.source,
                "a quote opened in this field is never closed (the field runs to the end of "
                "the file)",
                line=line,
                field=column,
            )
        return InputError(
            self.source,
            "text after the closing quote of a quoted field; double a quote inside a quoted field",
            line=line,
            field=column,
        )

    def _too_long(self, line: int, field: str | None) -> InputError:
        return InputError(
            self.source,
            f"a field is longer than {MAX_FIELD_CHARS:,} characters (is a quote opened "
            "and never closed?)",
            line=line,
            field=field,
        )

    def column(self, index: int) -> str:
        """How an error names column ``index``: its header, or its position."""
        if index < len(self.header) and self.header[index]:
            return self.header[index]
        return f"column {index + 1}"


def _loose_cells(raw: str, delimiter: str) -> list[str]:
    """The cells :mod:`csv` reads from ``raw`` when not strict (they agree up to the error)."""
    try:
        return next(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _encodable(cell: str) -> bool:
    """False when ``cell`` holds a byte that was not UTF-8 (kept as a lone surrogate)."""
    if cell.isascii():
        return True
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _first_irregular_cell(raw: str, cells: Sequence[str], delimiter: str) -> int | None:
    """Index of the first cell whose text in ``raw`` is not its RFC 4180 spelling.

    Walks ``raw`` cell by cell: a quoted cell must appear as ``"`` + the cell with every quote
    doubled + ``"``, an unquoted one verbatim and without quotes. This does not parse: the
    cells come from :mod:`csv`, and the walk only finds where they stop matching the text.
    """
    position = 0
    for index, cell in enumerate(cells):
        if raw.startswith(_QUOTE, position):
            spelled = _QUOTE + cell.replace(_QUOTE, _QUOTE * 2) + _QUOTE
            if not raw.startswith(spelled, position):
                return index
        else:
            spelled = cell
            if _QUOTE in cell or not raw.startswith(cell, position):
                return index
        position += len(spelled)
        if raw.startswith(delimiter, position):
            position += len(delimiter)
    return None
