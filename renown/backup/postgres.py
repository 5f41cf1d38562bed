"""Copying a PostgreSQL store with the PostgreSQL client tools, both ways.

``pg_dump --format=custom`` reads one consistent snapshot of the schema renown's tables
live in (the connection's current schema: a server may hold other applications, or other
renown installations, in other schemas). Restoring must not leave a half-restored
database behind, and ``pg_restore`` alone can only run the dump's own statements in its
transaction. So ``pg_restore`` turns the dump into SQL and ``psql --single-transaction``
runs it after statements that drop what the target schema held: one transaction, which
either commits entirely or leaves the target as it was.

The dump's statements name its schema, so a backup restores into a schema of the same name
(``public`` for an ordinary installation). The password never appears on a command line:
it is handed to the tools in ``PGPASSWORD``.
The PostgreSQL tools (pg_dump, pg_restore, psql) run as subprocesses with argument lists,
never through a shell.
"""

from __future__ import annotations

import os
import re
import shutil

# Pg_dump, pg_restore and psql, run without a shell:
import subprocess  # nosec B404
import tempfile
from pathlib import Path
from typing import IO, Final

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from renown.backup.archive import BackupError
from renown.core.private import write_private
from renown.store.engine import normalise_url

_SCHEMA_ENTRY: Final = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA) ")
"""Table-of-contents lines that create (or comment on) the schema itself: the target has it."""
_DROPPABLE: Final = """
SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
UNION ALL
SELECT t.typname, 'T' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = :schema AND t.typtype IN ('e', 'd')
"""
_DROP: Final = {
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "S": "SEQUENCE",
    "T": "TYPE",
}
_STDERR_LINES: Final = 6


def current_schema(engine: Engine) -> str:
    """The schema renown's tables are in (the first existing one on the search path)."""
    with engine.connect() as connection:
        schema = connection.scalar(sa.text("SELECT current_schema()"))
    if not schema:
        raise BackupError(
            f"{_shown(engine.url)}: the search path names no existing schema; create it first"
        )
    return str(schema)


def dump(engine: Engine, schema: str, out: Path) -> None:
    """``pg_dump`` the ``schema`` of ``engine``'s database to ``out`` (custom format)."""
    target, env = _libpq(engine.url)
    _run(
        "pg_dump",
        [
            "--format=custom",
            f"--schema={_quoted(schema)}",
            f"--file={out}",
            "--no-password",
            target,
        ],
        env=env,
    )
    out.chmod(0o600)


def check(dump_file: Path) -> list[str]:
    """The dump's table of contents (``pg_restore --list``): proof that it is readable."""
    listed = _run("pg_restore", ["--list", str(dump_file)], env=dict(os.environ))
    return listed.splitlines()


def restore(engine: Engine, schema: str, dump_file: Path, scratch: Path) -> None:
    """Replace everything in ``schema`` with the dump's content, in one transaction.

    The dump is first turned into SQL completely (a dump that cannot be read fails here,
    before the database is touched): fed to ``psql`` as it is produced, a ``pg_restore``
    dying half-way would hand over a script that simply ends, which ``psql`` would commit.
    """
    entries = scratch / "restore.list"
    listed = [f";{line}" if _SCHEMA_ENTRY.match(line) else line for line in check(dump_file)]
    write_private(entries, "\n".join(listed) + "\n")
    script = scratch / "restore.sql"
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            f"--use-list={entries}",
            f"--file={script}",
            str(dump_file),
        ],
        env=dict(os.environ),
    )
    script.chmod(0o600)
    drop = write_private(scratch / "drop.sql", _drop_statements(engine, schema))
    target, env = _libpq(engine.url)
    try:
        _run(
            "psql",
            [
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={drop}",
                f"--file={script}",
                f"--dbname={target}",
            ],
            env=env,
        )
    except BackupError as error:
        raise BackupError(
            f"{error}; nothing was changed (the restore is one transaction)"
        ) from None


def _drop_statements(engine: Engine, schema: str) -> str:
    """SQL dropping every table, view, sequence and type of ``schema`` (the schema stays)."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text(_DROPPABLE), {"schema": schema}).all()
    order = list(_DROP)
    statements = ["SET client_min_messages = warning;"]
    for name, kind in sorted(rows, key=lambda row: (order.index(str(row[1])), str(row[0]))):
        what = _DROP[str(kind)]
        statements.append(f"DROP {what} IF EXISTS {_quoted(schema)}.{_quoted(str(name))} CASCADE;")
    return "\n".join(statements) + "\n"


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` without its password, and the tools' environment."""
    parsed = normalise_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    target = parsed.set(drivername="postgresql", password=None)
    return target.render_as_string(hide_password=False), env


def _run(tool: str, arguments: list[str], *, env: dict[str, str]) -> str:
    _require(tool)
    with _errors() as errors:
        # A fixed tool name and an argument list (no shell); the only outside value is the
        # store's own URL, passed as one argument.
        finished = subprocess.run(  # nosec B603
            [tool, *arguments], stdout=subprocess.PIPE, stderr=errors, env=env, check=False
        )
        if finished.returncode != 0:
            raise BackupError(_failure(tool, finished.returncode, errors))
    return finished.stdout.decode("utf-8", "replace")


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client tools (pg_dump, pg_restore, "
            "psql; Debian's postgresql-client package) of the server's version or newer"
        )


def _errors() -> IO[bytes]:
    return tempfile.TemporaryFile()


def _failure(tool: str, code: int, errors: IO[bytes]) -> str:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    said = " | ".join(lines[-_STDERR_LINES:]) or "no message"
    return f"{tool} failed (exit code {code}): {said}"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)
