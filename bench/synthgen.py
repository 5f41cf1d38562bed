"""Synthetic events at any size in bounded memory, written as an event lake or one Parquet file.

Usage::

    python -m bench.synth OUT --events 100M [--people 10M] [--seed N] [--chunk 4M] [--parquet]

Why chunks: :func:`bench.synth.synth_events` draws a whole organisation in one frame, which is
fine for 10M events and too much for 100M (the frame alone is tens of GB). Here the people
(their activity and their shuffled labels) are drawn once from a generator seeded with
``[seed, 0]``, and each chunk of events from its own generator seeded with ``[seed, 1, k]``,
with the same formulas as ``synth_events``: the same distribution, memory bounded by the
people plus one chunk, and the same seed and chunk size give the same events (not the same
events as ``synth_events``, whose single generator interleaves people and events).

Why not :meth:`renown.ingest.lake.EventLake.append` per chunk: an append reads the
``event_key`` column of every stored part to drop duplicates, so chunk k rereads k chunks
and 100M events cost a quadratic number of key reads. Keys here are unique by construction
(``e0``, ``e1``, ...), so this writer skips the dedupe and writes what an append would have
written: one part per month per chunk (sorted by time, then key; zstd, with statistics), and
one manifest in the lake's own format (:class:`~renown.ingest.lake.Part` entries with their
key sums), the lake's private file modes included. The lake is built in a temporary sibling
folder and renamed into place once its manifest is written, so a generation that is
stopped never leaves something that looks like a complete lake. Files are not fsynced: a
benchmark lake can be regenerated.

People scale with events (default: one person per ten events), so the graph grows the way a
larger organisation's does rather than getting denser.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from bench.peak import own_peak_bytes
from bench.synth import SynthSpec, activity_cdf, draw_details, draw_pairs, event_frame
from renown.core.events import EventColumn
from renown.core.private import PRIVATE_FILE_MODE, private_dir
from renown.ingest.lake import MANIFEST_NAME, MANIFEST_VERSION
from renown.ingest.lake_parts import COMPRESSION, Part, event_key_sum

CHUNK_EVENTS = 4_000_000
"""Events drawn per chunk: part of what the seed means (another chunk size, other events)."""

EVENTS_PER_PERSON = 10
"""Default people = events / 10, as in ``make bench`` (1M people, 10M events)."""

_SUFFIXES = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000, "b": 1_000_000_000}


def parse_count(text: str) -> int:
    """``100M``, ``2.5m``, ``500k``, ``1e6`` or ``2_000_000`` as a positive integer."""
    cleaned = text.strip().lower().replace("_", "").replace(",", "")
    factor = _SUFFIXES.get(cleaned[-1:], 1)
    number = cleaned[:-1] if cleaned[-1:] in _SUFFIXES else cleaned
    try:
        value = round(float(number) * factor)
    except ValueError:
        raise ValueError(f"{text!r} is not a count (e.g. 1M, 500k, 2000000)") from None
    if value < 1:
        raise ValueError(f"{text!r}: a count must be at least 1")
    return value


def label_count(value: int) -> str:
    """``1000000`` -> ``1M``, ``2500`` -> ``2.5k``: the short form :func:`parse_count` reads."""
    for suffix, factor in (("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000)):
        if value >= factor:
            return f"{value / factor:g}{suffix}"
    return str(value)


def default_people(events: int) -> int:
    """People of an organisation with ``events`` events (one per ten events, at least 2)."""
    return max(2, events // EVENTS_PER_PERSON)


def synth_chunks(spec: SynthSpec, chunk_events: int = CHUNK_EVENTS) -> Iterator[pl.DataFrame]:
    """Canonical event frames of ``spec``, ``chunk_events`` rows at a time, keys ``e0``..."""
    people = np.random.default_rng([spec.seed, 0])
    cdf = activity_cdf(people, spec)
    label = people.permutation(spec.people)
    for k, first in enumerate(range(0, spec.events, chunk_events)):
        m = min(chunk_events, spec.events - first)
        rng = np.random.default_rng([spec.seed, 1, k])
        actor, target, anonymous = draw_pairs(rng, spec, cdf, m)
        yield event_frame(first, label[actor], label[target], anonymous, *draw_details(rng, m))


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote."""

    path: Path
    events: int
    people: int
    files: int
    bytes: int
    seconds: float
    peak_rss_mib: float

    def to_json(self) -> dict[str, object]:
        """Plain record (paths as text)."""
        return {
            "path": str(self.path),
            "events": self.events,
            "people": self.people,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": self.seconds,
            "peak_rss_mib": self.peak_rss_mib,
        }


