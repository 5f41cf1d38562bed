"""The Spark engine on a standalone cluster agrees with the local engine (make spark-cluster).

Local mode runs tasks inside the driver's JVM; here they run in an executor the worker
starts, so what the engine ships (plans, Arrow batches, checkpoints) crosses processes as
on any cluster. The agreement asked for is the local engine's scores to 1e-6 and the same
rank for every person, on a synthetic organisation with planted rings and through the
command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest

from renown import __version__
from renown.demo.org import generate_org, inject_collusion_rings
from renown.prominence.engines.spark_session import stop_spark
from renown.scoring.pipeline import ScoringResult, score_events
from tests.cluster.parity import assert_same_scores
from tests.helpers import random_events

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark


def test_the_session_runs_on_the_cluster(cluster: SparkSession, spark_master: str) -> None:
    context = cluster.sparkContext
    assert context.master == spark_master
    # A Python function on the executors: the worker's Python finds renown.
    versions = (
        context.parallelize(range(2), 2).map(lambda _: __import__("renown").__version__).collect()
    )
    assert versions == [__version__, __version__]
    executors = context._jsc.sc().getExecutorMemoryStatus().size() - 1  # minus the driver
    assert executors >= 1


@pytest.fixture(scope="module")
def organisation() -> tuple[pl.DataFrame, dict[str, str], list[list[str]]]:
    """About 170k events of a 1,000-person organisation with two planted rings."""
    org, rings = inject_collusion_rings(generate_org(people=1_000, months=6), rings=2)
    return org.events, org.groups, rings


def _score(
    organisation: tuple[pl.DataFrame, dict[str, str], list[list[str]]], **engine: str
) -> ScoringResult:
    events, groups, _ = organisation
    return score_events(events, groups=groups, trend_days=None, **engine)  # type: ignore[arg-type]


def test_synthetic_organisation_agrees(
    cluster: SparkSession,
    spark_master: str,
    organisation: tuple[pl.DataFrame, dict[str, str], list[list[str]]],
) -> None:
    local = _score(organisation)
    remote = _score(organisation, engine="spark", spark_master=spark_master)
    assert cluster.sparkContext.master == spark_master  # the run reused the cluster session
    assert remote.metadata["spark_master"] == spark_master
    assert remote.metadata["engine"] == "spark"
    assert_same_scores(local.scores, remote.scores)
    found = [sorted(r.members) for r in remote.model.ring_report_.rings]
    assert found == [sorted(r.members) for r in local.model.ring_report_.rings]
    assert sorted(found) == sorted(sorted(r) for r in organisation[2])


def test_command_line_scores_on_the_cluster(tmp_path: Path, spark_master: str) -> None:
    events = tmp_path / "events.csv"
    random_events(60, 1_500, seed=5).select(
        "actor",
        "target",
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "channel",
        "kind",
        "weight",
    ).write_csv(events)
    renown = str(Path(sys.executable).with_name("renown"))
    # The command is another Spark application: it gets executors once this one has ended.
    stop_spark()
    outputs = {}
    for name, engine in (
        ("local", []),
        ("cluster", ["--engine", "spark", "--master", spark_master]),
    ):
        out = tmp_path / f"{name}.csv"
        command = [renown, "score", str(events), *engine, "--out", str(out)]
        command += ["--home", str(tmp_path / name), "--quiet", "--top", "0"]
        # The timeout only turns a hang (no executors granted) into a failure.
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
        assert done.returncode == 0, done.stderr
        outputs[name] = out
    record = json.loads(Path(f"{outputs['cluster']}.run.json").read_text())
    assert (record["engine"], record["spark_master"]) == ("spark", spark_master)
    assert_same_scores(pl.read_csv(outputs["local"]), pl.read_csv(outputs["cluster"]))
