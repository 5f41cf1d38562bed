"""Erasing a person from the files under the renown home: event lake, run outputs, uploads.

* **The event lake** of their organisation: every event whose actor or target is one of
  their identities is removed by a crash-safe rewrite (:mod:`renown.ingest.rewrite`).
* **Run outputs**: the scores files a run wrote (``runs/<run>/scores.parquet`` and any
  scores file with a ``.run.json`` beside it, CSV, Parquet or JSON) lose the person's rows.
  The other rows are left exactly as the run wrote them (a run is a record of its day, not
  re-ranked), each file replaced atomically (new file, ``fsync``, rename, folder flushed).
  These files are not tied to an organisation, so a row goes whenever its identity is one
  of the person's: a namesake elsewhere loses a line of an output file, never a stored
  score.
* **Uploads** of finished ingest jobs that name the person (as an actor or target, or
  anywhere in their text) are deleted: their events are in the lake already, and an
  upload cannot be rewritten in general (a mailbox, a zipped chat export). Erasure refuses
  to start while a job of the organisation is waiting or running.

Server-side sources (``sources_dir``) are the operator's originals and are left alone; a
later ingest of a source that still names the person would bring their events back.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.identities import lookup_key
from renown.ingest.events import read_events
from renown.ingest.lake import EventLake
from renown.ingest.rewrite import remove_identities
from renown.privacy.traces import MIN_WORD, Traces
from renown.settings import Settings

LAKE_WAIT_SECONDS: Final = 60.0
"""How long erasure waits for another writer of the lake (an ingest) to finish."""
SIDECAR: Final = ".run.json"


@dataclass(frozen=True)
class FilesErased:
    """What erasure removed from files."""

    lake_events: int = 0
    score_rows: int = 0
    score_files: int = 0
    uploads: int = 0


def erase_from_files(settings: Settings, traces: Traces) -> FilesErased:
    """Remove the person from the lake, the run outputs and the uploads (idempotent)."""
    lake = EventLake(settings.org_lake_dir(traces.org_slug), lock_timeout=LAKE_WAIT_SECONDS)
    events = remove_identities(lake, traces.lookup_keys)
    rows = files = 0
    for path in sorted(set(_score_files(settings.home))):
        removed = _rewrite_scores(path, traces)
        if removed:
            rows += removed
            files += 1
    uploads = 0
    folder = settings.uploads_dir / traces.org_slug
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and _upload_names(path, traces):
            path.unlink()
            uploads += 1
    if uploads:
        _fsync_dir(folder)
    return FilesErased(lake_events=events, score_rows=rows, score_files=files, uploads=uploads)


def _score_files(home: Path) -> Iterator[Path]:
    """Scores files of recorded runs and of runs written beside a ``.run.json``."""
    if not home.is_dir():
        return
    for sidecar in home.rglob(f"*{SIDECAR}"):
        scores = sidecar.with_name(sidecar.name[: -len(SIDECAR)])
        if scores.is_file():
            yield scores
    for record in home.rglob("run.json"):
        scores = record.with_name("scores.parquet")
        if scores.is_file():
            yield scores


def _rewrite_scores(path: Path, traces: Traces) -> int:
    """Drop the person's rows from one scores file; how many were dropped."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        kept = [r for r in rows if lookup_key(str(r.get("person", ""))) not in traces.lookup_keys]
        if len(kept) == len(rows):
            return 0
        _replace(path, (json.dumps(kept, default=str, indent=1) + "\n").encode())
        return len(rows) - len(kept)
    frame = pl.read_parquet(path) if suffix == ".parquet" else pl.read_csv(path, infer_schema=False)
    if "person" not in frame.columns:
        return 0
    mine = frame.get_column("person").cast(pl.String)
    drop = [v for v in mine.drop_nulls().unique().to_list() if lookup_key(v) in traces.lookup_keys]
    if not drop:
        return 0
    kept_frame = frame.filter(~pl.col("person").cast(pl.String).is_in(drop))
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        if suffix == ".parquet":
            kept_frame.write_parquet(temporary)
        else:
            kept_frame.write_csv(temporary)
        _flush_and_replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return frame.height - kept_frame.height


def _upload_names(path: Path, traces: Traces) -> bool:
    """Whether an uploaded file names the person (its events, or anywhere in its text)."""
    name = path.name.split("-", 1)[-1]
    try:
        events = read_events(path, name)
    except InputError:
        events = None
    if events is not None:
        people = pl.concat([events.get_column("actor"), events.get_column("target")])
        if any(lookup_key(v) in traces.lookup_keys for v in people.drop_nulls().unique()):
            return True
    named_by = traces.words if traces.file_words is None else traces.file_words
    words = [w.lower().encode() for w in named_by if len(w) >= MIN_WORD]
    return any(word in chunk for chunk in _texts(path) for word in words)


def _texts(path: Path) -> Iterator[bytes]:
    """The lower-cased bytes of a file, of each member of a zip, or of a Parquet's text."""
    if path.suffix.lower() == ".parquet":
        frame = pl.read_parquet(path)
        for column in frame.columns:
            if frame.schema[column] == pl.String:
                yield "\n".join(frame.get_column(column).drop_nulls()).lower().encode()
        return
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    yield archive.read(member).lower()
        return
    yield path.read_bytes().lower()


def _replace(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(content)
        _flush_and_replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _flush_and_replace(temporary: Path, path: Path) -> None:
    """Make ``temporary`` durable, then atomically put it in place of ``path``."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
