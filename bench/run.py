"""``make bench``: graph build and PageRank against peer libraries, in one run.

Prints readable tables and writes ``bench/out/results.json``. Timings are the best of a
few repeats because the machine may be shared; the load average at start and end is
recorded next to them. numba compiles (or loads from its cache) every kernel during a
warm-up that is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numba
import numpy as np

from bench import cli, ingest, peers, ratings, report, talent, targets, web
from bench.synth import AS_OF, SynthSpec, scan_lake, synth_events, write_lake
from renown.graph import InteractionGraph, build_graph
from renown.prominence.measures.pagerank import pagerank_run, transition_operator, warm_up

OUT = Path(__file__).parent / "out" / "results.json"
RAW_BYTES_PER_EVENT = 16


def main(argv: list[str] | None = None) -> None:
    """Run every section and write the JSON record."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0, help="end-to-end limit (s)")
    parser.add_argument(
        "--only",
        choices=["web", "talent", "ratings", "ingest", "scoring"],
        help="run only this section (scoring: graph, PageRank, end-to-end, the CLI, targets)",
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": _machine()}
    if args.only == "web":
        results["web"] = web.run()
        report.write_json(results, OUT.with_name("results-web.json"))
        return
    if args.only == "talent":
        results["talent"] = talent.run()
        report.write_json(results, OUT.with_name("results-talent.json"))
        return
    if args.only == "ratings":
        results["ratings"] = ratings.run()
        report.write_json(results, OUT.with_name("results-ratings.json"))
        return
    if args.only == "ingest":  # also: python -m bench.ingest
        results["ingest"] = ingest.run(repeats=args.repeats)
        report.write_json(results, OUT.with_name("results-ingest.json"))
        return
    report.note(
        f"renown bench - {results['machine']['cpus']} cores, numba "
        f"{numba.get_num_threads()} threads, load average {results['machine']['load_start']}"
    )
    start = time.perf_counter()
    warm_up()
    build_graph(synth_events(SynthSpec(people=500, events=5_000)), as_of=AS_OF)
    report.note(f"numba compile/warm-up (not timed): {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory(prefix="renown-bench-") as tmp:
        spec = SynthSpec(people=args.people, events=args.events)
        lake = Path(tmp) / "lake"
        parquet = Path(tmp) / "events.parquet"
        results["synthetic"] = _synthetic(spec, lake, parquet, args)
        results["eu_core"] = _eu_core(args.repeats)
        small = SynthSpec(people=max(1, args.people // 10), events=max(1, args.events // 10))
        rescore = write_lake(synth_events(small), Path(tmp) / "rescore")
        report.note("")
        results["rescoring"] = _end_to_end(rescore, args.timeout, "rescoring", small)
        results["end_to_end"] = _end_to_end(lake, args.timeout, "end-to-end", spec)
        results["end_to_end_with_trend"] = _end_to_end(
            lake, args.timeout, "end-to-end", spec, trend_days=30
        )
        report.note("")
        results["cli"] = cli.run(parquet, lake, spec.events, args.timeout)
    if args.only == "scoring":
        report.note("")
        results["targets"] = targets.summary(results)
        report.write_json(results, OUT.with_name("results-scoring.json"))
        return
    report.note("")
    results["ingest"] = ingest.run(repeats=min(args.repeats, 2))
    results["talent"] = talent.run()
    results["ratings"] = ratings.run()
    results["web"] = web.run()
    results["machine"]["load_end"] = os.getloadavg()
    report.note("")
    results["targets"] = targets.summary(results)
    report.write_json(results, OUT)
    report.note(f"load average at the end {results['machine']['load_end']}; wrote {OUT}")


def _machine() -> dict[str, Any]:
    import importlib.metadata as meta

    versions: dict[str, str | None] = {}
    for name in ("numpy", "numba", "polars", "scipy", "igraph", "networkit", "networkx"):
        try:
            versions[name] = meta.version(name)
        except meta.PackageNotFoundError:
            versions[name] = None
    return {
        "cpus": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "python": platform.python_version(),
        "versions": versions,
        "load_start": os.getloadavg(),
    }


def _best(repeats: int, call: Any) -> tuple[float, Any]:
    best, result = np.inf, None
    for _ in range(repeats):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best, result


def _synthetic(
    spec: SynthSpec, lake: Path, parquet: Path, args: argparse.Namespace
) -> dict[str, Any]:
    began = time.perf_counter()
    generated = synth_events(spec)
    write_lake(generated, lake)
    # the file a user would hand to 'renown score': the six event columns, no keys
    generated.drop("event_key", "source").write_parquet(parquet)
    del generated
    report.note(
        f"\nsynthetic organisation: {spec.people:,} people, {spec.events:,} events, "
        f"teams of {spec.team_size}, seed {spec.seed} (generated in "
        f"{time.perf_counter() - began:.0f} s, Parquet lake by month)"
    )
    read_s, frame = _best(1, lambda: scan_lake(lake).collect())
    build_s, graph = _best(args.repeats, lambda: build_graph(frame, as_of=AS_OF))
    frame = None  # free the events before the lake build and the peers
    lake_s, _ = _best(1, lambda: build_graph(scan_lake(lake), as_of=AS_OF))
    section: dict[str, Any] = {
        "people": graph.n,
        "pairs": graph.m,
        "events_kept": graph.n_events,
        "parquet_read_s": read_s,
        "build_from_frame_s": build_s,
        "build_from_lake_s": lake_s,
        "memory": [_memory(lake, mode) for mode in ("frame", "lake")],
    }
    report.table(
        "graph build",
        ["input", "time", "events/s", "per 10M events", "peak extra memory", "x raw edges"],
        [
            _build_row("in-memory frame", build_s, graph, section["memory"][0]),
            _build_row("Parquet lake (incl. read)", lake_s, graph, section["memory"][1]),
        ],
    )
    report.note(
        f"{graph.n:,} people, {graph.m:,} pairs from {graph.n_events:,} kept events; "
        f"reading the lake into a frame alone takes {report.seconds(read_s)}; raw edge "
        "arrays = int32 actor + int32 target + float64 weight per kept event"
    )
    section["pagerank"] = _pagerank_table("synthetic", graph, args.repeats, with_networkx=False)
    return section


def _build_row(
    label: str, elapsed: float, graph: InteractionGraph, memory: dict[str, Any]
) -> list[str]:
    per_10m = elapsed * 10_000_000 / max(graph.n_events, 1)
    ratio = memory.get("ratio")
    return [
        label,
        report.seconds(elapsed),
        report.rate(graph.n_events / elapsed),
        report.seconds(per_10m),
        f"{memory.get('peak_extra_mib', float('nan')):.0f} MiB",
        "-" if ratio is None else f"{ratio:.2f}",
    ]


def _memory(lake: Path, mode: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.memory", str(lake), AS_OF.isoformat(), mode]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-500:]}
    parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return parsed


def _pagerank_table(
    name: str, graph: InteractionGraph, repeats: int, *, with_networkx: bool
) -> dict[str, Any]:
    arrays = peers.EdgeArrays(graph.n, graph.out.indptr, graph.out.indices, graph.out.weights)
    began = time.perf_counter()
    operator = transition_operator(graph)
    operator.share(np.float32)
    prepare_s = time.perf_counter() - began
    reference, ref_iterations = peers.reference_pagerank(arrays)
    renown_s, run = _best(max(repeats, 5), lambda: pagerank_run(operator))
    runs = [peers.PeerRun("renown", renown_s, run.scores, f"{run.iterations} it, {run.dtype}")]
    names = ["igraph", "networkit", *(["networkx"] if with_networkx else [])]
    peer_repeats = repeats if graph.m > 1_000_000 else max(repeats, 7)  # small: cheap, noisy
    with tempfile.TemporaryDirectory(prefix="renown-peers-") as folder:
        for peer in names:
            try:
                runs.append(peers.run_isolated(peer, arrays, peer_repeats, 1e-6, Path(folder)))
            except ImportError as error:
                report.note(f"peer skipped: {error}")
    rows, record = [], {}
    for done in runs:
        l1 = float(np.abs(done.scores - reference).sum())
        ratio = done.seconds / renown_s
        rows.append(
            [done.name, report.seconds(done.seconds), f"{ratio:.1f}x", f"{l1:.1e}", done.note]
        )
        record[done.name] = {"seconds": done.seconds, "l1": l1, "ratio": ratio, "note": done.note}
    report.table(
        f"PageRank on {name} ({graph.n:,} nodes, {graph.m:,} edges; alpha 0.85, L1 < 1e-6)",
        ["library", "time", "peer / renown", "L1 to float64 ref", "notes"],
        rows,
    )
    per_iteration = renown_s / max(run.iterations, 1)
    report.note(
        f"renown: {run.iterations} sweeps, {per_iteration * 1000:.2f} ms per sweep; "
        f"one-off operator preparation (inbound CSR + shares) {report.seconds(prepare_s)}; "
        f"reference = scipy float64 power iteration to L1 < 1e-12 ({ref_iterations} it); "
        "each peer runs in its own process, its graph construction not timed"
    )
    record["renown"].update(iterations=run.iterations, prepare_s=prepare_s)
    return record


def _eu_core(repeats: int) -> dict[str, Any]:
    home = os.environ.get("RENOWN_DATA_HOME")
    if not home:
        report.note("\nemail-Eu-core: skipped (RENOWN_DATA_HOME is not set)")
        return {"skipped": "RENOWN_DATA_HOME is not set"}
    from renown.datasets import load_eu_core

    events = load_eu_core(temporal=True, data_home=Path(home)).events
    newest = events["timestamp"].max()
    assert isinstance(newest, datetime)
    build_s, graph = _best(max(repeats, 5), lambda: build_graph(events, as_of=newest))
    report.note(
        f"\nemail-Eu-core temporal: {events.height:,} events -> {graph.n:,} people, "
        f"{graph.m:,} pairs; build {report.seconds(build_s)} "
        f"({report.rate(events.height / build_s)})"
    )
    return {
        "events": events.height,
        "build_s": build_s,
        "pagerank": _pagerank_table("email-Eu-core", graph, repeats, with_networkx=True),
    }


def _end_to_end(
    lake: Path, timeout: float, label: str, spec: SynthSpec, trend_days: float = 0.0
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.endtoend",
        str(lake),
        AS_OF.isoformat(),
        str(trend_days),
    ]
    if trend_days:
        label += f" + {trend_days:.0f}-day trend window"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        report.note(
            f"{label} ({spec.people:,} people / {spec.events:,} events): stopped after "
            f"{timeout:.0f} s, so below {report.rate(spec.events / timeout)}"
        )
        return {"timed_out_after_s": timeout, "events": spec.events}
    if done.returncode != 0:
        report.note(f"{label}: failed ({done.stderr.strip().splitlines()[-1:]})")
        return {"error": done.stderr[-2000:]}
    record: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not record.get("available"):
        report.note(f"{label}: not available yet ({record.get('reason')})")
        return record
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in record["stages"].items())
    report.note(
        f"{label} ({spec.people:,} people / {spec.events:,} events, lake -> 1-100 scores, "
        f"default measures): {report.seconds(record['seconds'])}, "
        f"{report.rate(record['events_per_second'])}, {record['people_scored']:,} people, "
        f"peak RSS {record['max_rss_mib']:.0f} MiB [{stages}]"
    )
    return record


if __name__ == "__main__":
    main()
