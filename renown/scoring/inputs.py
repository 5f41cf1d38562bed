"""What a scoring run reads: its events (a lake kept as it is) and its groups.

A lake is handed to the pipeline as is: scoring then reads only the columns it needs and
takes the input fingerprint from the lake's manifest instead of re-hashing every key. A
table (CSV, TSV, JSON Lines, Parquet) is read without event keys and fingerprinted by its
bytes (:mod:`renown.ingest.files`). Any other input is read by
:func:`renown.ingest.events.read_events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

import polars as pl

from renown.core.delimited import read_records
from renown.core.errors import InputError
from renown.ingest.events import LAKE, read_events
from renown.ingest.files import EventFile
from renown.ingest.lake import EventLake, is_lake
from renown.ingest.readers.tabular import TABULAR_FORMATS, TabularFormat, tabular_format_of


def open_events(
    path: Path, source_format: str | None = None, mapping: Mapping[str, str] | None = None
) -> pl.DataFrame | EventLake | EventFile:
    """The events at ``path`` for scoring: the lake itself if it is one, a table as a file
    read without keys (:class:`~renown.ingest.files.EventFile`), anything else read."""
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    if not (path.is_file() or path.is_dir()):
        # a table is read twice (checked, and hashed for the run's fingerprint), and a run
        # must be reproducible from its input: a stream is neither
        raise InputError(
            str(path), "is not a file or folder (a pipe or a device): save it to a file first"
        )
    if source_format == LAKE or (source_format is None and is_lake(path)):
        return EventLake(path)
    tabular = source_format if source_format is not None else tabular_format_of(path)
    if path.is_file() and tabular in TABULAR_FORMATS:
        return EventFile(path, cast("TabularFormat", tabular), mapping)
    return read_events(path, format=source_format, mapping=mapping)


def load_groups(path: Path) -> dict[str, str]:
    """Read a ``person,group`` CSV (header required) into a mapping.

    Read strictly (:mod:`renown.core.delimited`): a malformed record is refused with its
    line, since a shifted column would put people in the wrong department.
    """
    if not path.is_file():
        raise InputError(str(path), "no such file")
    records = read_records(path.read_bytes(), source=str(path))
    header = next(records)
    columns = [name.strip() for name in header.cells]
    for column in ("person", "group"):
        if column not in columns:
            raise InputError(str(path), "missing column", line=header.line, field=column)
    person, group = columns.index("person"), columns.index("group")
    groups: dict[str, str] = {}
    for record in records:
        name = record.cells[person].strip()
        if not name:
            raise InputError(str(path), "empty person id", line=record.line, field="person")
        groups[name] = record.cells[group].strip()
    return groups
