"""The ``renown`` command line.

Every command calls one batch or ingest function and formats its result; no scoring logic
lives here. Errors in the user's input are printed as one clear line (file, line, field)
with exit code 2, never as a traceback.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from renown.cli.backup import BACKUP_HELP, RESTORE_HELP, backup, restore
from renown.cli.badges import badges_app
from renown.cli.challenges import challenges_app
from renown.cli.connect import connect_app
from renown.cli.db import audit_app, db_app
from renown.cli.durations import parse_days
from renown.cli.org import org_app
from renown.cli.radar import radar_app
from renown.cli.render import print_explanation, print_leaderboard, print_timings
from renown.cli.serve import serve, worker
from renown.cli.sources import parse_mapping
from renown.cli.talent import talent_app
from renown.cli.validation import tune, validate
from renown.core.errors import RenownError
from renown.core.heap import release_large_frees
from renown.settings import get_settings

app = typer.Typer(
    name="renown",
    help=(
        "renown scores how prominent people are in their interaction networks (1-100), "
        "explains every score, and keeps the data in a local event lake.\n\n"
        "Start with 'renown demo' to see a synthetic organisation scored, or "
        "'renown score events.csv --out scores.csv' on your own data "
        "(columns actor,target,timestamp[,channel,kind,weight])."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(audit_app, name="audit")
app.add_typer(badges_app, name="badges")
app.add_typer(talent_app, name="talent")
app.add_typer(radar_app, name="radar")
app.add_typer(challenges_app, name="challenges")
app.add_typer(connect_app, name="connect")
console = Console()
if not console.is_terminal:
    # logs and pipes get a width that fits the leaderboard instead of Rich's 80 columns
    console = Console(width=130)
errors = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder for the event lake and run records (default: $RENOWN_HOME or .renown).",
    ),
]


def _home(home: Path | None) -> Path:
    return home if home is not None else get_settings().home


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn input problems into one readable line and exit code 2."""
    try:
        yield
    except (RenownError, ValueError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        errors.print(f"[bold red]error:[/] {message}", highlight=False)
        raise typer.Exit(code=2) from None


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """End on SIGTERM (a scheduler's timeout, ``kill``) as on an error: by unwinding, so the
    temporary slices of a scored file (personal data, as large as the events) are removed
    instead of left in the temporary folder. Exit code 143, as a shell reports SIGTERM."""

    def terminated(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (the command run from a test's thread)
        return
    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _stages(enabled: bool, first: str) -> Iterator[Callable[[str], None]]:
    """Show a spinner with the current stage; yield the function that names the next stage."""
    if not enabled:
        yield lambda _name: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as progress:
        task = progress.add_task(first)
        yield lambda name: progress.update(task, description=name)


@app.command()
def score(
    events: Annotated[
        Path,
        typer.Argument(
            help=(
                "Events: a CSV/TSV/JSONL/Parquet file, a mail, Slack or Stack Exchange "
                "export, an edge list, or an event-lake folder."
            )
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Scores file to write (one row per person).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Score as of this date/time (ISO 8601, UTC). Default: the newest event."
        ),
    ] = None,
    half_life: Annotated[
        str,
        typer.Option(
            "--half-life", help="Time after which an interaction counts half (e.g. 90d, 12w)."
        ),
    ] = "365d",
    window: Annotated[
        str | None,
        typer.Option("--window", help="Ignore events older than this before --as-of (e.g. 365d)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="csv, parquet or json (default: from the --out suffix)."
        ),
    ] = None,
    source_format: Annotated[
        str | None,
        typer.Option(
            "--source-format",
            help=(
                "Force the input format (csv, tsv, jsonl, parquet, mbox, maildir, slack, "
                "stackexchange, snap, lake)."
            ),
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping",
            help="Column mapping for tabular input, e.g. actor=from,target=to,timestamp=sent.",
        ),
    ] = None,
    groups: Annotated[
        Path | None,
        typer.Option(
            "--groups", help="CSV with columns person,group (department) for the breadth component."
        ),
    ] = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            "--aliases",
            help="CSV with columns alias,person: one person's other ids, merged before scoring.",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (default) or spark.")] = "local",
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help=(
                "Spark master for --engine spark: local[N] (default local[2]) or "
                "spark://HOST:PORT for a standalone cluster."
            ),
        ),
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option(
            "--weights",
            help="WEIGHTS.toml (from 'renown tune'): component weights instead of the defaults.",
        ),
    ] = None,
    trend: Annotated[
        str | None,
        typer.Option(
            "--trend",
            help="Also score the window ending this long before (default 30d; 'off' skips).",
        ),
    ] = "30d",
    top: Annotated[
        int, typer.Option("--top", help="Print the top N people after scoring (0 for none).")
    ] = 10,
    home: HomeOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print the seconds spent in each stage.")
    ] = False,
) -> None:
    """Score everybody in EVENTS and write SCORES (person, score 1-100, rank, components)."""
    from renown.ingest import read_aliases
    from renown.ingest.files import EventFile
    from renown.prominence.model import ProminenceModel
    from renown.scoring.inputs import load_groups, open_events
    from renown.scoring.pipeline import score_events
    from renown.scoring.runs import output_format, record_run, write_scores
    from renown.validation.weights_file import read_weights

    with _user_errors():
        chosen = read_weights(weights) if weights is not None else None
        if engine not in ("local", "spark"):
            raise ValueError(f"--engine must be local or spark, not {engine!r}")
        if master is not None:
            from renown.prominence.engines.spark_session import check_master

            if engine != "spark":
                raise ValueError("--master needs --engine spark (the local engine runs no Spark)")
            check_master(master)
        if fmt is not None and fmt not in ("csv", "parquet", "json"):
            raise ValueError(f"--format must be csv, parquet or json, not {fmt!r}")
        when = _parse_instant(as_of) if as_of else None
        column_mapping = parse_mapping(mapping)
        with _terminate_as_exit(), _stages(not quiet, "reading events") as stage:
            source_events = open_events(events, source_format, column_mapping)
            group_map = load_groups(groups) if groups else None
            alias_map = read_aliases(aliases) if aliases else None
            result = score_events(
                source_events,
                aliases=alias_map,
                as_of=when,
                half_life_days=parse_days(half_life),
                window_days=parse_days(window) if window else None,
                groups=group_map,
                trend_days=None if trend in (None, "off", "0") else parse_days(trend),
                engine="spark" if engine == "spark" else "local",
                spark_master=master,
                model=ProminenceModel(weights=chosen.weights) if chosen else None,
                source=json.dumps(
                    {
                        "path": str(events.resolve()),
                        # a table's format as read: the resolved path of a link named
                        # like a table may have no suffix to tell it again
                        "format": (
                            source_events.format
                            if isinstance(source_events, EventFile)
                            else source_format
                        ),
                        "mapping": column_mapping,
                        "groups": str(groups.resolve()) if groups else None,
                        "aliases": str(aliases.resolve()) if aliases else None,
                    }
                ),
                on_stage=stage,
            )
            if chosen is not None:
                result.metadata["weights_file"] = chosen.metadata()
            stage("writing scores")
            began = time.perf_counter()
            runs = _home(home) / "runs"
            if output_format(out, fmt) == "parquet":  # type: ignore[arg-type]
                # the run's own copy is the same Parquet bytes: copied, not encoded again
                sidecar = write_scores(result, out, fmt)  # type: ignore[arg-type]
                folder = record_run(result, runs, copy_of=out)
            else:
                # independent files written side by side (polars writes without the
                # interpreter lock, so both cores are used)
                with ThreadPoolExecutor(max_workers=2, thread_name_prefix="renown-write") as pool:
                    writing = pool.submit(write_scores, result, out, fmt)  # type: ignore[arg-type]
                    folder = record_run(result, runs)
                    sidecar = writing.result()
            result.timings["write"] = time.perf_counter() - began
        console.print(
            f"Scored [bold]{result.graph.n:,}[/] people from {result.metadata['input_events']:,} "
            f"events as of {result.metadata['as_of']} -> {out} (run {folder.name}; "
            f"parameters in {sidecar.name})"
        )
        if result.model.ring_report_.rings:
            console.print(
                f"[yellow]{len(result.model.ring_report_.rings)} reciprocal ring(s) detected and "
                "discounted[/]: "
                + "; ".join(", ".join(r.members) for r in result.model.ring_report_.rings)
            )
        if timings:
            print_timings(console, result.timings)
        if top > 0:
            print_leaderboard(console, result, top=top, explain_top=0)


