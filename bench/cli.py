"""``renown score`` as users run it: the CLI on a 10M-event Parquet file and lake, and a peer.

What is timed is the whole command in a fresh process (interpreter start, imports, reading,
scoring both windows, writing the scores file and the run's copy), with default options,
so the figure is the one a user sees. Peak memory is the child's own ``VmHWM`` recorded as
it exits (:mod:`bench.peak`): ``ru_maxrss`` would count this bench's own memory at the fork.
The stage split comes from the run record (``--timings`` writes it there too).

The peer is the same job done the obvious way with polars and igraph: read the Parquet
columns, weigh and decay every event, sum them per pair, build an igraph graph and compute
PageRank and weighted in-strength (two of renown's eight measures, without the trend window,
ring detection or explanations). Its ratio to renown says what the rest of the product costs
against a minimal pipeline in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import report
from bench.peak import read_peak

GIB = 1024**3


@dataclass(frozen=True)
class ChildRun:
    """Wall time, peak resident memory and exit code of one child process."""

    seconds: float
    max_rss_bytes: int
    returncode: int
    stderr: str


def run_child(entry: str, args: list[str], timeout: float) -> ChildRun:
    """Run the Python entry point ``entry`` (``module:function``) with ``args`` in a fresh
    interpreter; return its wall time and its own peak RSS (:mod:`bench.peak`)."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        command = [sys.executable, "-m", "bench.peak", str(peak_file), entry, *args]
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        deadline = began + timeout
        while True:
            pid, status, _usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, _usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")[-2000:]
        peak = read_peak(peak_file)
    return ChildRun(seconds, peak, child.returncode, text)


def score_cli(events: Path, folder: Path, timeout: float) -> dict[str, Any]:
    """``renown score EVENTS --out scores.csv`` with default options, in a fresh process."""
    out = folder / "scores.csv"
    args = [
        "score",
        str(events),
        "--out",
        str(out),
        "--home",
        str(folder / "home"),
        "--quiet",
        "--top",
        "0",
    ]
    done = run_child("renown.cli.app:main", args, timeout)
    if done.returncode != 0:
        return {"error": done.stderr, "seconds": done.seconds}
    record = json.loads(out.with_name(out.name + ".run.json").read_text())
    events_read = int(record["input_events"])
    return {
        "seconds": done.seconds,
        "events": events_read,
        "events_per_second": events_read / done.seconds,
        "max_rss_bytes": done.max_rss_bytes,
        "stages": record.get("timings_seconds", {}),
        "people": record["people"],
    }


def score_peer(events: Path, timeout: float) -> dict[str, Any]:
    """The minimal polars + igraph pipeline (see the module docstring), in a fresh process."""
    done = run_child("bench.cli_peer:main", [str(events)], timeout)
    if done.returncode != 0:
        return {"error": done.stderr, "seconds": done.seconds}
    return {"seconds": done.seconds, "max_rss_bytes": done.max_rss_bytes}


def run(parquet: Path, lake: Path, events: int, timeout: float) -> dict[str, Any]:
    """Score the file and the lake through the CLI, run the peer, print one table."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="renown-cli-") as tmp:
        for label, source in (("parquet file", parquet), ("event lake", lake)):
            folder = Path(tmp) / label.replace(" ", "-")
            folder.mkdir()
            results[label] = score_cli(source, folder, timeout)
    results["peer"] = score_peer(parquet, timeout)
    peer_s = results["peer"].get("seconds")
    rows = []
    for label in ("parquet file", "event lake"):
        done = results[label]
        if "error" in done:
            report.note(f"renown score on the {label}: failed ({done['error'][-300:]})")
            continue
        ratio = peer_s / done["seconds"] if peer_s and "error" not in results["peer"] else None
        rows.append(
            [
                f"renown score ({label})",
                report.seconds(done["seconds"]),
                report.rate(done["events_per_second"]),
                f"{done['max_rss_bytes'] / GIB:.2f} GiB",
                "-" if ratio is None else f"{ratio:.2f}x",
            ]
        )
    if "error" not in results["peer"]:
        rows.append(
            [
                "peer: polars + igraph (2 measures, no trend)",
                report.seconds(peer_s),
                report.rate(events / peer_s) if peer_s else "-",
                f"{results['peer']['max_rss_bytes'] / GIB:.2f} GiB",
                "1.00x",
            ]
        )
    report.table(
        f"renown score through the CLI ({events:,} events, default options incl. 30-day trend)",
        ["command", "wall", "events/s", "peak RSS", "peer / renown"],
        rows,
    )
    for label in ("parquet file", "event lake"):
        stages = results[label].get("stages") or {}
        if stages:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
            report.note(f"where the time goes ({label}, s): {parts}")
    return results
