"""``renown db ...`` (schema migrations) and ``renown audit verify`` (audit-chain check).

Both act on the store named by ``RENOWN_DATABASE_URL`` (default: a SQLite file under the
renown home). Heavy imports happen inside the commands so ``renown --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

db_app = typer.Typer(help="Create, upgrade or step back the database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the tamper-evident audit log.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@contextmanager
def _engine() -> Iterator[Engine]:
    """The configured database's engine, closed when the command is done."""
    from renown.settings import get_settings
    from renown.store import make_engine

    engine = make_engine(get_settings().database)
    try:
        yield engine
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option("--revision", help="Target revision.")] = "head",
) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    from renown.store import current_revision, upgrade

    with _engine() as engine:
        upgrade(engine, revision)
        current = current_revision(engine)
    console.print(f"database at revision {current or 'base (empty)'}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str, typer.Option("--revision", help="Target revision ('base' removes every table).")
    ] = "-1",
) -> None:
    """Step the schema back to REVISION (default: one step)."""
    from renown.store import current_revision, downgrade

    with _engine() as engine:
        downgrade(engine, revision)
        current = current_revision(engine)
    console.print(f"database at revision {current or 'base (empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and the newest one available."""
    from renown.store import current_revision, head_revision

    with _engine() as engine:
        current = current_revision(engine)
    head = head_revision()
    state = "up to date" if current == head else "run 'renown db upgrade'"
    console.print(f"current: {current or 'base (empty)'}; newest: {head} ({state})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain; exit 1 and list every break if anything was altered."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from renown.audit import verify
    from renown.store.tables.audit import AuditEntry

    with _engine() as engine, Session(engine) as session:
        breaks = verify(session)
        total = session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    if breaks:
        for item in breaks:
            errors.print(f"entry {item.seq}: {item.reason}", highlight=False)
        errors.print(f"[bold red]audit log is NOT intact[/]: {len(breaks)} break(s)")
        raise typer.Exit(code=1)
    console.print(f"audit log intact: {total} entries")
