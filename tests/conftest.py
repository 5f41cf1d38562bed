"""Shared fixtures: small generated event frames, never the shared real data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.events import event_key
from renown.ingest.schema import EVENT_SCHEMA

AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def make_events(rows: list[tuple[str | None, str, str]], *, when: datetime = AS_OF) -> pl.DataFrame:
    """Events ``(actor, target, channel)`` all at ``when``, with distinct keys."""
    return pl.DataFrame(
        {
            "event_key": [event_key("t", i) for i in range(len(rows))],
            "actor": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "timestamp": [when] * len(rows),
            "channel": [r[2] for r in rows],
            "kind": ["to"] * len(rows),
            "weight": [1.0] * len(rows),
            "source": ["test"] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


@pytest.fixture
def as_of() -> datetime:
    return AS_OF


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests in ``tests/realdata`` or in ``test_realdata*.py`` files carry the realdata mark."""
    for item in items:
        path = str(item.path)
        if "/realdata/" in path or item.path.name.startswith("test_realdata"):
            item.add_marker(pytest.mark.realdata)


@pytest.fixture(scope="session")
def data_home() -> Path:
    """The folder of public data sets named by RENOWN_DATA_HOME (read once per session, so
    module-scoped real-data fixtures can use it).

    Skips when the variable is unset (a developer machine without the data); when it is set,
    a missing folder fails loudly instead of skipping, so CI can never pass vacuously.
    """
    value = os.environ.get("RENOWN_DATA_HOME")
    if not value:
        pytest.skip("RENOWN_DATA_HOME is not set")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"RENOWN_DATA_HOME={value} is not a folder")
    return path


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def any_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process umask set to a usual (022) and to the loosest (000) value for the test:
    files renown keeps must be private whatever the umask."""
    previous = os.umask(int(request.param))
    try:
        yield int(request.param)
    finally:
        os.umask(previous)


# --- Database fixtures -------------------------------------------------------------------
# Every store test runs on SQLite, and also on PostgreSQL when RENOWN_TEST_DATABASE_URL
# names a server. Each PostgreSQL test session works in its own schema (several test runs
# may share one server), selected through the connection's search_path.

POSTGRES_ENV = "RENOWN_TEST_DATABASE_URL"


def _database_kinds() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    """URL of a new, empty database of ``kind`` (a SQLite file or a PostgreSQL schema)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'renown.db'}"
        return
    from renown.store.engine import normalise_url

    server = normalise_url(os.environ[POSTGRES_ENV])
    schema = f"renown_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session", params=_database_kinds())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the whole test session (emptied between tests by ``engine``)."""
    from renown.store import downgrade, make_engine, upgrade

    kind = str(request.param)
    with scratch_database(kind, tmp_path_factory.mktemp(f"db-{kind}")) as url:
        engine = make_engine(url)
        try:
            if kind == "postgresql":
                downgrade(engine, "base")
            upgrade(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty (unmigrated) database of the same kind, for migration tests."""
    with scratch_database(sa.make_url(database_url).get_backend_name(), tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def _session_engine(database_url: str) -> Iterator[sa.Engine]:
    from renown.store import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_session_engine: sa.Engine) -> sa.Engine:
    """The migrated test database, emptied before the test (fast: DELETE, no re-migration)."""
    import renown.store.tables  # noqa: F401 - registers every table
    from renown.store import Base

    with _session_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return _session_engine


@pytest.fixture
def db(engine: sa.Engine) -> sessionmaker[Session]:
    """Session factory on the emptied test database (use with ``renown.store.transaction``)."""
    from renown.store import session_factory

    return session_factory(engine)


@pytest.fixture
def session(db: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the emptied test database; whatever the test did not commit is dropped."""
    with db() as session:
        yield session
        session.rollback()
