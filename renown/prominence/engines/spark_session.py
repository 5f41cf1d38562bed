"""The SparkSession the engine runs on: local mode on one machine, or a cluster's master.

A JVM holds one SparkContext, and the engine's functions take the session they are given,
so the session is made here once and reused for as long as the same master is asked for;
asking for another master (``local[4]`` after ``local[2]``, a ``spark://`` cluster after
local mode) stops the held session and starts one on the new master.

Two kinds of master want different settings. In local mode the driver does all the work:
the session binds to the loopback interface (a laptop without a resolvable host name still
runs), a few shuffle partitions per core replace Spark's 200 near-empty tasks, and adaptive
execution is off (re-planning dozens of small iterative jobs costs more than it saves). On a
cluster the executors are other processes, possibly on other machines, so only what the
results depend on is fixed here (UTC session time zone, Arrow transfers) together with the
Python the executors start; everything else (driver host, executor memory and cores,
shuffle partitions, adaptive execution) is left to the cluster's ``spark-defaults.conf``
and Spark's defaults, unless given as arguments. A master on this machine's loopback
interface (the throwaway cluster of ``make spark-cluster``) gets a loopback driver too.

PySpark is imported inside :func:`spark_session`, so this module imports without it.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "DEFAULT_MASTER",
    "check_master",
    "is_local_master",
    "local_spark",
    "spark_session",
    "stop_spark",
]

DEFAULT_MASTER: Final = "local[2]"
"""The master of a run that names none: local mode on two cores."""

_LOCAL: Final = re.compile(r"local(\[(\*|[1-9]\d*)(,[1-9]\d*)?\])?")
_CLUSTER: Final = re.compile(
    r"(spark://[^/\s]+:\d+(,[^/\s]+:\d+)*|yarn|k8s://\S+|local-cluster\[.+\])"
)
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

_SESSION: list[SparkSession] = []


def check_master(master: str) -> str:
    """Return ``master`` if Spark can parse it, else raise a readable ValueError.

    Accepted: ``local``, ``local[N]``, ``local[*]``, ``local[N,F]``, ``spark://HOST:PORT``
    (several ``HOST:PORT`` separated by commas for standby masters), ``yarn`` and
    ``k8s://URL``. Checked before a JVM starts, so a typo costs no Spark start-up and no
    Java stack trace.
    """
    if _LOCAL.fullmatch(master) or _CLUSTER.fullmatch(master):
        return master
    raise ValueError(
        f"{master!r} is not a Spark master URL: use local[N] or spark://HOST:PORT "
        "(also yarn, k8s://URL)"
    )


def is_local_master(master: str) -> bool:
    """True for local mode (the driver JVM runs the tasks itself)."""
    return _LOCAL.fullmatch(master) is not None


def _local_cores(master: str) -> int:
    match = _LOCAL.fullmatch(master)
    assert match is not None
    cores = match.group(2)
    if cores is None:
        return 1
    return os.cpu_count() or 1 if cores == "*" else int(cores)


def _on_loopback(master: str) -> bool:
    """True when every host of a ``spark://`` master is this machine's loopback address."""
    if not master.startswith("spark://"):
        return False
    hosts = [urlsplit(f"spark://{part}").hostname for part in master[8:].split(",")]
    return all(host in _LOOPBACK for host in hosts)


def _settings(
    master: str,
    shuffle_partitions: int | None,
    driver_memory: str | None,
    executor_memory: str | None,
) -> dict[str, str]:
    settings = {
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    local = is_local_master(master)
    partitions = shuffle_partitions or (2 * _local_cores(master) if local else None)
    if partitions is not None:
        settings["spark.sql.shuffle.partitions"] = str(partitions)
        settings["spark.default.parallelism"] = str(partitions)
    if local:
        # The iterative measures run dozens of small jobs; re-planning each stage (AQE)
        # costs more on one machine than it can save with a handful of partitions.
        settings |= {"spark.ui.enabled": "false", "spark.sql.adaptive.enabled": "false"}
    if local or _on_loopback(master):
        settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    if driver_memory is not None:
        settings["spark.driver.memory"] = driver_memory
    if executor_memory is not None:
        settings["spark.executor.memory"] = executor_memory
    return settings


def spark_session(
    master: str | None = None,
    *,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
    executor_memory: str | None = None,
) -> SparkSession:
    """The session on ``master``: the held one if it runs there, else a new one.

    Parameters
    ----------
    master:
        Spark master URL (see :func:`check_master`); :data:`DEFAULT_MASTER` when None.
    shuffle_partitions:
        ``spark.sql.shuffle.partitions`` (and ``spark.default.parallelism``). In local mode
        it defaults to two per core; on a cluster to the cluster's configuration (Spark's
        200, coalesced by adaptive execution, unless ``spark-defaults.conf`` says
        otherwise). On a reused session it is changed in place (it is a runtime setting).
    driver_memory:
        Driver JVM heap such as ``"8g"``. The first session of a Python process starts the
        JVM, which keeps its heap: later sessions cannot change it.
    executor_memory:
        Heap of each executor on a cluster (``spark.executor.memory``; Spark's default is
        1 GB). A standalone worker must offer at least this much, or the run waits forever
        for executors.

    Returns
    -------
    pyspark.sql.SparkSession
        Session named ``renown`` with a UTC session time zone, Arrow transfers and only
        errors logged.

    Notes
    -----
    Executors start Python only for Python functions (the engine runs none today, but
    Spark may). ``PYSPARK_PYTHON`` defaults to this interpreter, which on one machine has
    renown and its dependencies; on a multi-node cluster the same path must hold the same
    environment on every node (or set ``PYSPARK_PYTHON`` / ``spark.pyspark.python``).
    """
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    wanted = check_master(master or DEFAULT_MASTER)
    active = SparkContext._active_spark_context
    if _SESSION and active is _SESSION[0].sparkContext and active.master == wanted:
        if shuffle_partitions is not None:
            _SESSION[0].conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions))
        return _SESSION[0]
    if active is not None:
        # One SparkContext per JVM: the one on another master (ours or not) must go.
        held = SparkSession._instantiatedSession
        if held is not None and held.sparkContext is active:
            held.stop()  # also forgets the JVM's default session
        else:
            active.stop()
    if is_local_master(wanted) or _on_loopback(wanted):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(wanted).appName("renown")
    for key, value in _settings(wanted, shuffle_partitions, driver_memory, executor_memory).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _SESSION[:] = [session]
    return session


def local_spark(
    cores: int = 2, *, shuffle_partitions: int | None = None, driver_memory: str | None = None
) -> SparkSession:
    """A local-mode session on ``cores`` worker threads (``local[cores]``), reused.

    Shorthand for ``spark_session(f"local[{cores}]", ...)``: a session on another master
    (or another number of cores) is stopped and replaced.
    """
    return spark_session(
        f"local[{cores}]", shuffle_partitions=shuffle_partitions, driver_memory=driver_memory
    )


def stop_spark() -> None:
    """Stop the held session, if any.

    A standalone cluster gives an application all its cores unless ``spark.cores.max``
    says otherwise, so another application (a second ``renown score``) waits for
    executors until this one stops.
    """
    if _SESSION:
        _SESSION.pop().stop()
