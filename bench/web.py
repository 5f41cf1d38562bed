"""Web latency: the profile page and the leaderboard API under 10 concurrent clients.

The demo organisation with 10,000 people is seeded in a temporary folder and served by
``renown serve --workers 2`` (SQLite) in its own process group on 127.0.0.1. Each endpoint
is driven for 10 s by 10 concurrent connections after a short warm-up: ``GET /people/{id}``
(rotating ids, signed-in session cookie) and ``GET /api/v1/leaderboard?limit=50`` (bearer
token). Prints p50/p99 latency, requests per second, the load average and the server's own
CPU time per request (read from ``/proc``: what a request costs, whatever else the machine
is doing). The aim is p99 under 100 ms on SQLite.

The load comes from ``wrk`` when it is installed (C, a few per cent of one core; installed
with apt-get when missing and running as root) because a Python client needs as much CPU
as the server it measures and, on a 2-core machine, takes it from the server. Without wrk
the Python client (10 httpx threads) runs instead; the record says which one ran.

``python -m bench.web`` runs just this section (``--home DIR`` keeps and reuses the seeded
store); ``python -m bench.run --only web`` too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench import report

PEOPLE = 10_000
CLIENTS = 10
SECONDS = 10.0
WARM_UP_SECONDS = 2.0
SERVER_WORKERS = 2
TARGET_P99_MS = 100.0


@dataclass(frozen=True)
class Seeded:
    """A store ready to serve and the credentials to load it with."""

    home: Path
    email: str
    password: str
    token: str
    person_ids: list[int]
    method: str
    seconds: float


def seed_store(home: Path, people: int) -> Seeded:
    """The demo organisation with ``people`` people (scored runs, an account per role)."""
    began = time.perf_counter()
    from renown.demo.platform import seed_demo

    accounts = seed_demo(_settings(home), people=people)
    hr = next(account for account in accounts.accounts if account.role.value == "hr")
    token, person_ids = _token_and_people(home, hr.email)
    return Seeded(
        home, hr.email, hr.password, token, person_ids, "seed_demo", time.perf_counter() - began
    )


def _settings(home: Path) -> Any:
    from renown.settings import Settings

    return Settings(home=home, secret_key="bench", jobs_immediate=True)


def _token_and_people(home: Path, email: str) -> tuple[str, list[int]]:
    """A bearer token for ``email`` and up to 1,000 scored person ids to rotate through."""
    import sqlalchemy as sa

    from renown.accounts.actions import check_issue_token, principal_of
    from renown.store.engine import make_engine, session_factory, transaction
    from renown.store.tables import Account, Person, ScoreSnapshot

    engine = make_engine(_settings(home).database)
    with transaction(session_factory(engine)) as session:
        account = session.scalar(sa.select(Account).where(Account.email == email))
        assert account is not None
        _row, token = check_issue_token(session, principal_of(account), "bench")
        ids = session.scalars(
            sa.select(Person.id)
            .where(Person.org_id == account.org_id)
            .where(Person.id.in_(sa.select(ScoreSnapshot.person_id)))
            .order_by(Person.id)
        ).all()
    engine.dispose()
    step = max(1, len(ids) // 1000)
    return token, list(ids[::step])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_server(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """``renown serve`` on an existing store, in its own process group; its base URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from renown.cli.app import main; main()",
        "serve",
        "--home",
        str(home),
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-worker",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    _stop_server(process)
    raise RuntimeError("the server did not answer within 120 s")


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    """Ctrl+C for the server (it stops its workers), then the whole group if it lingers."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the server process and its workers so far (Linux ``/proc``)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: parent pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks
    except (OSError, ValueError):
        return None


def _session_cookies(base: str, email: str, password: str) -> httpx.Cookies:
    """Sign in through the form, as a browser does."""
    with httpx.Client(base_url=base) as client:
        form = client.get("/signin").text
        found = re.search(r'name="csrf_token"\s+value="([^"]+)"', form)
        assert found, "no CSRF token on the sign-in page"
        answer = client.post(
            "/signin",
            data={"email": email, "password": password, "csrf_token": found.group(1)},
        )
        assert answer.status_code in (200, 303), f"sign-in failed: {answer.status_code}"
        return client.cookies


def wrk_binary() -> str | None:
    """``wrk`` on the PATH, installed with apt-get first when missing and running as root."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(install, check=False, capture_output=True)
    return shutil.which("wrk")


