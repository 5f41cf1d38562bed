"""Events per second from an event lake to final 1-100 scores, in a fresh process.

Usage: ``python -m bench.endtoend LAKE AS_OF [TREND_DAYS]``; prints one JSON object.
``TREND_DAYS`` (default 0: no trend window) also scores the window that many days earlier,
as ``renown score`` does by default for its trend column.

The lake is passed to ``score_events`` as an :class:`~renown.ingest.lake.EventLake`, so
only the columns scoring needs are read and the input fingerprint comes from the manifest.
A fresh process gives a clean peak-memory reading (``VmHWM``, :mod:`bench.peak`) and lets
the caller stop a run that takes too long. Kernels are compiled first on a small slice (not timed).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

import polars as pl

from bench.peak import own_peak_bytes
from bench.synth import scan_lake
from renown.core.heap import release_large_frees
from renown.ingest.lake import EventLake


def main() -> None:
    """Score the lake once after a warm-up and report throughput and stage timings."""
    release_large_frees()  # as the command line does before any run
    lake, as_of = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
    trend_days = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    try:
        from renown.scoring.pipeline import score_events
    except ImportError as error:  # the batch layer is written in parallel
        print(json.dumps({"available": False, "reason": str(error)}))
        return
    events = scan_lake(lake)
    warm = time.perf_counter()
    score_events(events.head(20_000).collect(), as_of=as_of, trend_days=trend_days or None)
    warm = time.perf_counter() - warm
    n_events = int(events.select(pl.len()).collect().item())
    start = time.perf_counter()
    result = score_events(EventLake(lake), as_of=as_of, trend_days=trend_days or None)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "available": True,
                "trend_days": trend_days,
                "warm_up_seconds": warm,
                "seconds": seconds,
                "events": n_events,
                "events_per_second": n_events / seconds,
                "people_scored": result.scores.height,
                "stages": result.timings,
                "max_rss_mib": own_peak_bytes() / 1024**2,
            }
        )
    )


if __name__ == "__main__":
    main()
