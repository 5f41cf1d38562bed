"""Installations to back up and fresh ones to restore into, on SQLite and PostgreSQL.

The source installation is built through the product's own paths, as the demo is: the org
chart imported, events uploaded through an ingest job, kudos and feedback, recognition and
scoring jobs, promotion rounds (:func:`renown.demo.platform.seed_demo`), plus the command
line's own lake (``renown ingest``) and a recorded run (``renown score``). Building it takes
seconds, so the package builds one per database kind.

A restore needs a fresh database of the same kind. On PostgreSQL a backup restores into a
schema of the same name (its statements name the schema), so the fresh database is a new
PostgreSQL *database* with a schema of that name, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.cli.app import app
from renown.demo.platform import seed_demo
from renown.settings import Settings
from renown.store.engine import normalise_url
from tests.conftest import scratch_database
from tests.helpers import random_events

PEOPLE = 60


@dataclass(frozen=True)
class Installation:
    """Settings of an installation (its database URL and home)."""

    settings: Settings

    @property
    def url(self) -> str:
        return self.settings.database

    @property
    def kind(self) -> str:
        return sa.make_url(self.url).get_backend_name()


def kind_of(database_url: str) -> str:
    return sa.make_url(database_url).get_backend_name()


@pytest.fixture(scope="package")
def source(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    """A seeded installation on a database of its own (of the session's kind)."""
    folder = tmp_path_factory.mktemp("source")
    with scratch_database(kind_of(database_url), folder) as url:
        settings = Settings(home=folder / "home", database_url=url, secret_key="t")
        seed_demo(settings, people=PEOPLE)
        events = folder / "events.parquet"
        random_events(30, 400, seed=5).write_parquet(events)
        home = ["--home", str(settings.home)]
        env = {"RENOWN_DATABASE_URL": url}
        runner = CliRunner()
        for command in (
            ["ingest", str(events), *home],
            ["score", str(settings.home / "lake"), "--out", str(folder / "scores.csv"), *home],
        ):
            result = runner.invoke(app, command, env=env)
            assert result.exit_code == 0, result.output
        yield Installation(settings)


@contextmanager
def fresh_installation(like: Installation | str, folder: Path) -> Iterator[Installation]:
    """An empty installation (database and home) that backups of ``like`` (an installation
    or its database URL) restore into."""
    with _fresh_database(like if isinstance(like, str) else like.url, folder) as url:
        yield Installation(Settings(home=folder / "home", database_url=url, secret_key="t"))


@contextmanager
def _fresh_database(like_url: str, folder: Path) -> Iterator[str]:
    kind = kind_of(like_url)
    if kind == "sqlite":
        with scratch_database(kind, folder) as url:
            yield url
        return
    parsed = normalise_url(like_url)
    schema = str(parsed.query["options"]).removeprefix("-csearch_path=")
    name = f"renown_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(parsed.set(query={}), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        inside = sa.create_engine(parsed.set(database=name, query={}))
        with inside.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        inside.dispose()
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def table_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (renown's, the job queue's, Alembic's), in key order."""
    engine = sa.create_engine(normalise_url(url))
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        found: dict[str, list[tuple[object, ...]]] = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = connection.execute(sa.select(table).order_by(*order)).all()
                found[table.name] = [tuple(row) for row in rows]
        return found
    finally:
        engine.dispose()


def home_data(home: Path) -> dict[str, bytes]:
    """Every file under the home but the SQLite database's, by relative path, with its bytes."""
    return {
        path.relative_to(home).as_posix(): path.read_bytes()
        for path in sorted(home.rglob("*"))
        if path.is_file() and not path.name.startswith("renown.db")
    }
