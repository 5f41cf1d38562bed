"""Migrations match the tables, go both ways on both databases; SQLite runs as configured."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import renown.store.tables  # noqa: F401 - registers every table
from renown.core.errors import RenownError
from renown.store import (
    Base,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    migrate,
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


REBUILDS_A_REFERENCED_TABLE = '''
"""rebuild organisations (a column added and dropped: SQLite copies the table each time)"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("organisations", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("motto", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisations", recreate="always") as batch_op:
        batch_op.drop_column("motto")
'''
LEAVES_DANGLING_REFERENCES = '''
"""delete every organisation, leaving their people behind (a broken migration)"""
from alembic import op

revision = "9002"
down_revision = "9001"


def upgrade() -> None:
    op.execute("DELETE FROM organisations")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def shipped_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped migrations plus two more on top of their head (returned): one rebuilding a
    referenced table, one leaving rows that refer to nothing."""
    head = str(head_revision())
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    rebuild = REBUILDS_A_REFERENCED_TABLE.replace("{head}", head)
    (folder / "versions" / "9001_rebuild.py").write_text(rebuild)
    (folder / "versions" / "9002_dangling.py").write_text(LEAVES_DANGLING_REFERENCES)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    return head


def _people(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = "SELECT id, org_id, manager_id FROM people ORDER BY id"
        return [tuple(row) for row in connection.exec_driver_sql(query)]


def test_rebuilding_a_referenced_sqlite_table_keeps_the_rows_referring_to_it(
    scratch_url: str, shipped_head: str
) -> None:
    if sa.make_url(scratch_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite rebuilds a table to change its columns")
    head = shipped_head
    engine = make_engine(scratch_url)
    try:
        upgrade(engine, head)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organisations (id, slug, name, created_at) "
                "VALUES (1, 'acme', 'Acme', '2024-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO people (id, org_id, employee_id, name, public_profile, created_at) "
                "VALUES (1, 1, 'e1', 'Ann', 0, '2024-01-01 00:00:00'), "
                "(2, 1, 'e2', 'Bob', 0, '2024-01-01 00:00:00')"
            )
            connection.exec_driver_sql("UPDATE people SET manager_id = 1 WHERE id = 2")
        people = _people(engine)
        upgrade(engine, "9001")  # ON DELETE CASCADE would have taken the people with it
        assert _people(engine) == people
        downgrade(engine, head)
        assert _people(engine) == people

        upgrade(engine, "9001")
        with pytest.raises(RenownError, match=r"2 row\(s\) referring to rows that do not exist"):
            upgrade(engine, "9002")
        assert current_revision(engine) == "9001", "the broken migration was rolled back"
        assert _people(engine) == people
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
