"""``renown challenges``: crowdsourced challenges from the shell.

``ratings fit`` rates every member from a standings table and writes their ratings;
``ratings report`` holds out the last contests and prints the model's pairwise accuracy
beside multiplayer Elo and contests-played (docs/challenges-ratings.md). The rating code is
imported inside the commands, so ``renown --help`` stays fast.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.console import Console

challenges_app = typer.Typer(
    help="Crowdsourced challenges: member skill ratings from contest standings.",
    no_args_is_help=True,
)
ratings_app = typer.Typer(
    help="Skill ratings (Weng-Lin) from ranked contests.",
    no_args_is_help=True,
)
challenges_app.add_typer(ratings_app, name="ratings")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

INPUT_ERROR: Final = 2
"""Exit code of input that cannot be used (a bad standings file, a bad option)."""

StandingsArgument = Annotated[
    Path,
    typer.Argument(
        metavar="STANDINGS",
        help="CSV or TSV (may be .gz) with columns contest_id,handle,rank_lo,rank_hi.",
    ),
]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code=INPUT_ERROR)


@ratings_app.command("fit")
def fit(
    standings_path: StandingsArgument,
    out: Annotated[Path, typer.Option("--out", help="Ratings CSV to write.")],
) -> None:
    """Rate every member on all contests; write handle,mu,sigma,rating,contests (best first)."""
    import polars as pl

    from renown.challenges.ratings.model import fit as fit_ratings
    from renown.challenges.ratings.standings import read_standings
    from renown.core.errors import InputError

    began = time.perf_counter()
    try:
        standings = read_standings(standings_path)
    except InputError as exc:
        raise _fail(str(exc)) from None
    ratings = fit_ratings(standings)
    seconds = time.perf_counter() - began
    table = pl.DataFrame(
        {
            "handle": standings.handles,
            "mu": ratings.mu,
            "sigma": ratings.sigma,
            "rating": ratings.display(),
            "contests": ratings.contests,
        }
    ).sort(["rating", "handle"], descending=[True, False])
    try:
        table.write_csv(out, float_precision=6)
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror or exc}") from None
    console.print(
        f"{standings.contests:,} contests, {standings.rows:,} rows, {standings.players:,} "
        f"players rated in {seconds:.2f} s (reading included) -> {out}",
        highlight=False,
    )


@ratings_app.command("report")
def report(
    standings_path: StandingsArgument,
    test_fraction: Annotated[
        float,
        typer.Option("--test-fraction", help="Share of the contests (the last ones) held out."),
    ] = 0.1,
) -> None:
    """Pairwise accuracy on the held-out last contests: the model, Elo, contests played."""
    from renown.challenges.ratings.evaluation import evaluate
    from renown.challenges.ratings.standings import read_standings
    from renown.core.errors import InputError

    if not 0.0 < test_fraction < 1.0:
        raise _fail(f"--test-fraction must lie between 0 and 1, not {test_fraction}")
    began = time.perf_counter()
    try:
        standings = read_standings(standings_path)
        read_seconds = time.perf_counter() - began
        outcome = evaluate(standings, test_fraction=test_fraction)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from None
    console.print(outcome.table(), highlight=False)
    console.print(
        f"read {standings.rows:,} rows ({standings.players:,} players) in {read_seconds:.2f} s; "
        f"whole report {time.perf_counter() - began:.2f} s",
        highlight=False,
    )


@challenges_app.command("tick")
def tick(
    now: Annotated[
        str | None,
        typer.Option(
            "--now", help="The instant to tick at (ISO 8601; default: now). For rehearsals."
        ),
    ] = None,
) -> None:
    """Record every open challenge's phase and settle those whose winners are due.

    The worker does this every minute; the command is for installations run without one
    (a cron line) and for rehearsing a challenge's end on a copy of the database.
    """
    from datetime import UTC, datetime

    from renown.challenges.job import tick_challenges
    from renown.settings import get_settings
    from renown.store import make_engine, session_factory

    instant = datetime.now(UTC)
    if now is not None:
        try:
            instant = datetime.fromisoformat(now)
        except ValueError:
            raise _fail(f"--now {now!r} is not an ISO 8601 instant") from None
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
    engine = make_engine(get_settings().database)
    try:
        report = tick_challenges(session_factory(engine), instant)
    finally:
        engine.dispose()
    console.print(f"{report.moved} challenges changed phase, {report.settled} settled")
    if report.failed:
        raise _fail(f"{report.failed} challenges failed (see the log); the next tick retries them")
