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
from renown.store.migrate import known_revisions, owned_by_renown
from tests.store.sample_rows import SampleRows


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


def _reflected(engine: sa.Engine) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    return metadata


def _assert_rows_survived(engine: sa.Engine, samples: SampleRows, where: str) -> None:
    """Every sample row whose table still exists is there with its values."""
    metadata = _reflected(engine)
    expected = samples.survivors(metadata)
    with engine.connect() as connection:
        for (name, pk), values in expected.items():
            table = metadata.tables[name]
            primary = list(table.primary_key.columns)
            condition = sa.and_(*(c == v for c, v in zip(primary, pk, strict=True)))
            row = connection.execute(sa.select(table).where(condition)).one_or_none()
            assert row is not None, f"{where}: row {pk} of {name} is gone"
            stored = {column: row._mapping[column] for column in values}
            assert stored == values, f"{where}: row {pk} of {name} changed"


def test_every_revision_keeps_its_rows_up_to_head_and_back_down(scratch_url: str) -> None:
    """Rows inserted at each revision (in each table as soon as it exists, and again when
    it gains columns) survive every later upgrade and every downgrade that keeps their
    table; the schema then goes down to base step by step and up again to the models."""
    engine = make_engine(scratch_url)
    samples = SampleRows()
    columns: dict[str, set[str]] = {}
    try:
        for revision in known_revisions():  # whatever migrations exist, oldest first
            upgrade(engine, revision)
            metadata = _reflected(engine)
            changed = [
                name
                for name, table in sorted(metadata.tables.items())
                if name != "alembic_version" and set(table.columns.keys()) != columns.get(name)
            ]
            with engine.begin() as connection:
                for name in changed:
                    samples.insert(connection, metadata, name)
            columns = {name: set(t.columns.keys()) for name, t in metadata.tables.items()}
            _assert_rows_survived(engine, samples, f"at {revision}")
        assert current_revision(engine) == head_revision()
        assert {key[0] for key in samples.rows} == set(Base.metadata.tables)

        while (revision := current_revision(engine)) is not None:
            downgrade(engine, "-1")
            _assert_rows_survived(engine, samples, f"down from {revision}")
        assert _tables(engine) == set()

        upgrade(engine)
        with engine.connect() as connection:
            options = {"compare_type": True, "include_name": owned_by_renown}
            context = MigrationContext.configure(connection, opts=options)
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
