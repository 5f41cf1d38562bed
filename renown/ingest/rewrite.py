"""Removing a person's events from the lake (erasure): the one time parts are rewritten.

Parts are otherwise never rewritten (see :mod:`renown.ingest.lake`). Erasing a person must
remove every event whose actor or target is one of their identities, so each part that
holds one is replaced, crash-safely, under the writer lock:

1. every replacement part is written under a temporary name, flushed (``fsync``) and
   renamed to a fresh final name, and the folders are flushed;
2. one atomic replace of the manifest lists the replacements instead of the originals
   (the commit point: before it, readers and a crash see the old lake, after it the new);
3. the originals are deleted and the folders flushed.

A crash before 2 leaves unlisted new files and a crash after it unlisted old ones; either
kind is swept by the next append or rewrite, and running the erasure again finds nothing
left to remove. Identities are compared as score matching compares them
(:func:`renown.core.identities.lookup_key`). A reader that listed the old parts before the
commit may fail to open a deleted original: it retries on the new manifest. That is the
price of an erasure that really deletes, paid only when someone is erased.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

import polars as pl

from renown.core.events import EventColumn
from renown.core.identities import lookup_key
from renown.ingest.lake import LOCK_NAME, EventLake
from renown.ingest.lake_parts import (
    Part,
    as_datetime,
    fsync_dirs,
    recorded_key_sum,
    write_part,
)
from renown.ingest.lock import LakeLock


def matching_values(values: pl.Series, keys: Collection[str]) -> list[str]:
    """The distinct raw identities in ``values`` that normalise to one of ``keys``."""
    wanted = set(keys)
    return [v for v in values.drop_nulls().unique().to_list() if lookup_key(v) in wanted]


def events_naming(frame: pl.DataFrame, keys: Collection[str]) -> pl.Expr:
    """Whether an event's actor or target is one of the identities ``keys``."""
    actors = matching_values(frame.get_column(EventColumn.ACTOR), keys)
    targets = matching_values(frame.get_column(EventColumn.TARGET), keys)
    return pl.col(EventColumn.ACTOR).is_in(actors).fill_null(value=False) | pl.col(
        EventColumn.TARGET
    ).is_in(targets)


def remove_identities(lake: EventLake, keys: Collection[str]) -> int:
    """Delete every event of ``lake`` whose actor or target is one of ``keys``; the number
    of events removed (0 when none is left, e.g. on a second run)."""
    if not keys or not lake.path.is_dir():
        return 0
    with LakeLock(lake.path / LOCK_NAME, timeout=lake.lock_timeout):
        parts = lake.parts()
        lake._sweep(parts)
        removed = 0
        kept: list[Part] = []
        replaced: list[Path] = []
        created: list[Path] = []
        try:
            for part in parts:
                frame = pl.read_parquet(lake.path / part.file)
                naming = events_naming(frame, keys)
                remaining = frame.filter(~naming)
                if remaining.height == frame.height:
                    kept.append(part)
                    continue
                removed += frame.height - remaining.height
                replaced.append(lake.path / part.file)
                if remaining.height:
                    new = _rewritten(lake.path, part, remaining)
                    created.append(lake.path / new.file)
                    kept.append(new)
            if not replaced:
                return 0
            fsync_dirs([lake.path, *{file.parent for file in created}])
        except BaseException:
            for file in created:
                file.unlink(missing_ok=True)
            raise
        # The commit point. Should it fail, the new files are unlisted strays that the next
        # append or rewrite sweeps; once it has happened, they are the lake.
        lake._write_manifest(kept)
        for file in replaced:
            file.unlink(missing_ok=True)
        fsync_dirs([lake.path, *{file.parent for file in replaced}])
        return removed


def _rewritten(root: Path, part: Part, rows: pl.DataFrame) -> Part:
    """Write ``rows`` as the replacement of ``part`` (flushed, under a fresh name)."""
    directory = (root / part.file).parent
    name = f"part-{uuid.uuid4().hex}.parquet"
    temporary = directory / f".{name}.tmp"
    try:
        write_part(rows, temporary)
        os.replace(temporary, directory / name)
    finally:
        temporary.unlink(missing_ok=True)
    stamps = rows.get_column(EventColumn.TIMESTAMP)
    return replace(
        part,
        file=f"{directory.name}/{name}",
        rows=rows.height,
        first=as_datetime(stamps.min()),
        last=as_datetime(stamps.max()),
        key_sum=recorded_key_sum(rows.get_column(EventColumn.EVENT_KEY)),
    )