@app.command()
def explain(
    person: Annotated[str, typer.Argument(help="Person id as it appears in the scores file.")],
    run: Annotated[
        str | None, typer.Option("--run", help="Run id (default: the latest run).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
    home: HomeOption = None,
) -> None:
    """Explain PERSON's score in a recorded run: components, drivers, groups, trend."""
    from renown.scoring.reproduce import reproduce_run

    with _user_errors():
        result = reproduce_run(_home(home) / "runs", run)
        explanation = result.explain(person)
        if as_json:
            console.print_json(json.dumps(explanation.to_dict()))
        else:
            print_explanation(console, explanation)


@app.command()
def ingest(
    source: Annotated[
        Path, typer.Argument(help="File or folder to import (any supported format).")
    ],
    source_format: Annotated[
        str | None, typer.Option("--source-format", help="Force the input format.")
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping", help="Column mapping for tabular input, e.g. actor=from,target=to."
        ),
    ] = None,
    lake: Annotated[
        Path | None, typer.Option("--lake", help="Event lake folder (default: <home>/lake).")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Add SOURCE's events to the event lake (importing the same source twice adds nothing)."""
    from renown.ingest.lake import EventLake
    from renown.ingest.stream import import_source

    with _user_errors():
        target = EventLake(lake if lake is not None else _home(home) / "lake")
        # CSV, TSV and mbox files are read chunk by chunk: memory does not grow with them
        result = import_source(source, target, format=source_format, mapping=parse_mapping(mapping))
        console.print(
            f"{source}: {result.added:,} new events, {result.duplicates:,} already in the lake "
            f"({target.path})"
        )


@app.command()
def demo(
    people: Annotated[
        int, typer.Option("--people", help="Size of the synthetic organisation.")
    ] = 3000,
    top: Annotated[int, typer.Option("--top", help="Leaderboard length.")] = 15,
    explain_top: Annotated[int, typer.Option("--explain", help="Explain the top N in words.")] = 3,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed (same seed, same organisation).")
    ] = 7,
    rings: Annotated[
        int, typer.Option("--rings", help="Plant this many collusion rings to see them caught.")
    ] = 0,
    home: HomeOption = None,
) -> None:
    """Generate a synthetic organisation, score it, and print the explained leaderboard."""
    from renown.demo.showcase import run_demo

    with _user_errors():
        with _stages(True, "generating the organisation") as stage:
            outcome = run_demo(_home(home), people=people, seed=seed, rings=rings, on_stage=stage)
        console.print(outcome.headline)
        print_leaderboard(
            console,
            outcome.result,
            top=top,
            explain_top=explain_top,
            labels=outcome.labels,
            groups=outcome.groups,
        )
        console.print(outcome.footer)


def _parse_instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {text!r} is not an ISO 8601 date or date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


app.command()(serve)
app.command()(worker)
app.command(help=BACKUP_HELP)(backup)
app.command(help=RESTORE_HELP)(restore)
app.command()(validate)
app.command()(tune)


def main() -> None:
    """Console-script entry point."""
    release_large_frees()
    app()
