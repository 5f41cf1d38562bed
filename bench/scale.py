"""``make bench-scale``: the scaling curve, events/s and peak memory from 1M to 100M events.

For each size the synthetic lake is generated once (``python -m bench.synth``, one person per
ten events, kept between runs in ``--lakes``), then scored by the command users run, ``renown
score LAKE --out scores.parquet -q`` with default options (the 30-day trend window included),
each run in a fresh process:

* ``local``: the local engine;
* ``spark-local``: ``--engine spark`` (Spark local mode: one JVM, two cores);
* ``spark-cluster``: ``--engine spark --master`` on a throwaway standalone master and worker
  started by ``scripts/spark_cluster.py``, when that script is present (timed from inside it,
  without the cluster's start and stop, which are recorded separately).

Spark's driver gets a heap sized for this machine (``--driver-memory``, 10 GB; Spark's own
default of 1 GB runs out of memory at 10M events, since ``renown score`` reads the events on
the driver and ships them to the JVM) and the cluster's executor ``--executor-memory`` (6 GB).

Wall time and the peak resident memory of the whole process tree (JVMs and Python workers
included) come from :mod:`bench.procmon`. Each run has a time limit and a memory limit; one
that passes either is stopped and recorded as "did not finish" or "out of memory", and the
engine is not tried on larger sizes. The machine is shared, so each finished size is run
``--repeats`` times (unless it took longer than ``--repeat-under``) and the fastest time is
kept, with the largest peak of those runs. ``--resume`` continues an interrupted record.

Prints a table and the crossover point (the smallest size at which a Spark variant is faster
than the local engine), writes ``bench/out/scale.json`` (stderr tails included), and renders
the chart and a summary without paths for the README (``docs/images/scaling.svg`` and
``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench import report
from bench.procmon import FAILED, OK, TIMEOUT, Measured, run_measured
from bench.scale_chart import ENGINE_NAMES, chart_spec, write_svg
from bench.synthgen import default_people, label_count, parse_count

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out" / "scale.json"
CHART = ROOT / "docs" / "images" / "scaling.svg"
CLUSTER_SCRIPT = ROOT / "scripts" / "spark_cluster.py"
ENGINES = ("local", "spark-local", "spark-cluster")
DEFAULT_SIZES = "1M,10M,100M"
CLUSTER_TIMED_OUT = 124
"""Exit status of ``scripts/spark_cluster.py`` when its command ran past its time limit."""


def main(argv: list[str] | None = None) -> None:
    """Measure every size and engine asked for, then print, record and chart them."""
    args = _parser().parse_args(argv)
    if args.redraw:
        _draw(json.loads(args.out.read_text()), args.chart or CHART)
        return
    before = signal.signal(signal.SIGTERM, _interrupted)  # stop the run in progress, as Ctrl-C
    try:
        _measure_all(args)
    finally:
        signal.signal(signal.SIGTERM, before)


def _measure_all(args: argparse.Namespace) -> None:
    """Every size and engine asked for, recorded after each run, then the table and chart."""
    sizes = sorted({parse_count(text) for text in args.sizes.split(",") if text.strip()})
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = [name for name in engines if name not in ENGINES]
    if unknown:
        raise SystemExit(f"unknown engine {unknown[0]!r}: choose from {', '.join(ENGINES)}")
    record: dict[str, Any] = {
        "machine": _machine(),
        "settings": {
            "sizes": sizes,
            "engines": engines,
            "repeats": args.repeats,
            "repeat_only_under_s": args.repeat_under,
            "timeout_s": args.timeout,
            "memory_limit_mib": args.memory_limit * 1024,
            "spark_driver_memory": args.driver_memory,
            "spark_cluster": f"one worker, 2 cores, executor heap {args.executor_memory}",
            "people_per_event": "events / 10",
            "command": "renown score LAKE --out scores.parquet -q (default options)",
        },
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": [],
        "runs": [],
    }
    report.note(
        f"renown scaling curve - {record['machine']['cpus']} cores, "
        f"{record['machine']['memory_gib']:.0f} GiB, load average "
        f"{_load(record['machine']['load_start'])}; sizes {', '.join(map(label_count, sizes))}; "
        f"engines {', '.join(engines)}; best of {args.repeats} (runs over "
        f"{args.repeat_under:.0f} s once)"
    )
    previous = json.loads(args.out.read_text()) if args.resume and args.out.exists() else {}
    kept = {(run["engine"], run["events"]): run for run in previous.get("runs", [])}
    given_up: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="renown-scale-") as scratch:
        work = Path(scratch)
        for size in sizes:
            lake, made = _lake(args.lakes, size)
            record["sizes"].append(made)
            for engine in engines:
                if (engine, size) in kept:
                    run = {**kept.pop((engine, size)), "from_earlier_run": previous["started"]}
                    if run["status"] not in (OK, "skipped"):
                        given_up[engine] = f"not tried: {run['reason']} at {label_count(size)}"
                else:
                    run = _measure(engine, size, lake, work, args, given_up)
                record["runs"].append(run)
                _say(run)
                report.write_json({**record, "complete": False}, args.out)  # survives a stop
    record["runs"] += kept.values()  # sizes or engines of the earlier record not asked for now
    record["runs"].sort(key=lambda run: (run["events"], ENGINES.index(run["engine"])))
    record["complete"] = True
    record["crossover"] = crossover(record["runs"])
    record["machine"]["load_end"] = os.getloadavg()
    report.note(f"load average at the end {_load(record['machine']['load_end'])}")
    _print_table(record["runs"])
    for text in record["crossover"].values():
        report.note(text)
    report.write_json(record, args.out)
    report.note(f"wrote {args.out}")
    if args.chart is not None:
        _draw(record, args.chart)


def _draw(record: Mapping[str, Any], chart: Path) -> None:
    """The chart and, beside it, the summary the README cites."""
    write_svg(_chart(record), chart)
    summary = chart.with_suffix(".json")
    report.write_json(_summary(record), summary)
    report.note(f"wrote {chart} and {summary}")


def _load(averages: Sequence[float]) -> str:
    return " / ".join(f"{value:.1f}" for value in averages)


def _interrupted(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="e.g. 1M,10M (default: %(default)s)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="subset of %(default)s, comma-separated"
    )
    parser.add_argument("--repeats", type=int, default=2, help="runs per finished size")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument(
        "--memory-limit", type=float, default=20.0, help="GiB the process tree may hold"
    )
    parser.add_argument(
        "--driver-memory",
        default="10g",
        help="Spark driver heap for both Spark runs (Spark's own default, 1g, runs out at 10M)",
    )
    parser.add_argument(
        "--executor-memory",
        default="6g",
        help="heap of the standalone cluster's executor (the worker offers as much)",
    )
    parser.add_argument(
        "--lakes",
        type=Path,
        default=Path(tempfile.gettempdir()) / "renown-scale-lakes",
        help="folder of the generated lakes, reused between runs (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="JSON record")
    parser.add_argument(
        "--chart", type=Path, default=CHART, help="SVG chart; its .json summary goes beside it"
    )
    parser.add_argument("--no-chart", dest="chart", action="store_const", const=None)
    parser.add_argument(
        "--redraw",
        action="store_true",
        help="measure nothing: redraw the chart and its summary from the --out record",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the --out record: sizes and engines it holds are not measured again",
    )
    parser.add_argument(
        "--repeat-under",
        type=float,
        default=300.0,
        help="repeat only runs shorter than this many seconds (default: %(default)s)",
    )
    return parser


def _lake(folder: Path, events: int) -> tuple[Path, dict[str, Any]]:
    """The lake of ``events`` synthetic events (generated unless already there)."""
    people = default_people(events)
    lake = folder / f"synth-{label_count(events)}-{label_count(people)}"
    info: dict[str, Any] = {"events": events, "people": people}
    if not (lake / "_manifest.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        report.note(f"generating {events:,} events ({people:,} people) into {lake} ...")
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bench.synth", str(lake), "--events", str(events)],
            check=True,
            cwd=ROOT,
        )
        info["generated_s"] = time.perf_counter() - began
    files = [p for p in lake.rglob("*.parquet")]
    info["parts"] = len(files)
    info["lake_mib"] = sum(p.stat().st_size for p in files) / 2**20
    return lake, info


def _measure(
    engine: str,
    events: int,
    lake: Path,
    work: Path,
    args: argparse.Namespace,
    given_up: dict[str, str],
) -> dict[str, Any]:
    """Best of ``args.repeats`` runs of ``engine`` on ``lake`` (or why there are none)."""
    base: dict[str, Any] = {"engine": engine, "events": events, "load_before": os.getloadavg()}
    if engine in given_up:
        return {**base, "status": "skipped", "reason": given_up[engine]}
    if engine == "spark-cluster" and not CLUSTER_SCRIPT.exists():
        reason = "skipped: scripts/spark_cluster.py is not in this checkout yet"
        return {**base, "status": "skipped", "reason": reason}
    attempts: list[Measured] = []
    for attempt in range(args.repeats):
        folder = work / f"{engine}-{events}-{attempt}"
        folder.mkdir()
        measured = _run_once(engine, lake, folder, args)
        attempts.append(measured)
        if measured.status != OK or measured.seconds > args.repeat_under:
            break  # a long run's noise is small next to its length; repeating it costs hours
    finished = [m for m in attempts if m.status == OK]
    if not finished:
        failed = attempts[-1]
        given_up[engine] = f"not tried: {failed.reason} at {label_count(events)} events"
        return {
            **base,
            "status": failed.status,
            "reason": failed.reason,
            "seconds": failed.seconds,
            "peak_rss_mib": failed.peak_rss_mib,
            "stderr_tail": failed.stderr_tail[-2000:],
        }
    best = min(finished, key=lambda m: m.seconds)
    return {
        **base,
        "status": OK,
        "seconds": best.seconds,
        "events_per_second": events / best.seconds,
        "peak_rss_mib": max(m.peak_rss_mib for m in finished),
        "peak_method": best.peak_method,
        "processes": best.processes,
        "attempts": [{k: v for k, v in asdict(m).items() if k != "stderr_tail"} for m in attempts],
        **best.extra,
    }


def _run_once(engine: str, lake: Path, folder: Path, args: argparse.Namespace) -> Measured:
    """One fresh-process run of ``renown score`` with ``engine``, measured."""
    renown = Path(sys.executable).with_name("renown")
    score = [
        str(renown),
        "score",
        str(lake),
        "--out",
        str(folder / "scores.parquet"),
        "-q",
        "--home",
        str(folder / "home"),
    ]
    env = dict(os.environ)
    if engine != "local":
        score += ["--engine", "spark"]
        # the driver JVM's heap is fixed when PySpark launches it: spark-submit's own option
        env["PYSPARK_SUBMIT_ARGS"] = f"--driver-memory {args.driver_memory} pyspark-shell"
    limit_mib = args.memory_limit * 1024
    if engine != "spark-cluster":
        return run_measured(
            score, timeout=args.timeout, memory_limit_mib=limit_mib, log=folder / "run.log", env=env
        )
    timing = folder / "timed.json"
    command = [
        sys.executable,
        str(CLUSTER_SCRIPT),
        "--timeout",
        str(args.timeout),
        "--memory",
        args.executor_memory,
        "--executor-memory",
        args.executor_memory,
        "--",
        sys.executable,
        "-m",
        "bench.timed",
        str(timing),
        "--",
        *score,
        "--master",
        "$RENOWN_SPARK_MASTER",
    ]
    measured = run_measured(
        command,
        timeout=args.timeout + 300,  # the script stops the command itself, then its cluster
        memory_limit_mib=limit_mib,
        log=folder / "run.log",
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    if measured.returncode == CLUSTER_TIMED_OUT:
        measured.status, measured.reason = TIMEOUT, f"did not finish in {args.timeout:.0f} s"
    measured.extra["seconds_with_cluster_start_and_stop"] = measured.seconds
    if timing.exists():
        inner = json.loads(timing.read_text())
        measured.seconds = float(inner["seconds"])
    elif measured.status == OK:
        measured.status, measured.reason = FAILED, "the command's time was not recorded"
    return measured


def crossover(runs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """For each Spark variant measured: the smallest size at which it beats the local engine.

    "Beats" means a higher events/s, or finishing where the local engine did not.
    """
    by_key = {(run["engine"], run["events"]): run for run in runs}
    sizes = sorted({int(run["events"]) for run in runs})
    found: dict[str, str] = {}
    for engine in ENGINES[1:]:
        mine = [size for size in sizes if (engine, size) in by_key]
        if not mine:
            continue
        name = ENGINE_NAMES[engine]
        text = f"{name}: no crossover up to {label_count(max(sizes))} events on this machine"
        for size in mine:
            spark, local = by_key[(engine, size)], by_key.get(("local", size))
            if spark.get("status") != OK or local is None:
                continue
            if local.get("status") != OK:
                text = (
                    f"{name} overtakes the local engine at {label_count(size)} events "
                    f"(the local engine: {local.get('reason') or local.get('status')})"
                )
                break
            if spark["events_per_second"] > local["events_per_second"]:
                ratio = spark["events_per_second"] / local["events_per_second"]
                text = (
                    f"{name} overtakes the local engine at {label_count(size)} events "
                    f"({ratio:.2f}x its events/s)"
                )
                break
        else:
            text += _gap(by_key, engine, mine)
        found[engine] = text
    return found


def _gap(by_key: Mapping[tuple[str, int], Mapping[str, Any]], engine: str, sizes: list[int]) -> str:
    """How far behind the Spark variant is at its largest finished size."""
    for size in reversed(sizes):
        spark, local = by_key[(engine, size)], by_key.get(("local", size))
        if spark.get("status") == OK and local is not None and local.get("status") == OK:
            ratio = local["events_per_second"] / spark["events_per_second"]
            return f" (at {label_count(size)} the local engine is {ratio:.1f}x faster)"
    return ""


def _say(run: Mapping[str, Any]) -> None:
    name = ENGINE_NAMES[run["engine"]]
    if run["status"] == OK:
        report.note(
            f"  {label_count(run['events'])} {name}: {report.seconds(run['seconds'])}, "
            f"{report.rate(run['events_per_second'])}, peak {run['peak_rss_mib']:,.0f} MiB"
        )
    else:
        report.note(f"  {label_count(run['events'])} {name}: {run['reason']}")


def _print_table(runs: Sequence[Mapping[str, Any]]) -> None:
    local = {run["events"]: run for run in runs if run["engine"] == "local"}
    rows = []
    for run in runs:
        base = local.get(run["events"])
        if run["status"] == OK:
            versus = "-"
            if run["engine"] != "local" and base is not None and base["status"] == OK:
                versus = f"{run['events_per_second'] / base['events_per_second']:.2f}x"
            rows.append(
                [
                    label_count(run["events"]),
                    ENGINE_NAMES[run["engine"]],
                    report.seconds(run["seconds"]),
                    report.rate(run["events_per_second"]),
                    f"{run['peak_rss_mib']:,.0f} MiB",
                    versus,
                ]
            )
        else:
            rows.append(
                [label_count(run["events"]), ENGINE_NAMES[run["engine"]], run["reason"], "", "", ""]
            )
    report.table(
        "renown score on a synthetic lake (fresh process each; best time, largest peak)",
        ["events", "engine", "time", "events/s", "peak memory (tree)", "vs local"],
        rows,
    )


def _chart(record: Mapping[str, Any]) -> dict[str, Any]:
    machine = record["machine"]
    loads = [run["load_before"][0] for run in record["runs"] if "load_before" in run]
    shared = f", load average {min(loads):.0f}-{max(loads):.0f} (shared)" if loads else ""
    notes = [
        f"renown score on synthetic lakes (one person per ten events); {machine['cpus']} cores, "
        f"{machine['memory_gib']:.0f} GiB{shared}; best of {record['settings']['repeats']} "
        f"(runs over {record['settings'].get('repeat_only_under_s', 0):.0f} s once); "
        f"measured {record['started'][:10]}",
        *record["crossover"].values(),
        *(
            f"{ENGINE_NAMES[run['engine']]} at {label_count(run['events'])}: {run['reason']}"
            for run in record["runs"]
            if run["status"] != OK
        ),
    ]
    return chart_spec(record["runs"], title="Scaling: events/s and peak memory", notes=notes)


def _summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the README cites: the figures, the machine and the settings, no paths or logs."""
    keep = ("engine", "events", "status", "reason", "seconds", "events_per_second")
    runs = []
    for run in record["runs"]:
        entry = {key: run[key] for key in keep if key in run}
        entry["peak_rss_mib"] = run.get("peak_rss_mib")
        for key in (
            "processes",
            "peak_method",
            "seconds_with_cluster_start_and_stop",
            "load_before",
        ):
            if key in run:
                entry[key] = run[key]
        runs.append(entry)
    sizes = [{k: v for k, v in info.items() if k != "path"} for info in record["sizes"]]
    return {
        "machine": record["machine"],
        "settings": record["settings"],
        "started": record["started"],
        "sizes": sizes,
        "runs": runs,
        "crossover": record["crossover"],
    }


def _machine() -> dict[str, Any]:
    import importlib.metadata as meta

    versions: dict[str, str | None] = {}
    for name in ("polars", "numpy", "numba", "pyspark"):
        try:
            versions[name] = meta.version(name)
        except meta.PackageNotFoundError:
            versions[name] = None
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "cpus": os.cpu_count(),
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        "python": platform.python_version(),
        "java": (java.stderr.splitlines() or ["?"])[0],
        "versions": versions,
        "commit": commit.stdout.strip() or None,
        "uncommitted_changes": bool(changed.stdout.strip()),
        "load_start": os.getloadavg(),
    }


if __name__ == "__main__":
    main()
