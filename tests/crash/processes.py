"""Starting, killing and stopping the server and the worker as real processes.

Both run the installed command line (``renown serve --no-worker`` and ``renown worker``),
configured only through ``RENOWN_*`` environment variables as an operator would, each in
its own process group so that SIGKILL reaches everything it started and nothing else.
A short job heartbeat lets the workers notice a killed worker's jobs within seconds
instead of the production default's two minutes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.crash.installation import SECRET_KEY, Installation

JOB_HEARTBEAT_SECONDS = 0.5
"""Heartbeat of the jobs under test: a killed worker's job is stale after six seconds."""
START_TIMEOUT_SECONDS = 120.0
"""How long a start may take (a loaded 2-core CI machine takes seconds to import the app)."""
WORKER_READY = "Huey consumer started"
"""What the worker logs once it takes jobs (huey's consumer start message)."""
STOP_TIMEOUT_SECONDS = 15.0


class StartError(RuntimeError):
    """A process did not come up (its log is named)."""


def environment(installation: Installation) -> dict[str, str]:
    """The environment of both processes: this one's without any ``RENOWN_*``, plus the
    installation's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENOWN_")}
    env |= {
        "RENOWN_HOME": str(installation.home),
        "RENOWN_DATABASE_URL": installation.database_url,
        "RENOWN_SECRET_KEY": SECRET_KEY,
        "RENOWN_JOBS_IMMEDIATE": "false",
        "RENOWN_JOB_HEARTBEAT_SECONDS": str(JOB_HEARTBEAT_SECONDS),
    }
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _renown(arguments: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from renown.cli.app import main; main()", *arguments]
    return subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


@dataclass
class Node:
    """A running server and worker of one installation."""

    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    base_url: str
    server_log: Path
    worker_log: Path

    def kill(self) -> None:
        """SIGKILL both process groups at once and reap them."""
        for process in (self.server, self.worker):
            _signal_group(process, signal.SIGKILL)
        for process in (self.server, self.worker):
            process.wait()

    def stop(self) -> None:
        """Stop both gracefully (SIGTERM), killing what does not stop in time."""
        for process in (self.server, self.worker):
            _signal_group(process, signal.SIGTERM)
        for process in (self.server, self.worker):
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)


def start(installation: Installation, logs: Path, label: str) -> Node:
    """Start the server and the worker and wait until both are ready."""
    logs.mkdir(parents=True, exist_ok=True)
    env = environment(installation)
    port = _free_port()
    server_log, worker_log = logs / f"server-{label}.log", logs / f"worker-{label}.log"
    with server_log.open("wb") as out_server, worker_log.open("wb") as out_worker:
        server = _renown(
            ["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)], env, out_server
        )
        worker = _renown(["worker", "--threads", "2"], env, out_worker)
    node = Node(server, worker, f"http://127.0.0.1:{port}", server_log, worker_log)
    try:
        _wait_until_ready(node)
    except BaseException:
        node.kill()
        raise
    return node


def _wait_until_ready(node: Node) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    server_up = worker_up = False
    with httpx.Client(base_url=node.base_url, timeout=2.0) as client:
        while not (server_up and worker_up):
            for process, log in ((node.server, node.server_log), (node.worker, node.worker_log)):
                if process.poll() is not None:
                    raise StartError(f"{log.name} exited with {process.returncode}: see {log}")
            if time.monotonic() > deadline:
                raise StartError(
                    f"not ready after {START_TIMEOUT_SECONDS:.0f} s: see {node.server_log}"
                )
            if not server_up:
                with contextlib.suppress(httpx.TransportError):
                    server_up = client.get("/api/v1/health").status_code == 200
            worker_up = worker_up or WORKER_READY in node.worker_log.read_text(errors="replace")
            time.sleep(0.1)
