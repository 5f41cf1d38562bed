"""``make load``: 50 users reading and writing at once, on SQLite and on PostgreSQL.

For each database it seeds the demo organisation of 10,000 people the way ``renown serve
--demo`` does (:func:`renown.demo.platform.seed_demo`: the org-chart import, an ingest job,
kudos and feedback through the product's actions, four scoring runs), adds accounts for
the users (the demo manager and employee, an HR account and employees who manage nobody,
each with a password of its own) and some history of their own (kudos and feedback
received, a request waiting for their answer), all through the product's actions. It then
starts the real server, ``renown serve`` in its default configuration (one process,
background jobs in a thread of it), in a process group of its own, and the users
(:mod:`bench.load_users`) in a second process: each signs in through the form once and
goes through a mix of about 70% reads and 30% writes, with a think time between actions,
for a fixed time after a short warm-up.

Printed per database: requests, errors by status and route, expected refusals (a spent
kudos allowance; none are expected), p50/p95/p99 latency of reads and of writes, requests
per second, the server's CPU per request and the load average. The record goes to
``bench/out/load.json``. The aim (issue 10): no errors, and writes' p99 under 250 ms on
SQLite. PostgreSQL runs when ``RENOWN_TEST_DATABASE_URL`` (or ``--postgres-url``) names
a server: the store goes into a new schema of its own there, dropped afterwards.

``python -m bench.load --help`` lists the options (users, seconds, think time, a store to
keep and reuse with ``--home``, ``--profile`` to sample the server with py-spy). The
machine's other work moves the figures: the load average before and after is recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench import report
from bench.load_users import UserSpec
from bench.web import _free_port, _server_cpu_seconds

USERS = 50
PEOPLE = 10_000
SECONDS = 60.0
WARM_UP_SECONDS = 5.0
THINK_SECONDS = 1.0
"""Mean pause between a user's actions (each pause is 0.5x to 1.5x this)."""
TARGET_WRITE_P99_MS = 250.0
SECRET_KEY = "renown-load-test"
"""Fixed, so a reused store's sessions are signed alike by every server start."""
CREDENTIALS = "load-users.json"
"""The users' accounts and passwords, kept in the store's home (a private folder)."""
POSTGRES_ENV = "RENOWN_TEST_DATABASE_URL"
OUT = Path(__file__).parent / "out" / "load.json"
ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 120.0
KUDOS_ALLOWANCE = 1000
"""The monthly kudos allowance HR sets for the test: users give far more than ten a month."""
KUDOS_PAIR_CAP = 10


# --- Seeding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Installation:
    """A seeded store, and what the users need to know about it."""

    home: Path
    database_url: str
    users: list[UserSpec]
    colleagues: list[int]
    surnames: list[str]
    competencies: list[str]


def _settings(home: Path, database_url: str) -> Any:
    from renown.settings import Settings

    return Settings(
        home=home, database_url=database_url, secret_key=SECRET_KEY, jobs_immediate=True
    )


def seed(home: Path, database_url: str, *, people: int, users: int) -> Installation:
    """The demo organisation with ``people`` people and ``users`` accounts to sign in as.

    Idempotent like the demo: a store seeded before (``--home``) is reused as it is.
    """
    from renown.core.roles import Role
    from renown.demo.platform import demo_password, seed_demo

    settings = _settings(home, database_url)
    began = time.perf_counter()
    demo = seed_demo(
        settings, people=people, on_step=lambda step: report.note(f"  seeding: {step}")
    )
    cast = {account.role: account for account in demo.accounts}
    known = [
        (cast[Role.MANAGER].email, demo_password(Role.MANAGER)),
        (cast[Role.EMPLOYEE].email, demo_password(Role.EMPLOYEE)),
    ]
    credentials = home / CREDENTIALS
    if credentials.exists():
        added = [tuple(pair) for pair in json.loads(credentials.read_text())]
    else:
        report.note(f"  seeding: {users - len(known)} more accounts and their history")
        added = _add_users(settings, users - len(known))
        _write_private(credentials, json.dumps(added))
    installation = _describe(settings, [*known, *added])
    report.note(f"  seeded in {time.perf_counter() - began:.0f} s")
    return installation


def _write_private(path: Path, text: str) -> None:
    from renown.core.private import private_output

    with private_output(path) as temporary:
        temporary.write_text(text)