def generate(
    out: Path, spec: SynthSpec, *, chunk_events: int = CHUNK_EVENTS, parquet: bool = False
) -> Generated:
    """Write ``spec``'s events to ``out`` (a lake folder, or one Parquet file) chunk by chunk.

    Raises
    ------
    FileExistsError
        ``out`` exists already: a lake is never appended to or overwritten here.
    """
    if out.exists():
        raise FileExistsError(f"{out} exists already (remove it or choose another name)")
    began = time.perf_counter()
    private_dir(out.parent)
    staging = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    chunks = synth_chunks(spec, chunk_events)
    try:
        files = _write_file(chunks, staging) if parquet else _write_lake(chunks, staging)
        os.rename(staging, out)
    except BaseException:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.unlink(missing_ok=True)
        raise
    size = out.stat().st_size if parquet else sum(p.stat().st_size for p in out.rglob("*"))
    return Generated(
        path=out,
        events=spec.events,
        people=spec.people,
        files=files,
        bytes=size,
        seconds=time.perf_counter() - began,
        peak_rss_mib=own_peak_bytes() / 1024**2,
    )


def _write_lake(chunks: Iterator[pl.DataFrame], folder: Path) -> int:
    """Month parts of every chunk, then the manifest that lists them all; returns the parts."""
    private_dir(folder)
    parts: list[Part] = []
    for k, chunk in enumerate(chunks):
        months = chunk.with_columns(
            pl.col(EventColumn.TIMESTAMP).dt.strftime("%Y-%m").alias("_month")
        ).partition_by("_month", as_dict=True, include_key=False)
        for (month,), rows in sorted(months.items(), key=lambda item: str(item[0][0])):
            ordered = rows.sort([EventColumn.TIMESTAMP, EventColumn.EVENT_KEY])
            relative = f"month={month}/part-{k:06d}.parquet"
            private_dir(folder / f"month={month}")
            path = folder / relative
            _create_private(path)
            ordered.write_parquet(path, compression=COMPRESSION, statistics=True)
            stamps = ordered.get_column(EventColumn.TIMESTAMP)
            parts.append(
                Part(
                    month=str(month),
                    file=relative,
                    rows=ordered.height,
                    first=stamps.min(),  # type: ignore[arg-type]
                    last=stamps.max(),  # type: ignore[arg-type]
                    key_sum=event_key_sum(ordered.get_column(EventColumn.EVENT_KEY)),
                )
            )
    parts.sort(key=lambda part: (part.month, part.file))
    manifest = folder / MANIFEST_NAME
    content = {"version": MANIFEST_VERSION, "parts": [part.to_json() for part in parts]}
    _create_private(manifest)
    manifest.write_text(json.dumps(content, indent=1), encoding="utf-8")
    return len(parts)


def _write_file(chunks: Iterator[pl.DataFrame], path: Path) -> int:
    """One Parquet file, a row group (or a few) per chunk, in key order; returns 1."""
    writer: pq.ParquetWriter | None = None
    try:
        for chunk in chunks:
            table = chunk.to_arrow()
            if writer is None:
                _create_private(path)
                writer = pq.ParquetWriter(path, table.schema, compression=COMPRESSION)
            writer.write_table(table, row_group_size=1_000_000)
    finally:
        if writer is not None:
            writer.close()
    return 1


def _create_private(path: Path) -> None:
    """Create ``path`` empty and 0600 before any event is written into it (as the lake does)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    os.chmod(path, PRIVATE_FILE_MODE)


def main(argv: list[str] | None = None) -> None:
    """Generate the events named on the command line and print what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth",
        description="Synthetic events at any size, chunk by chunk, as an event lake (default) "
        "or one Parquet file.",
    )
    parser.add_argument("out", type=Path, help="lake folder (or .parquet file) to create")
    parser.add_argument("--events", type=parse_count, default=10_000_000, help="e.g. 100M")
    parser.add_argument("--people", type=parse_count, help=f"default: events / {EVENTS_PER_PERSON}")
    parser.add_argument("--seed", type=int, default=SynthSpec.seed)
    parser.add_argument(
        "--chunk", type=parse_count, default=CHUNK_EVENTS, help="events drawn at a time"
    )
    parser.add_argument("--parquet", action="store_true", help="one Parquet file, not a lake")
    args = parser.parse_args(argv)
    people = args.people or default_people(args.events)
    spec = SynthSpec(people=people, events=args.events, seed=args.seed)
    done = generate(args.out, spec, chunk_events=args.chunk, parquet=args.parquet)
    print(
        f"{done.events:,} events, {done.people:,} people (seed {spec.seed}, chunks of "
        f"{args.chunk:,}) -> {done.path}: {done.files} file(s), {done.bytes / 2**20:,.0f} MiB "
        f"in {done.seconds:.1f} s, peak RSS {done.peak_rss_mib:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
