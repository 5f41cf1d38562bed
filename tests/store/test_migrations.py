"""Migrations match the tables, go both ways on both databases; SQLite runs as configured."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import renown.store.tables  # noqa: F401 - registers every table
from renown.store import (
    Base,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from renown.store.engine import SQLITE_BUSY_TIMEOUT_MS
from renown.store.migrate import owned_by_renown


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    try:
        assert current_revision(engine) is None and _tables(engine) == set()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert _tables(engine) == set(Base.metadata.tables)
        downgrade(engine, "base")
        assert current_revision(engine) is None and _tables(engine) == set()
        upgrade(engine)
        assert _tables(engine) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_migrations_match_the_table_definitions(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        options = {"compare_type": True, "include_name": owned_by_renown}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_connections_use_the_documented_pragmas(engine: sa.Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
    }


def test_foreign_keys_are_enforced(engine: sa.Engine) -> None:
    from renown.store.tables import Person

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(Person).values(org_id=999_999, employee_id="x", name="X"))
