"""``renown serve`` (the web app, optionally with the demo organisation) and ``renown worker``.

``serve`` is the one command a first-time user needs (``make demo`` runs it): it migrates
the store, seeds the demo when asked, starts a background-job worker thread in the same
process (so uploads and scoring runs work without a second terminal) and serves the app.
Production runs ``renown worker`` as its own process instead (``serve --no-worker``); both
take jobs from the same database, so any number of web processes and workers can share it.

``serve --workers N`` serves from N processes (one per CPU core is the useful most: a
single Python process uses one core however many requests wait). The workers build their
apps from the environment (``renown.web.asgi``), and background jobs then run in a thread of
the parent process that supervises them, never in the web workers themselves, so a scoring
run does not take a core from serving pages and no job is ever run twice.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from renown.settings import Settings, get_settings

console = Console()
if not console.is_terminal:
    console = Console(width=130)  # logs keep whole e-mail addresses and passwords on one line
WORKER_POLL_SECONDS = 1.0
"""Longest wait before an idle worker looks for new jobs (huey backs off up to this)."""

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home", help="Folder for the database, event lakes and uploads (default: $RENOWN_HOME)."
    ),
]


def _settings(home: Path | None) -> Settings:
    return Settings(home=home) if home is not None else get_settings()


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo",
            help="Load a scored synthetic organisation and demo sign-ins (kept across restarts).",
        ),
    ] = False,
    people: Annotated[
        int, typer.Option("--people", help="Size of the demo organisation (first start only).")
    ] = 3000,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run background jobs in this process (turn off when 'renown worker' runs them).",
        ),
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help=(
                "Web server processes (about one per CPU core). With more than one, background"
                " jobs run in a thread of the parent process, not in the web workers."
            ),
        ),
    ] = 1,
    home: HomeOption = None,
) -> None:
    """Migrate the database and serve the renown web app (with --demo: ready to explore)."""
    import uvicorn

    from renown.store import make_engine, upgrade
    from renown.web.app import create_app
    from renown.web.asgi import freeze_startup_heap
    from renown.worker import make_queue

    settings = _settings(home)
    engine = make_engine(settings.database)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    if demo:
        if settings.connectors_replay is None:
            # the demo's public accounts are fictional: answer connectors from its recordings
            settings = settings.model_copy(
                update={"connectors_replay": settings.home / "demo-networks"}
            )
        _seed(settings, people)
    if workers > 1:
        _serve_processes(settings, host=host, port=port, workers=workers, run_jobs=worker)
        return
    app = create_app(settings)
    queue = make_queue(settings, sessions=app.state.sessions)
    app.state.job_queue = queue
    consumer = _start_worker(queue) if worker and not queue.immediate else None
    freeze_startup_heap()
    console.print(f"renown is serving on [bold]http://{host}:{port}/[/] (Ctrl+C stops it)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        app.state.engine.dispose()


def _serve_processes(
    settings: Settings, *, host: str, port: int, workers: int, run_jobs: bool
) -> None:
    """Uvicorn with ``workers`` processes, each building its app from the environment."""
    import uvicorn

    from renown.store import make_engine, session_factory
    from renown.worker import make_queue

    os.environ["RENOWN_HOME"] = str(settings.home.resolve())
    if settings.connectors_replay is not None:
        os.environ["RENOWN_CONNECTORS_REPLAY"] = str(settings.connectors_replay.resolve())
    settings.session_secret()  # made once here, not raced for by the workers starting up
    engine = make_engine(settings.database)
    queue = make_queue(settings, sessions=session_factory(engine))
    consumer = _start_worker(queue) if run_jobs and not queue.immediate else None
    console.print(
        f"renown is serving on [bold]http://{host}:{port}/[/] with {workers} processes"
        " (Ctrl+C stops it)"
    )
    try:
        uvicorn.run(
            "renown.web.asgi:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        engine.dispose()


def worker(
    threads: Annotated[
        int, typer.Option("--threads", min=1, max=32, help="Jobs to run at the same time.")
    ] = 2,
    home: HomeOption = None,
) -> None:
    """Run background jobs (ingest, scoring) from the database's queue until stopped."""
    from renown.jobs.recovery import JobWatch
    from renown.jobs.sweep import sweep
    from renown.worker import make_queue

    settings = _settings(home).model_copy(update={"jobs_immediate": False})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings.private_home()
    queue = make_queue(settings)
    sweep(settings, queue.sessions)
    watch = JobWatch(queue).start()
    huey = queue.huey
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=True, max_delay=WORKER_POLL_SECONDS
    )
    try:
        consumer.run()
    finally:
        watch.stop()