def _add_users(settings: Any, count: int) -> list[tuple[str, str]]:
    """An HR account and ``count - 1`` employee accounts for people who manage nobody, a
    kudos allowance the users will not spend, and history for each of them."""
    import sqlalchemy as sa

    from renown.accounts.actions import do_create_account, principal_of
    from renown.core.clock import SystemClock
    from renown.core.roles import Role
    from renown.demo.platform import DEMO_DOMAIN, DEMO_SLUG
    from renown.recognition.actions import check_set_limits
    from renown.store.engine import make_engine, session_factory, transaction
    from renown.store.tables.accounts import Account
    from renown.store.tables.org import Organisation, Person

    engine = make_engine(settings.database)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            org_id = session.scalar(
                sa.select(Organisation.id).where(Organisation.slug == DEMO_SLUG)
            )
            assert org_id is not None
            staying = list(
                session.scalars(
                    sa.select(Person)
                    .where(Person.org_id == org_id, Person.left_on.is_(None))
                    .order_by(Person.employee_id)
                )
            )
            managers = {p.manager_id for p in staying}
            with_accounts = set(
                session.scalars(sa.select(Account.person_id).where(Account.org_id == org_id))
            )
            leaves = [p for p in staying if p.id not in managers and p.id not in with_accounts]
            chosen = leaves[:: max(1, len(leaves) // count)][:count]
            added: list[tuple[str, str]] = []
            accounts = []
            for k, person in enumerate(chosen):
                role = Role.HR if k == 0 else Role.EMPLOYEE
                email = f"load-{role.value}-{k}@{DEMO_DOMAIN}"
                password = secrets.token_urlsafe(15)
                accounts.append(
                    do_create_account(
                        session,
                        org_id=org_id,
                        email=email,
                        password=password,
                        role=role,
                        person_id=person.id,
                    )
                )
                added.append((email, password))
            check_set_limits(
                session,
                principal_of(accounts[0]),
                monthly_allowance=KUDOS_ALLOWANCE,
                pair_cap=KUDOS_PAIR_CAP,
                clock=SystemClock(),
            )
            picked = {p.id for p in chosen}
            others = [p.id for p in leaves if p.id not in picked]
            _history(session, org_id, [a.person_id for a in accounts if a.person_id], others)
    finally:
        engine.dispose()
    return added


def _history(session: Any, org_id: int, users: list[int], others: list[int]) -> None:
    """For each user: two kudos and a feedback received in the last two weeks, and a
    colleague's request for feedback waiting for their answer (given by colleagues without
    accounts, through the product's actions at those moments)."""
    from renown.core.clock import FixedClock
    from renown.core.roles import Role
    from renown.demo.social import SeededColleague
    from renown.feedback.actions import Answer, check_give_feedback
    from renown.feedback.requests import check_request_feedback
    from renown.feedback.vocabulary import Visibility
    from renown.recognition.actions import check_give_kudos

    rng = np.random.default_rng(10)
    now = datetime.now(UTC).replace(microsecond=0)

    def colleague() -> SeededColleague:
        person = int(others[int(rng.integers(len(others)))])
        return SeededColleague(
            account_id=0, org_id=org_id, role=Role.EMPLOYEE, person_id=person, email=""
        )

    def before(days: float) -> FixedClock:
        return FixedClock(now - timedelta(hours=float(rng.uniform(1, days * 24))))

    for user in users:
        for message in ("Thanks for the help with the launch.", "Great review, thank you!"):
            check_give_kudos(session, colleague(), user, message, clock=before(14))
        check_give_feedback(
            session,
            colleague(),
            receiver_id=user,
            answer=Answer("Reliable and clear; keep sharing your notes.", {"delivery": 4}),
            visibility=Visibility.MANAGER,
            clock=before(14),
        )
        check_request_feedback(
            session,
            colleague(),
            person_ids=[user],
            expires_at=now + timedelta(days=30),
            competencies=["communication", "collaboration"],
            message="How did our project go, from your side?",
            clock=before(3),
        )


def _describe(settings: Any, logins: list[tuple[str, str]]) -> Installation:
    """What the users need: their accounts, who they may write to, names to search for."""
    import sqlalchemy as sa

    from renown.feedback import frameworks
    from renown.store.engine import make_engine, session_factory
    from renown.store.tables.accounts import Account
    from renown.store.tables.org import Person

    engine = make_engine(settings.database)
    try:
        with session_factory(engine)() as session:
            users = []
            for email, password in logins:
                account = session.scalar(sa.select(Account).where(Account.email == email))
                assert account is not None and account.person_id is not None, email
                org_id = account.org_id
                person = session.get(Person, account.person_id)
                assert person is not None
                chain = [person.id]
                while (boss := session.get(Person, chain[-1])) and boss.manager_id:
                    chain.append(boss.manager_id)
                reports = list(
                    session.scalars(
                        sa.select(Person.id).where(
                            Person.manager_id == person.id, Person.left_on.is_(None)
                        )
                    )
                )
                users.append(
                    UserSpec(
                        email=email,
                        password=password,
                        role=account.role,
                        person_id=person.id,
                        chain=chain,
                        reports=reports,
                        anonymous_ok=not reports,
                    )
                )
            staying = session.execute(
                sa.select(Person.id, Person.name).where(
                    Person.org_id == org_id, Person.left_on.is_(None)
                )
            ).all()
            surnames = sorted({name.split()[-1] for _id, name in staying if name})
            competencies = [c.key for c in frameworks.competencies(session, org_id)]
    finally:
        engine.dispose()
    return Installation(
        home=settings.home,
        database_url=settings.database,
        users=users,
        colleagues=[int(person_id) for person_id, _name in staying],
        surnames=surnames,
        competencies=competencies,
    )


# --- Databases ----------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_schema(server_url: str, name: str | None) -> Iterator[str]:
    """A schema on the server (its URL selects it): ``name``, made when missing and kept,
    or a new one dropped afterwards."""
    import sqlalchemy as sa

    from renown.store.engine import normalise_url

    server = normalise_url(server_url)
    schema = name or f"renown_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(server)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    url = server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        if name is None:
            with engine.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


# --- The server ---------------------------------------------------------------------------


def _renown_command() -> list[str]:
    """The ``renown`` command installed beside this interpreter, as users run it."""
    script = Path(sys.executable).with_name("renown")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from renown.cli.app import main; main()"]


@contextlib.contextmanager
def serving(installation: Installation, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``renown serve`` (default configuration) on the store, in its own process group."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENOWN_")}
    env |= {
        "RENOWN_HOME": str(installation.home),
        "RENOWN_DATABASE_URL": installation.database_url,
        "RENOWN_SECRET_KEY": SECRET_KEY,
    }
    command = [*_renown_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}: see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer in time: see {log}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield process, base
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl+C for the server (it stops its job worker too), then the group if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 2)  # SIGINT
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)  # SIGKILL
        process.wait(timeout=30)


