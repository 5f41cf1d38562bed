"""Ingest speed: event keys per second, and ``renown ingest`` of a 1 GB CSV and a 1 GB mbox.

Usage: ``python -m bench.ingest [--csv-mb 1024] [--mbox-mb 1024] [--key-events 10000000]``
(also a section of ``make bench``). Prints tables and writes ``bench/out/results-ingest.json``.

Keys: :func:`~renown.ingest.readers._keys.content_keys` on the synthetic organisation's
events, against the per-row :mod:`hashlib` loop it replaced (the same keys, checked).

Files: a CSV and an mbox of synthetic mail are generated in a temporary folder, from fixed
seeds, so every run reads the same bytes. The CSV has the canonical columns, ISO 8601 times,
anonymous rows (an empty actor) and a free-text column that is quoted where it holds a comma,
as exporters write it; the mbox has From, To, Cc, Date, Message-ID, Subject and some
In-Reply-To headers, and bodies of a few hundred bytes to tens of kilobytes. Each file is
imported by ``renown ingest`` in a fresh process into an empty lake (a warm-up import of a
small file first loads the compiled kernels): the table gives the wall time, MB/s of input,
and the CPU time the child used (``wait4``: a figure the machine's other load disturbs less),
and the child's own peak resident memory (``VmHWM``), which is what bounded memory means for
a user. Times are the best of ``--repeats`` runs (the machine may be shared).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench import report
from bench.peak import read_peak
from bench.synth import SynthSpec, synth_events

OUT = Path(__file__).parent / "out" / "results-ingest.json"
MB = 1_000_000
_CSV_ROWS_PER_CHUNK = 1_000_000
_WORDS = [
    "the",
    "a",
    "budget",
    "review",
    "plan",
    "meeting",
    "team",
    "quarter",
    "release",
    "draft",
    "notes",
    "call",
    "follow",
    "up",
    "on",
    "for",
    "with",
    "about",
    "next",
    "week",
    "numbers",
    "customer",
    "launch",
    "update",
    "please",
    "see",
    "attached",
    "thanks",
    "regards",
    "question",
    "agenda",
    "minutes",
    "proposal",
    "deadline",
    "friday",
    "monday",
    "report",
    "slides",
]


def run(
    csv_mb: int = 1024, mbox_mb: int = 1024, key_events: int = 10_000_000, repeats: int = 2
) -> dict[str, Any]:
    """Every measurement of this section, as recorded in the JSON."""
    results: dict[str, Any] = {"keys": _keys(key_events, repeats)}
    with tempfile.TemporaryDirectory(prefix="renown-bench-ingest-") as tmp:
        folder = Path(tmp)
        files = []
        if csv_mb:
            files.append(("CSV", write_csv(folder / "events.csv", csv_mb * MB)))
        if mbox_mb:
            files.append(("mbox", write_mbox(folder / "mail.mbox", mbox_mb * MB)))
        warm = write_csv(folder / "warm.csv", 3_000_000)  # enough rows for every kernel
        _ingest(warm, folder / "warm-lake")
        runs = {
            label: [_ingest(path, folder / f"lake-{label}-{k}") for k in range(repeats)]
            for label, path in files
        }
    rows = []
    for label, attempts in runs.items():
        best = min(attempts, key=lambda r: r.seconds)
        results[label.lower()] = {
            "bytes": best.size,
            "events": best.events,
            "best_seconds": best.seconds,
            "cpu_seconds": best.cpu_seconds,
            "mb_per_s": best.size / MB / best.seconds,
            "mb_per_cpu_s": best.size / MB / best.cpu_seconds,
            "peak_rss_mib": best.peak_rss_mib,
            "peak_rss_mib_all_runs": max(r.peak_rss_mib for r in attempts),
            "seconds_all_runs": [r.seconds for r in attempts],
        }
        rows.append(
            [
                label,
                f"{best.size / MB:,.0f} MB",
                f"{best.events:,}",
                report.seconds(best.seconds),
                f"{best.size / MB / best.seconds:.1f} MB/s",
                report.seconds(best.cpu_seconds),
                f"{max(r.peak_rss_mib for r in attempts):.0f} MiB",
            ]
        )
    if rows:
        report.table(
            f"renown ingest, fresh process, empty lake (best of {repeats})",
            ["input", "size", "events", "time", "rate", "CPU (user+sys)", "peak RSS"],
            rows,
        )
    return results


# ------------------------------------------------------------------------------ keys


def _keys(events: int, repeats: int) -> dict[str, Any]:
    from renown.ingest.readers._keys import CONTENT_COLUMNS, content_keys, occurrence

    frame = synth_events(SynthSpec(people=max(1, events // 10), events=events))
    frame = frame.drop("event_key", "source")
    content_keys(frame.head(10_000), "warm-up.csv")  # loads the compiled kernel
    new_s, keys = _best(repeats, lambda: content_keys(frame, "events.csv"))
    old_s, old = _best(1, lambda: _hashlib_content_keys(frame, "events.csv"))
    if not keys.equals(old):
        raise AssertionError("the compiled keys differ from hashlib's")
    occurrence_s, _ = _best(repeats, lambda: occurrence(frame, CONTENT_COLUMNS))
    report.table(
        f"event keys of {events:,} synthetic rows (content keys: ordinal, joined text, BLAKE2b)",
        ["implementation", "time", "keys/s"],
        [
            ["per-row hashlib (before)", report.seconds(old_s), report.rate(events / old_s)],
            ["compiled kernel (now)", report.seconds(new_s), report.rate(events / new_s)],
            ["  of which occurrence()", report.seconds(occurrence_s), "-"],
        ],
    )
    return {
        "events": events,
        "hashlib_seconds": old_s,
        "kernel_seconds": new_s,
        "occurrence_seconds": occurrence_s,
        "hashlib_keys_per_s": events / old_s,
        "kernel_keys_per_s": events / new_s,
    }


def _hashlib_content_keys(frame: pl.DataFrame, label: str) -> pl.Series:
    """The keys as the per-row loop made them (one hashlib call and hex string per row)."""
    from renown.ingest.readers._keys import CONTENT_COLUMNS, occurrence, timestamp_text

    ordinal = occurrence(frame, CONTENT_COLUMNS)
    parts = [
        pl.lit(label),
        pl.col("actor"),
        pl.col("target"),
        timestamp_text("timestamp"),
        pl.col("channel"),
        pl.col("kind"),
        pl.col("_ordinal"),
    ]
    joined = (
        frame.with_columns(ordinal.alias("_ordinal"))
        .select(pl.concat_str([p.cast(pl.String).fill_null("") for p in parts], separator="\x1f"))
        .to_series()
    )
    blake2b = hashlib.blake2b
    keys = [blake2b(text, digest_size=16).hexdigest() for text in joined.cast(pl.Binary).to_list()]
    return pl.Series("event_key", keys, dtype=pl.String)


def _best(repeats: int, call: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best, result


# ------------------------------------------------------------------------------ files


def write_csv(path: Path, size: int, seed: int = 20240701) -> Path:
    """A CSV of about ``size`` bytes: canonical columns and a free-text ``note``."""
    with path.open("wb") as out:
        out.write(b"actor,target,timestamp,channel,kind,weight,note\n")
        chunk = 0
        while out.tell() < size:
            spec = SynthSpec(
                people=100_000, events=_CSV_ROWS_PER_CHUNK, team_size=500, seed=seed + chunk
            )
            frame = synth_events(spec)
            rng = np.random.default_rng(seed + chunk)
            words = np.array(_WORDS)
            first = words[rng.integers(0, len(words), frame.height)]
            second = words[rng.integers(0, len(words), frame.height)]
            comma = rng.random(frame.height) < 0.1
            note = np.where(comma, np.char.add(np.char.add(first, ", "), second), first)
            text = frame.select(
                pl.col("actor"),
                pl.col("target"),
                pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                pl.col("channel"),
                pl.col("kind"),
                pl.col("weight"),
                pl.Series("note", note),
            ).write_csv(include_header=False)
            data = text.encode()
            room = size - out.tell()
            if len(data) > room:
                data = data[: data.rfind(b"\n", 0, max(room, 1)) + 1]
            out.write(data)
            chunk += 1
            if not data:
                break
    return path


def write_mbox(path: Path, size: int, seed: int = 7) -> Path:
    """An mbox of synthetic mail, about ``size`` bytes (see the module's description)."""
    rng = np.random.default_rng(seed)
    people = [f"p{n:05d}@corp.example" for n in range(20_000)]
    names = [f"Person {n:05d}" for n in range(20_000)]
    filler = " ".join(rng.choice(_WORDS, 400_000)).encode()
    lines = [filler[i : i + 72] for i in range(0, len(filler) - 72, 73)]
    start = 1_704_067_200  # 2024-01-01
    with path.open("wb") as out:
        number = 0
        while out.tell() < size:
            batch = []
            senders = rng.integers(0, len(people), 1000)
            counts = rng.integers(1, 4, 1000)
            ccs = rng.integers(0, 3, 1000)
            stamps = start + rng.integers(0, 180 * 86_400, 1000)
            body_lines = np.minimum(rng.lognormal(3.2, 1.0, 1000).astype(np.int64) + 2, 600)
            for k in range(1000):
                number += 1
                sender = int(senders[k])
                to = rng.integers(0, len(people), int(counts[k]))
                cc = rng.integers(0, len(people), int(ccs[k]))
                when = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(int(stamps[k])))
                head = [
                    f"From {people[sender]} {time.asctime(time.gmtime(int(stamps[k])))}",
                    f"Message-ID: <{number}.{seed}@corp.example>",
                    f"Date: {when}",
                    f'From: "{names[sender]}" <{people[sender]}>',
                    "To: " + ", ".join(f"{names[t]} <{people[t]}>" for t in to),
                ]
                if len(cc):
                    head.append("Cc: " + ", ".join(people[c] for c in cc))
                head.append(f"Subject: {' '.join(rng.choice(_WORDS, 4))}")
                if number > 1 and rng.random() < 0.3:
                    head.append(f"In-Reply-To: <{number - 1}.{seed}@corp.example>")
                head += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii", ""]
                first = int(rng.integers(0, len(lines) - 600))
                body = b"\n".join(lines[first : first + int(body_lines[k])])
                batch.append("\n".join(head).encode() + b"\n" + body + b"\n\n")
            out.write(b"".join(batch))
    return path


