"""Choosing the Spark master: checked before any JVM starts, one session per master."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from renown.cli.app import app
from renown.prominence.engines.spark_session import (
    _settings,
    check_master,
    spark_session,
    stop_spark,
)

GOOD = (
    "local",
    "local[2]",
    "local[*]",
    "local[4,2]",
    "spark://10.0.0.5:7077",
    "spark://a.example:7077,b.example:7077",
    "yarn",
    "k8s://https://10.0.0.9:6443",
)
BAD = ("", "local[0]", "local[x]", "spark://10.0.0.5", "mesos://h:5050", "10.0.0.5:7077")


def test_masters_are_checked_before_spark_starts() -> None:
    for master in GOOD:
        assert check_master(master) == master
    for master in BAD:
        with pytest.raises(ValueError, match="not a Spark master URL"):
            check_master(master)


def test_local_tuning_stays_in_local_mode() -> None:
    local = _settings("local[3]", None, "2g", None)
    assert local["spark.sql.shuffle.partitions"] == local["spark.default.parallelism"] == "6"
    assert local["spark.sql.adaptive.enabled"] == "false"
    assert (local["spark.driver.host"], local["spark.driver.memory"]) == ("127.0.0.1", "2g")
    remote = _settings("spark://10.0.0.5:7077", None, None, "4g")
    for key in ("spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled", "spark.driver.host"):
        assert key not in remote, key  # the cluster's spark-defaults.conf decides
    assert remote["spark.executor.memory"] == "4g"
    assert remote["spark.sql.session.timeZone"] == "UTC"
    loopback = _settings("spark://127.0.0.1:7077", 6, None, None)
    assert loopback["spark.driver.bindAddress"] == "127.0.0.1"
    assert loopback["spark.sql.shuffle.partitions"] == "6"


@pytest.mark.spark
def test_another_master_replaces_the_session() -> None:
    one = spark_session("local[1]")
    assert spark_session("local[1]") is one
    assert one.conf.get("spark.sql.shuffle.partitions") == "2"
    two = spark_session("local[2]")
    assert two is not one
    assert two.sparkContext.master == "local[2]"
    assert two.conf.get("spark.sql.shuffle.partitions") == "4"
    assert one.sparkContext._jsc is None  # stopped: a JVM holds one SparkContext
    stop_spark()
    assert two.sparkContext._jsc is None


def test_master_needs_the_spark_engine(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("actor,target,timestamp\na,b,2024-06-01T10:00:00Z\n")
    out = str(tmp_path / "scores.csv")
    runner = CliRunner()
    alone = runner.invoke(app, ["score", str(events), "--master", "local[2]", "--out", out])
    assert alone.exit_code == 2
    assert "--master needs --engine spark" in alone.output
    typo = ["score", str(events), "--engine", "spark", "--master", "spark:/h:7077", "--out", out]
    wrong = runner.invoke(app, typo)
    assert wrong.exit_code == 2
    assert "not a Spark master URL" in wrong.output