@contextlib.contextmanager
def profiling(pid: int, out: Path | None) -> Iterator[None]:
    """py-spy sampling the server (and its threads) while the block runs, when asked.

    Without pausing it (``--nonblocking``): py-spy's default stops the process for every
    sample, which made writes' p99 4.5 s instead of 55 ms.
    """
    if out is None:
        yield
        return
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        report.note("  --profile: py-spy is not installed (pip install py-spy); not profiling")
        yield
        return
    command = [spy, "record", "--pid", str(pid), "--output", str(out), "--threads", "--nonblocking"]
    command += ["--format", "speedscope" if out.suffix == ".json" else "flamegraph"]
    sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        sampler.send_signal(2)
        sampler.wait(timeout=60)
        report.note(f"  profile of the server written to {out}")


# --- A run --------------------------------------------------------------------------------


def run_database(
    kind: str, installation: Installation, args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    """Serve the store, drive it with the users, and return the figures."""
    spec = {
        "users": [asdict(user) for user in installation.users[: args.users]],
        "colleagues": installation.colleagues,
        "surnames": installation.surnames,
        "competencies": installation.competencies,
        "seconds": args.seconds,
        "warm_up": args.warm_up,
        "think": args.think,
        "seed": args.seed,
    }
    log = folder / f"server-{kind}.log"
    with serving(installation, log) as (process, base):
        spec_path, result_path = folder / f"spec-{kind}.json", folder / f"result-{kind}.json"
        spec_path.write_text(json.dumps(spec | {"base_url": base}))
        load_before = os.getloadavg()
        cpu_before = _server_cpu_seconds(process.pid)
        profile = folder / f"profile-{kind}.svg" if args.profile else None
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with profiling(process.pid, profile):
            users = subprocess.run(
                [sys.executable, "-m", "bench.load_users", str(spec_path), str(result_path)],
                cwd=ROOT,
                check=False,
            )
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_after = _server_cpu_seconds(process.pid)
        load_after = os.getloadavg()
    if users.returncode != 0 and not result_path.exists():
        raise RuntimeError(f"the users' process failed ({users.returncode})")
    result = json.loads(result_path.read_text())
    figures = summarise(result, args.seconds)
    figures |= {
        "database": kind,
        "users": len(spec["users"]),
        "people": len(installation.colleagues),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "users_process_cpu_s": (children_after.ru_utime + children_after.ru_stime)
        - (children_before.ru_utime + children_before.ru_stime),
    }
    if figures["errors"]:
        figures["server_log_tail"] = log.read_text(errors="replace")[-3000:]
    if cpu_before is not None and cpu_after is not None and figures["all"]["requests"]:
        # The whole run's CPU (sign-ins and warm-up too) over every request it served.
        figures["server_cpu_ms_per_request"] = (
            1000 * (cpu_after - cpu_before) / len(result["requests"]["name"])
        )
    return figures


def _stats(latency: np.ndarray) -> dict[str, Any]:
    if latency.size == 0:
        return {"requests": 0}
    ms = latency * 1000.0
    return {
        "requests": int(ms.size),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }


def summarise(result: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Latencies of the requests sent in the measured window; errors of the whole run."""
    raw = result["requests"]
    name = np.array(raw["name"], dtype=object)
    write = np.array(raw["write"], dtype=bool)
    status = np.array(raw["status"], dtype=np.int64)
    outcome = np.array(raw["outcome"], dtype=object)
    start = np.array(raw["start"], dtype=np.float64)
    latency = np.array(raw["latency"], dtype=np.float64)
    window = (start >= 0) & (start < seconds)
    sign_in = name == "POST /signin"
    errors = outcome == "error"
    error_kinds = Counter(
        f"{status[i] or 'no answer'} {name[i]}: {raw['detail'][i][:100]}"
        for i in np.flatnonzero(errors)
    )
    endpoints = {}
    for endpoint in sorted(set(name[window])):
        chosen = window & (name == endpoint)
        endpoints[endpoint] = _stats(latency[chosen]) | {
            "write": bool(write[chosen][0]),
            "errors": int((chosen & errors).sum()),
        }
    figures = {
        "summary": result["summary"],
        "seconds": seconds,
        "all": _stats(latency[window]) | {"requests_per_second": int(window.sum()) / seconds},
        "reads": _stats(latency[window & ~write]),
        "writes": _stats(latency[window & write]),
        "sign_in": _stats(latency[sign_in]),
        "errors": int(errors.sum()),
        "errors_in_window": int((errors & window).sum()),
        "errors_by_kind": dict(error_kinds.most_common()),
        "errors_by_status": dict(Counter(str(s) for s in status[errors]).most_common()),
        "refused": int((outcome == "refused").sum()),
        "refused_by_kind": dict(
            Counter(
                f"{name[i]}: {raw['detail'][i][:100]}" for i in np.flatnonzero(outcome == "refused")
            ).most_common()
        ),
        "requests_whole_run": int(name.size),
        "endpoints": endpoints,
    }
    return figures


# --- Printing -----------------------------------------------------------------------------


def _ms(figures: dict[str, Any], key: str) -> str:
    return f"{figures[key]:.1f}" if key in figures else "-"


def show(figures: dict[str, Any]) -> None:
    kind = figures["database"]
    rows = []
    for label in ("reads", "writes", "all", "sign_in"):
        group = figures[label]
        rows.append(
            [
                label.replace("_", "-"),
                f"{group['requests']:,}",
                _ms(group, "p50_ms"),
                _ms(group, "p95_ms"),
                _ms(group, "p99_ms"),
                _ms(group, "max_ms"),
            ]
        )
    rps = figures["all"]["requests_per_second"]
    report.table(
        f"load on {kind}: {figures['users']} users, {figures['seconds']:.0f} s measured, "
        f"{rps:.1f} requests/s; errors {figures['errors']} (by status: "
        f"{figures['errors_by_status'] or 'none'}), expected refusals {figures['refused']}",
        ["requests (ms)", "count", "p50", "p95", "p99", "max"],
        rows,
    )
    endpoint_rows = [
        [
            endpoint,
            "write" if e["write"] else "read",
            f"{e['requests']:,}",
            _ms(e, "p50_ms"),
            _ms(e, "p95_ms"),
            _ms(e, "p99_ms"),
            str(e["errors"]),
        ]
        for endpoint, e in sorted(figures["endpoints"].items(), key=lambda item: item[0])
    ]
    report.table(
        f"{kind}: per route (measured window)",
        ["route", "kind", "count", "p50", "p95", "p99", "errors"],
        endpoint_rows,
    )
    cpu = figures.get("server_cpu_ms_per_request")
    cpu_text = f"server CPU {cpu:.1f} ms per request; " if cpu is not None else ""
    load = [f"{x:.1f}" for x in (*figures["load_average_before"], *figures["load_average_after"])]
    report.note(
        f"{kind}: {cpu_text}users' process CPU {figures['users_process_cpu_s']:.0f} s; "
        f"load average {' '.join(load[:3])} before, {' '.join(load[3:])} after; "
        f"{figures['requests_whole_run']:,} requests in all (sign-ins and warm-up too); "
        f"the {figures['users']} sign-ins took "
        f"{figures['summary'].get('sign_in_s', float('nan')):.1f} s"
    )
    if figures["errors"]:
        for kind_of_error, count in list(figures["errors_by_kind"].items())[:15]:
            report.note(f"  {count} x {kind_of_error}")
    for kind_of_refusal, count in figures["refused_by_kind"].items():
        report.note(f"  refused {count} x {kind_of_refusal}")
    if figures["summary"].get("sign_in_failed"):
        report.note(f"{kind}: sign-in failed for {figures['summary']['sign_in_failed']}")


def verdict(results: dict[str, dict[str, Any]]) -> bool:
    """The aim: no error on any database, writes' p99 under the target on SQLite."""
    ok = all(r["errors"] == 0 and not r["summary"].get("sign_in_failed") for r in results.values())
    sqlite = results.get("sqlite")
    if sqlite is not None:
        p99 = sqlite["writes"].get("p99_ms", float("inf"))
        met = p99 < TARGET_WRITE_P99_MS
        report.note(
            f"SQLite writes p99 {p99:.1f} ms: {'under' if met else 'NOT under'} the "
            f"{TARGET_WRITE_P99_MS:.0f} ms aim"
        )
        ok = ok and met
    report.note("aim met" if ok else "aim missed")
    return ok


# --- Main ---------------------------------------------------------------------------------


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="measured time")
    parser.add_argument("--warm-up", type=float, default=WARM_UP_SECONDS)
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="mean pause between actions (s)"
    )
    parser.add_argument(
        "--database",
        action="append",
        choices=["sqlite", "postgresql"],
        help=f"repeatable; default sqlite, and postgresql when {POSTGRES_ENV} is set",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get(POSTGRES_ENV), help=f"default ${POSTGRES_ENV}"
    )
    parser.add_argument(
        "--home", type=Path, help="seed (or reuse) the SQLite store in this folder and keep it"
    )
    parser.add_argument(
        "--schema",
        help="seed (or reuse) the PostgreSQL store in this schema and keep it (with --pg-home)",
    )
    parser.add_argument(
        "--pg-home", type=Path, help="home folder (event lake) of the store kept by --schema"
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs")
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy")
    parser.add_argument(
        "--seed",
        type=int,
        help="the users' random choices (default: new each run, so that runs on a kept store"
        " do not thank the same colleagues again until the pair cap refuses; it is printed)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.seed is None:
        args.seed = secrets.randbelow(1_000_000)
    databases = args.database or (["sqlite", "postgresql"] if args.postgres_url else ["sqlite"])
    if "postgresql" in databases and not args.postgres_url:
        report.note(f"postgresql needs --postgres-url or {POSTGRES_ENV}")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="renown-load-"))
    results: dict[str, dict[str, Any]] = {}
    record: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "server": "renown serve (default: 1 process, background jobs in a thread)",
        "users": args.users,
        "people": args.people,
        "seconds": args.seconds,
        "warm_up_seconds": args.warm_up,
        "think_seconds": args.think,
        "seed": args.seed,
        "results": results,
    }
    report.note(
        f"renown load: {args.users} users, {args.people:,} people, {args.seconds:.0f} s "
        f"after {args.warm_up:.0f} s warm-up, think time {args.think:.1f} s, seed {args.seed}; "
        f"{os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; logs in {folder}"
    )
    try:
        for kind in databases:
            report.note(f"\n{kind}:")
            with _store(kind, args, folder) as (home, url):
                installation = seed(home, url, people=args.people, users=args.users)
                results[kind] = run_database(kind, installation, args, folder)
            show(results[kind])
    finally:
        if results:
            report.write_json(record, args.out)
            report.note(f"wrote {args.out}")
    ok = verdict(results)
    if ok and not args.keep and not args.profile:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


@contextlib.contextmanager
def _store(kind: str, args: argparse.Namespace, folder: Path) -> Iterator[tuple[Path, str]]:
    """The home folder and database URL of the store to seed and serve."""
    if kind == "sqlite":
        home = args.home or folder / "home-sqlite"
        yield home, f"sqlite:///{home / 'renown.db'}"
        return
    if args.schema and not args.pg_home:
        raise SystemExit("--schema needs --pg-home (where the kept store's event lake is)")
    with postgres_schema(args.postgres_url, args.schema) as url:
        yield args.pg_home or folder / "home-postgresql", url


if __name__ == "__main__":
    sys.exit(main())
