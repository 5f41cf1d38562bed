"""The scaling bench's parts: process-tree measurement, crossover, record and chart.

No run is timed here: the commands are tiny and only what is recorded is checked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.procmon import FAILED, OK, OOM, TIMEOUT, run_measured
from bench.scale import crossover, main
from bench.scale_chart import chart_spec, write_svg

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _run(engine: str, events: int, rate: float | None, status: str = OK) -> dict[str, Any]:
    run: dict[str, Any] = {"engine": engine, "events": events, "status": status}
    if rate is None:
        run["reason"] = "out of memory (tree over 20,480 MiB)"
    else:
        run.update(seconds=events / rate, events_per_second=rate, peak_rss_mib=1024.0)
    return run


def test_peak_memory_of_the_command_and_its_children(tmp_path: Path) -> None:
    grow = "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096])"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grow!r}])"
    done = run_measured(
        [sys.executable, "-c", child],
        timeout=60,
        memory_limit_mib=4096,
        log=tmp_path / "run.log",
        adopt_orphans=False,
    )
    assert (done.status, done.returncode) == (OK, 0)
    assert done.peak_rss_mib >= 120
    assert done.processes >= 1


def test_stopped_runs_say_why(tmp_path: Path) -> None:
    slow = run_measured(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        timeout=0.5,
        memory_limit_mib=4096,
        log=tmp_path / "slow.log",
        adopt_orphans=False,
    )
    assert slow.status == TIMEOUT
    assert slow.reason.startswith("did not finish")
    hungry = run_measured(
        [sys.executable, "-c", "import time; x = bytearray(400 * 2**20); time.sleep(60)"],
        timeout=60,
        memory_limit_mib=100,
        log=tmp_path / "hungry.log",
        adopt_orphans=False,
    )
    assert hungry.status == OOM
    assert "over 100 MiB" in hungry.reason
    broken = run_measured(
        [sys.executable, "-c", "import sys; sys.exit('no lake here')"],
        timeout=60,
        memory_limit_mib=4096,
        log=tmp_path / "broken.log",
        adopt_orphans=False,
    )
    assert (broken.status, broken.returncode, broken.reason) == (FAILED, 1, "exit code 1")
    assert "no lake here" in broken.stderr_tail
    crashed = run_measured(
        [sys.executable, "-c", "raise MemoryError"],
        timeout=60,
        memory_limit_mib=4096,
        log=tmp_path / "crashed.log",
        adopt_orphans=False,
    )
    assert crashed.status == OOM


def test_crossover_is_the_smallest_size_where_spark_is_faster() -> None:
    runs = [
        _run("local", 10**6, 2e6),
        _run("spark-local", 10**6, 1e5),
        _run("local", 10**7, 1.5e6),
        _run("spark-local", 10**7, 2e6),
        _run("local", 10**8, None, OOM),
        _run("spark-local", 10**8, 1e6),
        _run("spark-cluster", 10**6, 1e4),
        _run("spark-cluster", 10**7, 1e5),
        _run("spark-cluster", 10**8, None, TIMEOUT),
    ]
    found = crossover(runs)
    assert found["spark-local"].startswith("Spark, local mode overtakes the local engine at 10M")
    assert found["spark-cluster"] == (
        "Spark, standalone cluster: no crossover up to 100M events on this machine "
        "(at 10M the local engine is 15.0x faster)"
    )


def test_spark_finishing_where_local_did_not_is_a_crossover() -> None:
    found = crossover([_run("local", 10**8, None, OOM), _run("spark-local", 10**8, 1e6)])
    assert "overtakes the local engine at 100M" in found["spark-local"]
    assert "out of memory" in found["spark-local"]


def test_resume_keeps_what_was_measured_and_the_summary_has_no_logs(tmp_path: Path) -> None:
    out, chart = tmp_path / "scale.json", tmp_path / "images" / "scaling.svg"
    earlier = {
        "started": "2025-01-01T00:00:00+00:00",
        "runs": [
            {**_run("local", 1_000, 1e5), "stderr_tail": "/somewhere/private"},
            _run("spark-local", 1_000, None, OOM),
            _run("local", 5_000, 2e5),
        ],
    }
    out.write_text(json.dumps(earlier))
    lakes = tmp_path / "lakes"
    args = ["--sizes", "1k", "--engines", "local,spark-local", "--resume", "--lakes", str(lakes)]
    main([*args, "--out", str(out), "--chart", str(chart)])
    record = json.loads(out.read_text())
    assert record["complete"]
    assert [(r["engine"], r["events"], r["status"]) for r in record["runs"]] == [
        ("local", 1_000, OK),
        ("spark-local", 1_000, OOM),
        ("local", 5_000, OK),
    ]
    assert all(r["from_earlier_run"] == earlier["started"] for r in record["runs"][:2])
    assert record["sizes"][0]["events"] == 1_000  # the lake was generated all the same
    summary = chart.with_suffix(".json").read_text()
    assert "/somewhere" not in summary and str(tmp_path) not in summary
    assert chart.read_text().startswith("<svg")


def test_chart_plots_finished_runs_and_names_the_others(tmp_path: Path) -> None:
    runs = [_run("local", 10**6, 2e6), _run("local", 10**8, None, OOM)]
    spec = chart_spec(runs, title="Scaling", notes=["local engine at 100M: out of memory"])
    assert [point["events"] for point in spec["data"]["values"]] == [10**6]
    svg = write_svg(spec, tmp_path / "images" / "scaling.svg").read_text()
    assert svg.startswith("<svg") and "out of memory" in svg
