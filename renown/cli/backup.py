"""``renown backup OUT`` and ``renown restore IN``.

Both act on the configured installation: the database named by ``RENOWN_DATABASE_URL``
(default: the SQLite file under the home) and the event lakes and scoring runs under the
home. The logic lives in :mod:`renown.backup`; these commands print its outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from renown.cli.serve import HomeOption
from renown.core.errors import RenownError
from renown.settings import Settings, get_settings

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


BACKUP_HELP = (
    "Back up the database and the event lakes and runs to OUT while renown keeps running."
    "\n\nOUT is one tar archive (gzip-compressed when its name ends in .gz or .tgz), readable"
    " by its owner only, holding: the database (SQLite: a copy made with SQLite's online"
    " backup API, checked with PRAGMA integrity_check; PostgreSQL: a pg_dump custom-format"
    " dump of renown's schema, which needs pg_dump on the PATH), every event lake under the"
    " home (lake/ and orgs/ORG/lake/), the scoring-run records (runs/), and last a manifest"
    " with the schema revision and each member's size and SHA-256. Uploads, the download"
    " cache, server-side sources and the cookie key are left out."
    "\n\nThe copy is consistent: the database as of one commit (the web app and workers go on"
    " writing meanwhile), then each lake as of one append."
)
RESTORE_HELP = (
    "Restore the backup IN into the configured database and home (stop the app and workers)."
    "\n\nThe backup is checked completely before anything changes (every member's checksum,"
    " the database copy, a schema revision this version of renown knows), and a database"
    " with rows or a home with lakes or runs is refused unless --force. The database is"
    " restored in one transaction, then the lakes and runs; the schema is upgraded when the"
    " backup is older, and the audit log's hash chain is verified (exit code 1 if broken)."
    " PostgreSQL needs pg_restore and psql on the PATH, and a database whose search path"
    " starts with the backed-up schema."
)


def _settings(home: Path | None) -> Settings:
    return Settings(home=home) if home is not None else get_settings()


def backup(
    out: Annotated[Path, typer.Argument(help="Backup file to write (must not exist yet).")],
    home: HomeOption = None,
) -> None:
    """Back up the database and the event lakes and runs to OUT (see BACKUP_HELP)."""
    from renown.backup import create_backup

    try:
        summary = create_backup(_settings(home), out)
    except RenownError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    console.print(
        f"backed up the {summary.backend} database (revision {summary.revision}) and "
        f"{summary.home_files} lake and run files to {summary.path} ({summary.size:,} bytes)"
    )


def restore(
    source: Annotated[Path, typer.Argument(metavar="IN", help="Backup file written by 'backup'.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace a database with rows and existing lakes and runs (lost)."
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Restore the backup IN into the configured installation (see RESTORE_HELP)."""
    from renown.backup import restore_backup

    try:
        summary = restore_backup(_settings(home), source, force=force)
    except RenownError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    upgraded = f", upgraded to {summary.revision}" if summary.upgraded else ""
    folders = ", ".join(summary.folders) or "no lakes or runs"
    console.print(
        f"restored {source}: database at revision {summary.backed_up_revision}{upgraded}; {folders}"
    )
    if summary.audit_breaks:
        for item in summary.audit_breaks:
            errors.print(f"audit entry {item.seq}: {item.reason}", highlight=False)
        errors.print(
            f"[bold red]the restored audit log is NOT intact[/]: {len(summary.audit_breaks)} "
            "break(s); the backup was altered or the log was already broken"
        )
        raise typer.Exit(code=1)
    console.print(f"audit log intact: {summary.audit_entries} entries")
