"""Resolving what the user pointed at into an event frame (a source file/folder or a lake)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import polars as pl

from renown.core.delimited import read_records
from renown.core.errors import InputError

if TYPE_CHECKING:
    from renown.ingest.detect import SourceFormat


def is_lake(path: Path) -> bool:
    """True when ``path`` is an event-lake folder (month partitions)."""
    return path.is_dir() and any(p.name.startswith("month=") for p in path.iterdir())


def load_events(
    path: Path, source_format: str | None = None, mapping: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """Read events from ``path``: an event lake folder or any supported source."""
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    if source_format == "lake" or (source_format is None and is_lake(path)):
        from renown.ingest.lake import EventLake

        return EventLake(path).scan().collect()
    from renown.ingest.detect import SOURCE_FORMATS, read_source

    if source_format is not None and source_format not in SOURCE_FORMATS:
        known = ", ".join([*SOURCE_FORMATS, "lake"])
        raise InputError(str(path), f"unknown source format {source_format!r}; use one of {known}")
    return read_source(
        path,
        format=cast("SourceFormat | None", source_format),
        mapping=dict(mapping) if mapping else None,
    )


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
