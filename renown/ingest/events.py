"""Reading events from whatever holds them: the one way in for every input.

An upload, a source an operator placed on the server (a file, a folder, a zipped Slack
export), a path given on the command line, an event lake: :func:`read_events` turns each
into canonical events. The format is detected from names and layout unless given.

Inputs that people picked or uploaded carry the ``name`` they know them by. Errors then
name it (and the file inside a folder or zip), with line and field, never the place the
server keeps it; and the event keys of a table hash that name, so reading the same input
again (even from another stored copy) adds nothing to a lake.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, cast

import polars as pl

from renown.core.errors import InputError
from renown.ingest.detect import SOURCE_FORMATS, SourceFormat, detect_format, read_source
from renown.ingest.lake import EventLake, is_lake
from renown.ingest.zips import unzipped

LAKE: Final = "lake"
"""The format name of an event lake folder (read as it is, never detected for a named input)."""
LABELLED_FORMATS: Final = frozenset({"csv", "tsv", "jsonl", "parquet", "snap"})
"""Formats whose event keys hash a source label: the input's name when it has one."""
READABLE: Final = (
    "an mbox file, a Maildir folder, a Slack export (folder or .zip), a Stack Exchange "
    "dump folder, a CSV/TSV/JSON Lines/Parquet file or a SNAP edge list"
)


def read_events(
    path: Path,
    name: str | None = None,
    *,
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Canonical events of the input at ``path``, known to people as ``name`` if given.

    ``format`` is one of :data:`~renown.ingest.detect.SOURCE_FORMATS` or ``"lake"``
    (detected when omitted); ``mapping`` renames the columns of a table.

    Raises
    ------
    InputError
        The input is missing, of no format renown reads, or broken (located by file, line
        and field).
    """
    shown = name or str(path)
    if not path.exists():
        missing = "the source is no longer on the server" if name else "no such file or folder"
        raise InputError(shown, missing)
    if format == LAKE or (format is None and name is None and is_lake(path)):
        return EventLake(path).scan().collect()
    if format is not None and format not in SOURCE_FORMATS:
        known = ", ".join([*SOURCE_FORMATS, LAKE])
        raise InputError(shown, f"unknown source format {format!r}; use one of {known}")
    if format is None and path.is_file() and path.suffix.lower() == ".zip":
        return _read_zipped_slack(path, shown)
    try:
        chosen = cast("SourceFormat", format) or detect_format(path)
    except InputError:
        if name is None:
            raise
        raise InputError(name, f"not a source renown can read; expected {READABLE}") from None
    label = {"source": name} if name is not None and chosen in LABELLED_FORMATS else {}
    try:
        return read_source(path, format=chosen, mapping=dict(mapping) if mapping else None, **label)
    except InputError as error:
        if name is None:
            raise
        raise _relabel(error, path, name) from None


def _read_zipped_slack(path: Path, name: str) -> pl.DataFrame:
    with unzipped(path, name) as folder:
        roots = sorted(p.parent for p in folder.rglob("users.json"))
        if not roots:
            raise InputError(name, "not a Slack export: no users.json in the zip")
        try:
            return read_source(roots[0], format="slack")
        except InputError as error:
            raise _relabel(error, folder, name) from None


def _relabel(error: InputError, stored: Path, name: str) -> InputError:
    """The same error, naming the input as people know it instead of where it is stored."""
    base = str(stored)
    rest = error.source[len(base) :] if error.source.startswith(base) else ""
    source = f"{name}/{rest[1:]}" if rest.startswith("/") else f"{name}{rest}"
    message = error.message.replace(base, name)
    return InputError(source, message, line=error.line, field=error.field)
