"""A compiled pass over delimited text that says whether the strict reader would accept it.

The strict reader (:mod:`renown.core.delimited`, the standard library's :mod:`csv` in strict
mode plus renown's own checks) handles one record per Python loop: about twenty seconds for
a gigabyte, most of an import. Clean files are the common case, and for them all that reader
yields is the line each record starts on. This module walks the bytes once, in compiled
code, through the same states as :mod:`csv` (start of record, start of field, unquoted,
quoted, quote inside quoted), and gives those lines when the text is clean in every respect
the strict reader checks; otherwise it gives None and the strict reader runs, to refuse the
text with its own line, column and words.

So the scan may refuse more than the strict reader (then nothing changes but the time), never
less: it gives up on any quote that does not open a field or close one followed by a
delimiter or line end, a quote still open at the end, a field longer than
:data:`~renown.core.delimited.MAX_FIELD_CHARS` bytes (bytes >= characters), a non-blank
record whose width differs from the header's, no header at all, NUL bytes, text that is not
UTF-8, and UTF-16 or UTF-32 byte order marks. Line ends are LF, CRLF and a lone CR, counted as
:mod:`csv` counts them; blank records (every cell empty or spaces and tabs) are skipped.
"""

from __future__ import annotations

from array import array
from typing import Final

import numpy as np
from numba import njit
from numpy.typing import NDArray

from renown.core.delimited import MAX_FIELD_CHARS

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_WIDE_BOMS: Final = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

_START_RECORD: Final = 0
_START_FIELD: Final = 1
_UNQUOTED: Final = 2
_QUOTED: Final = 3
_QUOTE_IN_QUOTED: Final = 4
_QUOTE: Final = 34
_LF: Final = 10
_CR: Final = 13
_SPACE: Final = 32
_TAB: Final = 9


def clean_record_lines(data: bytes, separator: str) -> array[int] | None:
    """The line each non-blank record starts on (header first), if the strict reader would
    accept ``data`` as it is; None when it might refuse it (then ask it)."""
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    body = np.frombuffer(data, dtype=np.uint8)
    skip = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    capacity = data.count(b"\n") + data.count(b"\r") + 2
    starts = np.empty(capacity, dtype=np.int64)
    count = _scan(body, skip, ord(separator), MAX_FIELD_CHARS, starts)
    if count <= 0:
        return None
    lines = array("q")
    lines.frombytes(starts[:count].tobytes())
    return lines


@njit(cache=True, nogil=True)
def _scan(
    data: NDArray[np.uint8], first: int, separator: int, limit: int, starts: NDArray[np.int64]
) -> int:
    """Record start lines into ``starts``; their count, or -1 when the text is not clean."""
    state = _START_RECORD
    line = 1
    width = -1
    fields = 0
    field_bytes = 0
    nonblank = False
    record_line = 1
    count = 0
    size = data.size
    k = first
    while k <= size:
        c = data[k] if k < size else -1  # -1: the end of the text
        end_of_line = c in (_LF, _CR) or c == -1
        if state == _START_RECORD:
            if c == -1:
                break
            if c in (_LF, _CR):
                if c == _CR and k + 1 < size and data[k + 1] == _LF:
                    k += 1
                line += 1
                k += 1
                continue
            record_line = line
            fields = 0
            nonblank = False
            state = _START_FIELD
        if state == _START_FIELD:
            field_bytes = 0
            if c == _QUOTE:
                state = _QUOTED
                k += 1
                continue
            if c == separator or end_of_line:
                fields += 1
                if c == separator:
                    k += 1
                    continue
            else:
                state = _UNQUOTED
        if state == _UNQUOTED:
            if c == _QUOTE:
                return -1
            if c == separator:
                fields += 1
                state = _START_FIELD
                k += 1
                continue
            if not end_of_line:
                field_bytes += 1
                if field_bytes > limit:
                    return -1
                if c not in (_SPACE, _TAB):
                    nonblank = True
                k += 1
                continue
            fields += 1
        elif state == _QUOTED:
            if c == -1:
                return -1
            if c == _QUOTE:
                state = _QUOTE_IN_QUOTED
            else:
                field_bytes += 1
                if field_bytes > limit:
                    return -1
                if c in (_LF, _CR):
                    if not (c == _CR and k + 1 < size and data[k + 1] == _LF):
                        line += 1
                    nonblank = True
                elif c not in (_SPACE, _TAB):
                    nonblank = True
            k += 1
            continue
        elif state == _QUOTE_IN_QUOTED:
            if c == _QUOTE:
                field_bytes += 1
                if field_bytes > limit:
                    return -1
                nonblank = True
                state = _QUOTED
                k += 1
                continue
            if c == separator:
                fields += 1
                state = _START_FIELD
                k += 1
                continue
            if not end_of_line:
                return -1
            fields += 1
        # here the record ends (a line end or the end of the text)
        if nonblank:
            if width < 0:
                width = fields
            elif fields != width:
                return -1
            starts[count] = record_line
            count += 1
        state = _START_RECORD
        if c == -1:
            break
        if c == _CR and k + 1 < size and data[k + 1] == _LF:
            k += 1
        line += 1
        k += 1
    if state == _QUOTED:
        return -1
    return count if width >= 0 else -1
