"""What ``renown validate`` is pointed at: a scores file ``renown score`` wrote, or events.

A scores file is recognised by its columns (``person`` and ``score_exact``, which no event
format has), so a user never has to say which of the two they passed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.ingest.files import EventFile
from renown.ingest.lake import EventLake
from renown.scoring.inputs import open_events

SCORES_COLUMNS: Final = ("person", "score_exact")
_SCORE_SUFFIXES: Final = (".csv", ".parquet", ".json")


def _columns(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return list(pl.read_parquet_schema(path))
        if suffix == ".csv":
            return pl.read_csv(path, n_rows=0, infer_schema=False).columns
        if suffix == ".json":
            return pl.read_json(path).columns
    except (OSError, pl.exceptions.PolarsError, ValueError):
        return []
    return []


def read_scores_file(path: Path) -> pl.DataFrame | None:
    """The scores in ``path`` if it is a scores file written by ``renown score``, else None."""
    if not path.is_file() or path.suffix.lower() not in _SCORE_SUFFIXES:
        return None
    if not all(c in _columns(path) for c in SCORES_COLUMNS):
        return None
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".csv":
            return pl.read_csv(path, schema_overrides={"person": pl.String})
        return pl.read_json(path)
    except pl.exceptions.PolarsError as error:
        raise InputError(str(path), f"cannot be read as a scores file ({error})") from None


def read_event_frame(
    path: Path, source_format: str | None = None, mapping: dict[str, str] | None = None
) -> pl.DataFrame:
    """Every event at ``path`` (any input ``renown score`` reads) as one frame."""
    events = open_events(path, source_format, mapping)
    if isinstance(events, EventLake):
        return events.scan().collect()
    # keyed: the events are scored again as a frame, whose fingerprint comes from its keys
    return events.read(keyed=True) if isinstance(events, EventFile) else events
