"""Slow, exact passes that locate a problem's physical line once a fast read failed.

The fast path reads whole files with polars and validates columns at once; it knows the
*record* that is wrong but not the *line* a person sees in an editor (quoted fields may
span lines, blank lines are skipped). These helpers re-read the file with the standard
library only when something is wrong, so clean files never pay for them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

_CSV_FIELD_LIMIT = 1 << 30


def read_bytes(path: Path) -> bytes:
    """Whole file content, transparently decompressed when the name ends in ``.gz``."""
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as stream:
            return stream.read()
    return path.read_bytes()


def first_undecodable_line(data: bytes) -> int | None:
    """1-based number of the first line that is not valid UTF-8, or None."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return None


def _csv_records(data: bytes, separator: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first physical line, fields)`` of every CSV record, header included.

    Blank records are skipped, as the fast reader drops them too.
    """
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    reader = csv.reader(text, delimiter=separator, quotechar='"', doublequote=True, strict=False)
    consumed = 0
    for fields in reader:
        start = consumed + 1
        consumed = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        yield start, fields


def csv_record_line(data: bytes, separator: str, record: int) -> int:
    """Physical line on which data record number ``record`` (0-based) starts."""
    for index, (line, _fields) in enumerate(_csv_records(data, separator)):
        if index == record + 1:
            return line
    return record + 2


def first_ragged_csv_line(data: bytes, separator: str) -> tuple[int, str] | None:
    """First record whose field count differs from the header's, as (line, message)."""
    width: int | None = None
    for line, fields in _csv_records(data, separator):
        if width is None:
            width = len(fields)
        elif len(fields) > width:
            return line, f"has {len(fields)} fields but the header has {width}"
    return None


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


def first_bad_jsonl_line(data: bytes) -> tuple[int, str] | None:
    """First line that is not a JSON object, as (line, message), or None."""
    for line, raw in _jsonl_records(data):
        try:
            value = json.loads(raw)
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