# ------------------------------------------------------------------------------ ingest


@dataclass(frozen=True)
class _Run:
    size: int
    events: int
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float


def _ingest(source: Path, lake: Path) -> _Run:
    """``renown ingest SOURCE --lake LAKE`` in a fresh process: time, CPU and peak memory."""
    peak_file = lake.with_name(lake.name + ".peak")
    command = [
        sys.executable,
        "-m",
        "bench.peak",
        str(peak_file),
        "renown.cli.app:main",
        "ingest",
        str(source),
        "--lake",
        str(lake),
        "--home",
        str(lake) + ".home",
    ]
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"renown ingest {source.name} failed: {stderr[-2000:]}")
    parts = str(lake / "month=*" / "*.parquet")
    events = int(pl.scan_parquet(parts).select(pl.len()).collect().item())
    return _Run(
        source.stat().st_size,
        events,
        seconds,
        usage.ru_utime + usage.ru_stime,
        read_peak(peak_file) / 1024**2,
    )


def main(argv: list[str] | None = None) -> None:
    """Run the section alone and write its JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv-mb", type=int, default=1024)
    parser.add_argument("--mbox-mb", type=int, default=1024)
    parser.add_argument("--key-events", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    report.note(f"renown bench ingest - {os.cpu_count()} cores, load average {os.getloadavg()}")
    results = {
        "ingest": run(args.csv_mb, args.mbox_mb, args.key_events, args.repeats),
        "load_end": os.getloadavg(),
    }
    report.write_json(results, OUT)
    report.note(f"load average at the end {results['load_end']}; wrote {OUT}")


if __name__ == "__main__":
    main()
