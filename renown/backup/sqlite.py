"""Copying a SQLite store with SQLite's online backup API, both ways.

Why the backup API rather than copying the file: the web app and the worker keep writing
while a backup runs, and a file copy taken mid-write (or without the ``-wal`` file beside
it) can be torn. The API copies the pages of one read transaction, all in one step, so the
copy is the database as of one commit; in WAL mode writers go on meanwhile. The copy is
then checked with ``PRAGMA integrity_check`` and switched to a rollback journal so it is a
single self-contained file.

Restoring uses the same API in the other direction: the checked copy's pages replace the
target's in one transaction, so the target holds either its old content or the backup's,
never a mix, and readers of the target see one or the other.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from renown.backup.archive import BackupError
from renown.core.private import create_private_file
from renown.store.engine import SQLITE_BUSY_TIMEOUT_MS, prepare_sqlite_file


def snapshot(database: Path, copy: Path) -> str:
    """Copy the live database at ``database`` to ``copy`` (0600); return its revision."""
    if not database.is_file():
        raise BackupError(f"{database}: no such SQLite database")
    create_private_file(copy)
    with closing(_connect(database)) as source, closing(_connect(copy)) as target:
        source.backup(target)  # pages=-1: every page in one step, one read transaction
    return check(copy, database)


def check(copy: Path, shown: Path) -> str:
    """Check the SQLite file ``copy`` (named ``shown`` in errors); return its revision.

    The copy is also switched to a rollback journal so that it is one self-contained file.
    """
    try:
        with closing(_connect(copy)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{shown}: the database is damaged ({'; '.join(problems[:3])})")
            connection.execute("PRAGMA journal_mode=DELETE")
            return _revision(connection, shown)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{shown}: not a readable SQLite database ({error})") from None


def restore(copy: Path, database: Path) -> None:
    """Replace the content of the SQLite database at ``database`` with ``copy``'s."""
    prepare_sqlite_file(database)
    with closing(_connect(copy)) as source, closing(_connect(database)) as target:
        source.backup(target)


def _revision(connection: sqlite3.Connection, shown: Path) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise BackupError(f"{shown}: holds no renown schema (no migration revision)")
    return str(row[0])


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return connection
