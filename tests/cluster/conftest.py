"""Tests against a real standalone Spark cluster, run by ``make spark-cluster``.

They read the master's URL from ``RENOWN_SPARK_MASTER`` and skip without it, so ``make
test`` passes them by. ``make spark-cluster`` starts a master and a worker, sets the URL
and ``RENOWN_SPARK_CLUSTER_STRICT=1``: then any skip here (no master, no
``RENOWN_DATA_HOME``) is reported as a failure, so the target cannot pass vacuously.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING

import pytest

from renown.prominence.engines.spark_session import spark_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MASTER_VARIABLE = "RENOWN_SPARK_MASTER"
STRICT_VARIABLE = "RENOWN_SPARK_CLUSTER_STRICT"


@pytest.fixture(scope="session")
def spark_master() -> str:
    """The cluster's master URL, e.g. ``spark://127.0.0.1:7077``."""
    master = os.environ.get(MASTER_VARIABLE)
    if not master:
        pytest.skip(f"{MASTER_VARIABLE} is not set (make spark-cluster starts a cluster)")
    return master


@pytest.fixture
def cluster(spark_master: str) -> SparkSession:
    """The engine's session on the cluster (the one ``score_events`` reuses).

    Made anew if a test stopped it: a test that starts another application must stop
    this one first, since the cluster's one worker gives an application all its cores.
    """
    return spark_session(spark_master)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under ``make spark-cluster`` a skipped test here is a failed one."""
    del item, call
    report = yield
    if report.skipped and os.environ.get(STRICT_VARIABLE) == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{STRICT_VARIABLE}=1 forbids skipping: {reason}"
    return report
