"""Schema migrations (Alembic), driven from code: ``renown db upgrade`` / ``downgrade``.

The migration scripts ship inside the package, so an installed renown can migrate its
database without a checkout or an ``alembic.ini``.

On SQLite, changing a column means rebuilding its table (Alembic's batch mode copies it,
drops the original and renames the copy). With foreign keys enforced, dropping a table
that other rows reference deletes them or empties their reference (``ON DELETE CASCADE``
/ ``SET NULL``): a migration would silently lose data. So, as SQLite's documentation
prescribes for schema changes, migrations run with enforcement off and end with
``PRAGMA foreign_key_check``: a migration that leaves a dangling reference is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from renown.core.errors import RenownError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_SHOWN_VIOLATIONS: Final = 5


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (default: the newest)."""
    config = _config()
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    """Step the schema back to ``revision`` (default: one step; ``base`` empties it)."""
    config = _config()
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction to migrate in; on SQLite without foreign-key enforcement, checked
    for dangling references before it commits (see the module's docstring)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        # outside any transaction, where SQLite honours the pragma
        driver = connection.connection.driver_connection
        assert driver is not None, "a checked-out connection has its driver connection"
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                _check_references(connection)
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def _check_references(connection: Connection) -> None:
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if dangling:
        shown = "; ".join(
            f"{table} row {rowid} -> {parent}"
            for table, rowid, parent, _fk in dangling[:_SHOWN_VIOLATIONS]
        )
        raise RenownError(
            f"the migration would leave {len(dangling)} row(s) referring to rows that do not "
            f"exist ({shown}); nothing was changed"
        )


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Newest revision shipped with this version of renown."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> list[str]:
    """Every revision shipped with this version of renown, the oldest first."""
    walked = ScriptDirectory.from_config(_config()).walk_revisions()
    return [script.revision for script in reversed(list(walked))]


FOREIGN_TABLE_PREFIXES = ("huey_",)
"""Tables in the same database that belong to someone else: the job queue's storage."""


def owned_by_renown(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` hook: compare and migrate only renown's own tables."""
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_TABLE_PREFIXES))
