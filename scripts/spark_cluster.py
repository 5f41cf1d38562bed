"""Run one command against a throwaway standalone Spark cluster on this machine.

Why: local mode runs the driver and the executors in one JVM, so it cannot show what breaks
on a real cluster (tasks serialised to other JVMs, executors with their own memory and
working folders, a driver that must be reachable from them). This starts a standalone master
and one worker from the installed PySpark distribution (``bin/spark-class``: the pip package
ships no ``sbin/start-master.sh``), bound to 127.0.0.1 on free ports, with their logs, work
and scratch folders in a temporary folder; waits until the worker has registered with the
master; runs the command with ``RENOWN_SPARK_MASTER=spark://127.0.0.1:PORT``; and stops both
daemons (and any executor they started) whatever happens: success, failure, timeout, Ctrl-C
or a termination signal.

The command also gets ``SPARK_CONF_DIR``: a ``spark-defaults.conf`` sized for this cluster
(executor memory within what the worker offers, a few shuffle partitions per core), as a
cluster's administrators hand out their client configuration. Without it a driver asks for
Spark's 200 shuffle partitions, which on two cores makes every small join slow.

Usage::

    python scripts/spark_cluster.py [--cores 2] [--memory 3g] [--executor-memory 2g]
        [--partitions 4] [--timeout 1800] -- COMMAND...

The exit status is the command's (124 on timeout, 128 + signal when interrupted). The
temporary folder is removed after a successful run and kept, with its path and the daemons'
last log lines printed, after a failed one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

HOST = "127.0.0.1"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
TIMED_OUT = 124
STOP_GRACE_SECONDS = 15.0
"""How long a daemon gets to stop after SIGTERM (it stops its executors) before SIGKILL."""


class SignalError(BaseException):
    """A signal asked us to stop; raised from the handler so that every ``finally`` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def spark_home() -> Path:
    """The Spark distribution PySpark itself uses: ``SPARK_HOME``, else the pip package."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it; a race is unlikely)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Daemon:
    """A process started in a session of its own, so its whole group can be stopped."""

    name: str
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, command: Sequence[str], env: dict[str, str]) -> None:
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM the daemon's process group, then SIGKILL whatever is left of it.

        The daemon stops its executors on SIGTERM; the SIGKILL catches a daemon that did not
        stop in time and any executor it left behind (they share its group).
        """
        if self.process is None:
            return
        group = self.process.pid  # a session leader: its group id is its pid
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait()

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return "(no log)"
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def master_state(ui_port: int) -> dict[str, object] | None:
    """The master's JSON status page, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{ui_port}/json/", timeout=2) as answer:
            state = json.load(answer)
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def alive_workers(state: dict[str, object]) -> int:
    workers = state.get("workers")
    if not isinstance(workers, list):
        return 0
    return sum(1 for w in workers if isinstance(w, dict) and w.get("state") == "ALIVE")


def wait_for(
    what: str, ready: Callable[[], bool], daemons: Sequence[Daemon], timeout: float
) -> None:
    """Poll ``ready`` until true; fail early if a daemon died, or after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not ready():
        for daemon in daemons:
            if not daemon.running():
                raise RuntimeError(f"the {daemon.name} exited while waiting for {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


def run_command(command: Sequence[str], env: dict[str, str], timeout: float) -> int:
    """Run ``command`` in a group of its own; on timeout or a signal, stop that group."""
    process = subprocess.Popen(list(command), env=env, start_new_session=True)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"spark_cluster: the command ran past {timeout:.0f} s; stopping it", file=sys.stderr)
        _stop_group(process, signal.SIGTERM)
        return TIMED_OUT
    except SignalError as stop:
        _stop_group(process, signal.Signals(stop.signum))
        raise


def _stop_group(process: subprocess.Popen[bytes], first: signal.Signals) -> None:
    """Send ``first`` to the command's group; SIGKILL the group if it has not ended in time."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, first)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE_SECONDS)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise SignalError(signum)


def _say(message: str, stream: IO[str] = sys.stderr) -> None:
    print(f"spark_cluster: {message}", file=stream, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2, help="cores the worker offers")
    parser.add_argument("--memory", default="3g", help="memory the worker offers executors")
    parser.add_argument("--executor-memory", default="2g", help="heap of the executor")
    parser.add_argument(
        "--partitions", type=int, default=None, help="shuffle partitions (default 2 per core)"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for the command")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    folder = Path(tempfile.mkdtemp(prefix="renown-spark-cluster-"))
    home = spark_home()
    spark_class = str(home / "bin" / "spark-class")
    master_port, master_ui, worker_ui = free_port(), free_port(), free_port()
    master_url = f"spark://{HOST}:{master_port}"
    for sub in ("work", "local", "conf"):
        (folder / sub).mkdir()
    partitions = args.partitions or 2 * args.cores
    (folder / "conf" / "spark-defaults.conf").write_text(
        f"spark.executor.memory {args.executor_memory}\n"
        f"spark.sql.shuffle.partitions {partitions}\n"
        f"spark.default.parallelism {partitions}\n"
    )
    daemon_env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": HOST,
        "SPARK_CONF_DIR": str(folder / "conf"),  # ours, not a stray spark-defaults.conf
        "SPARK_LOCAL_DIRS": str(folder / "local"),
        "SPARK_WORKER_DIR": str(folder / "work"),
        "SPARK_DAEMON_MEMORY": "512m",
    }
    master = Daemon("master", folder / "master.log")
    worker = Daemon("worker", folder / "worker.log")
    status = 1
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupted)
    try:
        master.start(
            [
                spark_class,
                MASTER_CLASS,
                "--host",
                HOST,
                "--port",
                str(master_port),
                "--webui-port",
                str(master_ui),
            ],
            daemon_env,
        )
        wait_for("the master", lambda: master_state(master_ui) is not None, [master], 90)
        worker.start(
            [
                spark_class,
                WORKER_CLASS,
                "--host",
                HOST,
                "--webui-port",
                str(worker_ui),
                "--cores",
                str(args.cores),
                "--memory",
                args.memory,
                "--work-dir",
                str(folder / "work"),
                master_url,
            ],
            daemon_env,
        )
        wait_for(
            "the worker to register",
            lambda: alive_workers(master_state(master_ui) or {}) >= 1,
            [master, worker],
            90,
        )
        _say(f"master {master_url} with one worker ({args.cores} cores, {args.memory})")
        client_env = {
            **os.environ,
            "RENOWN_SPARK_MASTER": master_url,
            "SPARK_CONF_DIR": str(folder / "conf"),
        }
        status = run_command(command, client_env, args.timeout)
    except SignalError as stop:
        _say(f"interrupted ({stop}); stopping the cluster")
        status = 128 + stop.signum
    except (RuntimeError, OSError) as error:
        _say(f"{error}")
        status = 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not skip the stop
        worker.stop()
        master.stop()
    if status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        for daemon in (master, worker):
            _say(f"last lines of the {daemon.name} log:\n{daemon.tail()}")
        _say(f"logs and work folders kept in {folder}")
    return status


if __name__ == "__main__":
    sys.exit(main())