@dataclass(frozen=True)
class _Worker:
    """A job worker running in threads of this process, and its watch for jobs left behind."""

    consumer: Any
    watch: Any

    def stop(self, graceful: bool) -> None:
        self.watch.stop()
        self.consumer.stop(graceful=graceful)


def _start_worker(queue: Any) -> _Worker:
    """A job worker thread inside this process (started from the main thread), after
    sweeping what a stopped process left: stale uploads (again every few minutes while it
    runs: :mod:`renown.jobs.sweep`) and jobs left running, which its watch keeps failing
    (and jobs left queued, handed back to the queue) while it runs."""
    from renown.jobs.recovery import JobWatch
    from renown.jobs.sweep import sweep

    sweep(queue.settings, queue.sessions)
    watch = JobWatch(queue).start()
    consumer = queue.huey.create_consumer(
        workers=1,
        worker_type="thread",
        periodic=True,
        max_delay=WORKER_POLL_SECONDS,
        check_worker_health=False,
    )
    consumer.start()
    return _Worker(consumer, watch)


def _seed(settings: Settings, people: int) -> None:
    from renown.demo.platform import seed_demo

    started = time.perf_counter()
    with console.status("preparing the demo organisation") as status:
        accounts = seed_demo(settings, people=people, on_step=status.update)
    seconds = time.perf_counter() - started
    table = Table(title=f"Demo sign-ins (organisation '{accounts.org_slug}')", title_justify="left")
    table.add_column("role", no_wrap=True)
    table.add_column("email", no_wrap=True, min_width=max(len(a.email) for a in accounts.accounts))
    table.add_column(
        "password", no_wrap=True, min_width=max(len(a.password) for a in accounts.accounts)
    )
    table.add_column("who")
    for account in accounts.accounts:
        table.add_row(account.role.value, account.email, account.password, account.person or "")
    console.print(
        f"Demo organisation ready in {seconds:.1f} s: {accounts.people:,} people, "
        f"{accounts.runs} scoring runs."
    )
    _print_leaderboard(settings, accounts.org_slug)
    console.print(table)
    console.print("These are demo passwords for synthetic data: never use them for real people.")
    console.print(
        "Promotion boards: sign in as hr and open /talent (an open round with a calibration "
        "session, a decided round with an appeal), /talent/succession and the bias audits."
    )
    console.print(
        "Recruiter radar: sign in as recruiter and open /radar (prospects ranked with their "
        "reasons, timelines and outreach); hr sees members' flight risk on /radar/flight-risk."
    )
    console.print(
        "Challenges: sign in as sponsor to post and run them on /challenges (one in review, one "
        "open, a data-science board, a prize ledger with payments owed); as member to register, "
        "fill the blind scorecards of the one in review and see your record and rating."
    )
    console.print(
        "External prominence: sign in as employee or manager and open /me/networks (linked "
        "GitHub, Mastodon, Bluesky, Stack Exchange and blog accounts, each network's score and "
        "the combined one, explained); /me/card turns on the public card; hr imports links and "
        "refreshes everyone on /people/external."
    )


def _print_leaderboard(settings: Settings, org_slug: str, top: int = 10) -> None:
    """The latest run's top people with their explanations, as HR sees them on the site."""
    import sqlalchemy as sa

    from renown.accounts.principal import Principal
    from renown.core.roles import Role
    from renown.org import queries
    from renown.store import make_engine, session_factory
    from renown.store.tables.org import Organisation
    from renown.web.people.present import describe

    engine = make_engine(settings.database)
    try:
        with session_factory(engine)() as session:
            org_id = session.scalar(sa.select(Organisation.id).where(Organisation.slug == org_slug))
            if org_id is None:
                return
            viewer = Principal(account_id=0, org_id=org_id, role=Role.HR, person_id=None, email="")
            board = queries.leaderboard(session, viewer, limit=top)
            if not board.items:
                return
            as_of = f" as of {board.as_of:%Y-%m-%d}" if board.as_of else ""
            table = Table(title=f"Most prominent people{as_of}", title_justify="left")
            for column in ("rank", "score", "trend", "person", "why"):
                table.add_column(column, overflow="fold")
            for row in board.items:
                profile = queries.profile(session, viewer, row.person_id)
                explanation = profile.snapshot.explanation if profile.snapshot else None
                words = describe(row.name, explanation, profile.top_connections)
                trend = "" if row.trend is None else f"{row.trend:+.1f}"
                who = f"{row.name}\n[dim]{row.title or row.department or ''}[/]"
                table.add_row(str(row.rank), str(row.score), trend, who, " ".join(words[1:3]))
            console.print(table)
    finally:
        engine.dispose()
