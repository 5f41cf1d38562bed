"""Resolving what the user pointed at into an event frame (a source file/folder or a lake)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import polars as pl

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
    """Read a ``person,group`` CSV (header required) into a mapping."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"not a readable CSV file ({exc})") from None
    for column in ("person", "group"):
        if column not in frame.columns:
            raise InputError(str(path), "missing column", line=1, field=column)
    blank = frame.with_row_index("line", offset=2).filter(
        pl.col("person").is_null() | (pl.col("person").str.strip_chars() == "")
    )
    if blank.height:
        raise InputError(str(path), "empty person id", line=int(blank["line"][0]), field="person")
    return dict(zip(frame["person"].to_list(), frame["group"].fill_null("").to_list(), strict=True))
