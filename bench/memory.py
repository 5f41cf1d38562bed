"""Peak memory of one graph build, measured in a fresh process.

Usage: ``python -m bench.memory EVENTS AS_OF (frame|lake)``; prints one JSON object.

Why a subprocess and the kernel's high-water mark: numba and polars allocate outside
Python's allocator, so tracemalloc would miss most of the build. Linux keeps the peak
resident set (``VmHWM``) per process and lets a process reset it (``clear_refs``), so the
peak *during the build alone* is read exactly, after the input has been loaded and the
kernels compiled.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import polars as pl

from bench.synth import scan_lake
from renown.graph import build_graph

RAW_BYTES_PER_EVENT = 4 + 4 + 8
"""Raw edge arrays: int32 actor, int32 target and float64 weight per kept event."""


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class _Sampler(threading.Thread):
    """Fallback when the peak cannot be reset: poll the resident set every millisecond."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _status_kib("VmRSS")
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _status_kib("VmRSS"))
            time.sleep(0.001)


def main() -> None:
    """Load the events, build once to compile, then measure a second build's peak."""
    path, as_of_text, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    as_of = datetime.fromisoformat(as_of_text)
    lake = scan_lake(Path(path)) if Path(path).is_dir() else pl.scan_parquet(path)
    frame = lake.collect() if mode == "frame" else None
    build_graph(lake.head(1000).collect(), as_of=as_of)  # compile kernels
    before = _status_kib("VmRSS")
    exact = _reset_peak()
    sampler = None if exact else _Sampler()
    if sampler is not None:
        sampler.start()
    graph = build_graph(lake if frame is None else frame, as_of=as_of)
    if sampler is not None:
        sampler.running = False
        sampler.join()
    peak = _status_kib("VmHWM") if exact else sampler.peak  # type: ignore[union-attr]
    raw = graph.n_events * RAW_BYTES_PER_EVENT
    print(
        json.dumps(
            {
                "mode": mode,
                "method": "VmHWM after clear_refs" if exact else "sampled VmRSS",
                "rss_before_mib": before / 1024,
                "peak_extra_mib": (peak - before) / 1024,
                "raw_edge_arrays_mib": raw / 2**20,
                "ratio": (peak - before) * 1024 / raw if raw else None,
                "events": graph.n_events,
            }
        )
    )


if __name__ == "__main__":
    main()
