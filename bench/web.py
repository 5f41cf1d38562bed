"""Web latency: the profile page and the leaderboard API under 10 concurrent clients.

A store with 10,000 people is seeded in a temporary folder (the demo seeding when it is
available, else a direct fill through the same import and scoring code), served by uvicorn
on ``create_app`` in a separate process on 127.0.0.1, and driven from this process by 10
client threads for about 10 s per endpoint: ``GET /people/{id}`` (rotating ids, signed-in
session cookie) and ``GET /api/v1/leaderboard?limit=50`` (bearer token). Prints p50/p99
latency and requests per second; the aim is p99 under 100 ms on SQLite.

``python -m bench.web`` runs just this section; ``python -m bench.run --only web`` too.
"""

from __future__ import annotations

import argparse
import re
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
WARM_UP_SECONDS = 1.0
PASSWORD = "bench-password-1234"
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
    """Fill ``home`` with ``people`` people, two scoring runs and an HR account."""
    began = time.perf_counter()
    method = _seed_demo(home, people) or _direct_fill(home, people)
    email, password = method[1], method[2]
    token, person_ids = _token_and_people(home, email)
    return Seeded(home, email, password, token, person_ids, method[0], time.perf_counter() - began)


def _settings(home: Path) -> Any:
    from renown.settings import Settings

    return Settings(home=home, secret_key="bench", jobs_immediate=True)


def _seed_demo(home: Path, people: int) -> tuple[str, str, str] | None:
    try:
        from renown.demo.platform import seed_demo
    except ImportError:
        return None
    accounts = seed_demo(_settings(home), people=people)
    hr = next(account for account in accounts.accounts if account.role.value == "hr")
    return "seed_demo", hr.email, hr.password


def _direct_fill(home: Path, people: int) -> tuple[str, str, str]:
    """Org chart import and two scoring runs through the product's own code paths."""
    from datetime import timedelta

    import polars as pl

    from renown.accounts.actions import do_create_account
    from renown.batch.run import score_events
    from renown.batch.snapshots import store_scoring_result
    from renown.core.roles import Role
    from renown.demo.org import generate_org
    from renown.org.actions import do_create_org, do_import_org
    from renown.org.hris import parse_hris
    from renown.store.engine import make_engine, session_factory, transaction
    from renown.store.migrate import upgrade

    settings = _settings(home)
    engine = make_engine(settings.database)
    upgrade(engine)
    org = generate_org(people=people, months=3)
    csv = (
        org.people.with_columns(
            pl.col("person_id").alias("employee_id"),
            (pl.col("person_id").hash(7) % 3 == 0).alias("public_profile"),
        )
        .select(
            "employee_id",
            "name",
            "email",
            "title",
            "team",
            "department",
            "manager_id",
            "hired_on",
            "left_on",
            "public_profile",
        )
        .write_csv()
        .encode()
    )
    groups = dict(zip(org.people["person_id"], org.people["department"], strict=True))
    newest = org.events["timestamp"].max()
    assert newest is not None
    with transaction(session_factory(engine)) as session:
        created = do_create_org(session, "bench", "Bench Corporation")
        do_import_org(session, created.id, parse_hris(csv, source="org.csv"), "bench")
        for as_of in (newest - timedelta(days=30), newest):
            result = score_events(org.events, as_of=as_of, groups=groups)
            store_scoring_result(session, org_id=created.id, result=result, actor="bench")
        do_create_account(
            session, org_id=created.id, email="hr@bench.example", password=PASSWORD, role=Role.HR
        )
    engine.dispose()
    return "direct fill (org chart import + 2 scoring runs)", "hr@bench.example", PASSWORD


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


def serve(home: Path, port: int) -> None:
    """The server process: uvicorn on ``create_app`` (no access log, like production)."""
    import uvicorn

    from renown.web.app import create_app

    app = create_app(_settings(home))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "bench.web", "--serve", str(home), str(port)]
    process = subprocess.Popen(command)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not answer within 60 s")


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


def drive(
    base: str,
    paths: list[str],
    *,
    headers: dict[str, str] | None = None,
    cookies: httpx.Cookies | None = None,
    clients: int = CLIENTS,
    seconds: float = SECONDS,
) -> dict[str, Any]:
    """``clients`` threads request ``paths`` in turn for ``seconds``; latency statistics."""
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


def run(people: int = PEOPLE, seconds: float = SECONDS) -> dict[str, Any]:
    """Seed, serve in another process, drive both endpoints; the figures as a record."""
    with tempfile.TemporaryDirectory(prefix="renown-bench-web-") as tmp:
        seeded = seed_store(Path(tmp), people)
        report.note(
            f"\nweb: {people:,} people seeded by {seeded.method} in "
            f"{report.seconds(seeded.seconds)}; server: uvicorn on create_app, SQLite, "
            f"separate process on 127.0.0.1; {CLIENTS} client threads, {seconds:.0f} s each"
        )
        process, base = _start_server(seeded.home)
        try:
            cookies = _session_cookies(base, seeded.email, seeded.password)
            profile = drive(
                base, [f"/people/{i}" for i in seeded.person_ids], cookies=cookies, seconds=seconds
            )
            board = drive(
                base,
                ["/api/v1/leaderboard?limit=50"],
                headers={"Authorization": f"Bearer {seeded.token}"},
                seconds=seconds,
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    rows = []
    for name, figures in (
        ("profile page /people/{id}", profile),
        ("GET /api/v1/leaderboard", board),
    ):
        verdict = "ok" if figures["p99_ms"] < TARGET_P99_MS else "over"
        rows.append(
            [
                name,
                f"{figures['p50_ms']:.1f} ms",
                f"{figures['p99_ms']:.1f} ms",
                f"{figures['requests_per_second']:.0f}",
                str(figures["failures"]),
                f"{verdict} (< {TARGET_P99_MS:.0f} ms)",
            ]
        )
    report.table(
        f"web latency, {people:,} people, {CLIENTS} concurrent clients",
        ["endpoint", "p50", "p99", "requests/s", "non-200", "p99 target"],
        rows,
    )
    return {
        "people": people,
        "seeding": seeded.method,
        "seed_s": seeded.seconds,
        "clients": CLIENTS,
        "seconds": seconds,
        "profile_page": profile,
        "leaderboard_api": board,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--serve", nargs=2, metavar=("HOME", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    run(args.people, args.seconds)


if __name__ == "__main__":
    main()
