"""The issue's performance targets, each with what this run measured and its peer ratio.

Printed last by ``make bench`` so a reader sees at a glance which targets hold on this
machine today; every figure comes from the sections above, in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import report

GIB = 1024**3
TEN_MILLION = 10_000_000


def _get(results: dict[str, Any], *path: str) -> Any:
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _row(
    target: str, value: float | None, shown: Callable[[float], str], met: bool | None, peer: str
) -> list[str]:
    verdict = "-" if met is None else ("met" if met else "NOT MET")
    return [target, "-" if value is None else shown(value), peer, verdict]


def summary(results: dict[str, Any]) -> list[list[str]]:
    """Print and return the target table."""
    rows = []
    for label in ("parquet file", "event lake"):
        cli = _get(results, "cli", label) or {}
        peer_s = _get(results, "cli", "peer", "seconds")
        ratio = (
            f"{peer_s / cli['seconds']:.2f}x polars+igraph"
            if peer_s and cli.get("seconds")
            else "-"
        )
        rate = cli.get("events_per_second")
        rows.append(
            _row(
                f"renown score, 10M-event {label}: >= 3M events/s",
                rate,
                report.rate,
                None if rate is None else rate >= 3e6,
                ratio,
            )
        )
        rss = cli.get("max_rss_bytes")
        rows.append(
            _row(
                f"renown score, 10M-event {label}: peak RSS <= 2 GB",
                rss,
                lambda v: f"{v / GIB:.2f} GiB",
                None if rss is None else rss <= 2 * GIB,
                "-",
            )
        )
    build = _get(results, "synthetic", "build_from_frame_s")
    kept = _get(results, "synthetic", "events_kept")
    per_10m = build * TEN_MILLION / kept if build and kept else None
    rows.append(
        _row(
            "graph build <= 0.8 s per 10M edges",
            per_10m,
            report.seconds,
            None if per_10m is None else per_10m <= 0.8,
            "-",
        )
    )
    igraph_ratio = _get(results, "synthetic", "pagerank", "igraph", "ratio")
    rows.append(
        _row(
            "PageRank >= 15x igraph (same graph, same run)",
            igraph_ratio,
            lambda v: f"{v:.1f}x",
            None if igraph_ratio is None else igraph_ratio >= 15,
            "igraph",
        )
    )
    rescoring = _get(results, "rescoring", "seconds")
    rows.append(
        _row(
            "rescoring 100k people / 1M events <= 0.3 s",
            rescoring,
            report.seconds,
            None if rescoring is None else rescoring <= 0.3,
            "-",
        )
    )
    for label in ("csv", "mbox"):
        done = _get(results, "ingest", label) or {}
        rate = done.get("mb_per_s")
        peak = float(done.get("peak_rss_mib_all_runs") or 0.0)

        def with_peak(value: float, peak: float = peak) -> str:
            return f"{value:.1f} MB/s, peak {peak:.0f} MiB"

        rows.append(
            _row(
                f"renown ingest, 1 GB {label.upper() if label == 'csv' else label}: "
                "stated MB/s, bounded memory",
                rate,
                with_peak,
                None,
                "-",
            )
        )
    report.table("targets (this machine, this run)", ["target", "measured", "peer", ""], rows)
    report.note(
        "100M events and the scaling curve: make bench-scale (bench/out/scale.json, the chart "
        "in the README)"
    )
    return rows