WRK_SCRIPT = """
local paths = {%s}
local turn = 0
request = function()
  turn = turn + 1
  return wrk.format(nil, paths[(turn %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def drive_wrk(
    wrk: str, base: str, paths: list[str], headers: dict[str, str], seconds: float, folder: Path
) -> dict[str, Any]:
    """One wrk thread, ``CLIENTS`` connections, ``paths`` in turn: a warm-up, then measured."""
    script = folder / "rotate.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
    command = [wrk, "-t1", f"-c{CLIENTS}", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    run = [*command, f"-d{WARM_UP_SECONDS:.0f}s", base]
    subprocess.run(run, capture_output=True, check=True)
    run = [*command, f"-d{seconds:.0f}s", base]
    output = subprocess.run(run, capture_output=True, check=True, text=True).stdout
    found = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    assert found, f"no result from wrk: {output}"
    requests, duration_us, status, errors, p50, p90, p99, most = map(int, found.group(1).split())
    return {
        "requests": requests,
        "failures": status + errors,
        "requests_per_second": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p90_ms": p90 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": most / 1000,
    }


def drive(
    base: str,
    paths: list[str],
    *,
    headers: dict[str, str] | None = None,
    cookies: httpx.Cookies | None = None,
    clients: int = CLIENTS,
    seconds: float = SECONDS,
) -> dict[str, Any]:
    """Python fallback: ``clients`` threads request ``paths`` in turn; latency statistics."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    start = threading.Barrier(clients + 1)
    window: dict[str, float] = {}

    def client(index: int) -> None:
        with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=30) as http:
            start.wait()
            turn = index
            while time.perf_counter() < window["end"]:
                path = paths[turn % len(paths)]
                turn += clients
                began = time.perf_counter()
                answer = http.get(path)
                elapsed = time.perf_counter() - began
                if answer.status_code != 200:
                    failures[index] += 1
                if began >= window["measure_from"]:
                    latencies[index].append(elapsed)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["measure_from"] = now + WARM_UP_SECONDS
    window["end"] = now + WARM_UP_SECONDS + seconds
    start.wait()
    for thread in threads:
        thread.join()
    flat = np.array([x for per_client in latencies for x in per_client]) * 1000.0
    return {
        "requests": int(flat.size),
        "failures": int(sum(failures)),
        "requests_per_second": flat.size / seconds,
        "p50_ms": float(np.percentile(flat, 50)),
        "p90_ms": float(np.percentile(flat, 90)),
        "p99_ms": float(np.percentile(flat, 99)),
        "max_ms": float(flat.max()),
    }


def _measure(
    process: subprocess.Popen[bytes],
    wrk: str | None,
    base: str,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    folder: Path,
) -> dict[str, Any]:
    """Drive one endpoint; add the load average and the server's CPU per request."""
    cpu_before = _server_cpu_seconds(process.pid)
    if wrk is not None:
        figures = drive_wrk(wrk, base, paths, headers, seconds, folder)
    else:
        figures = drive(base, paths, headers=headers, seconds=seconds)
    cpu_after = _server_cpu_seconds(process.pid)
    figures["load_average"] = os.getloadavg()
    if cpu_before is not None and cpu_after is not None and figures["requests"]:
        # Warm-up requests used CPU too: divide by every request served in the interval.
        served = figures["requests"] * (1 + WARM_UP_SECONDS / seconds)
        figures["server_cpu_ms_per_request"] = 1000 * (cpu_after - cpu_before) / served
    return figures


def run(people: int = PEOPLE, seconds: float = SECONDS, home: Path | None = None) -> dict[str, Any]:
    """Seed, serve in another process, drive both endpoints; the figures as a record."""
    with tempfile.TemporaryDirectory(prefix="renown-bench-web-") as tmp:
        seeded = seed_store(home or Path(tmp), people)
        wrk = wrk_binary()
        generator = f"wrk ({wrk}), 1 thread" if wrk else "Python httpx threads (wrk not available)"
        report.note(
            f"\nweb: {people:,} people seeded by {seeded.method} in "
            f"{report.seconds(seeded.seconds)}; server: renown serve --workers "
            f"{SERVER_WORKERS}, SQLite, separate process on 127.0.0.1; load: {generator}, "
            f"{CLIENTS} concurrent connections, {seconds:.0f} s per endpoint after "
            f"{WARM_UP_SECONDS:.0f} s warm-up; load average before {os.getloadavg()}"
        )
        process, base = _start_server(seeded.home, SERVER_WORKERS)
        try:
            cookies = _session_cookies(base, seeded.email, seeded.password)
            cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
            profile = _measure(
                process,
                wrk,
                base,
                [f"/people/{i}" for i in seeded.person_ids],
                {"Cookie": cookie},
                seconds,
                Path(tmp),
            )
            board = _measure(
                process,
                wrk,
                base,
                ["/api/v1/leaderboard?limit=50"],
                {"Authorization": f"Bearer {seeded.token}"},
                seconds,
                Path(tmp),
            )
        finally:
            _stop_server(process)
    rows = []
    for name, figures in (
        ("profile page /people/{id}", profile),
        ("GET /api/v1/leaderboard", board),
    ):
        verdict = "ok" if figures["p99_ms"] < TARGET_P99_MS else "over"
        cpu = figures.get("server_cpu_ms_per_request")
        rows.append(
            [
                name,
                f"{figures['p50_ms']:.1f} ms",
                f"{figures['p99_ms']:.1f} ms",
                f"{figures['requests_per_second']:.0f}",
                "-" if cpu is None else f"{cpu:.2f} ms",
                str(figures["failures"]),
                " ".join(f"{x:.2f}" for x in figures["load_average"]),
                f"{verdict} (< {TARGET_P99_MS:.0f} ms)",
            ]
        )
    report.table(
        f"web latency, {people:,} people, {CLIENTS} concurrent connections ({generator})",
        ["endpoint", "p50", "p99", "req/s", "server CPU/req", "errors", "load avg", "p99 target"],
        rows,
    )
    return {
        "people": people,
        "seeding": seeded.method,
        "seed_s": seeded.seconds,
        "server": f"renown serve --workers {SERVER_WORKERS}",
        "load_generator": generator,
        "clients": CLIENTS,
        "seconds": seconds,
        "profile_page": profile,
        "leaderboard_api": board,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--home", type=Path, help="seed (or reuse) the store in this folder")
    args = parser.parse_args(argv)
    run(args.people, args.seconds, args.home)


if __name__ == "__main__":
    main()
