"""Huey's storage on renown's own database: the same SQLite file or PostgreSQL database.

Huey's SQL storage keeps the queue in four small tables, prefixed ``huey_`` here so that
they are not mistaken for renown's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee
from huey.contrib.sql_huey import SqlStorage

from renown.core.errors import Invalid
from renown.store.engine import SQLITE_BUSY_TIMEOUT_MS, normalise_url, prepare_sqlite_file

TABLE_PREFIX = "huey_"


def peewee_database(url: str) -> peewee.Database:
    """The peewee database (what huey's SQL storage speaks) for renown's store URL.

    renown's URL may name a SQLAlchemy driver (``postgresql+psycopg2://``) and carry
    connection options in its query (``?options=-csearch_path=...``); both are mapped to
    peewee's arguments so the queue lives exactly where the store does.
    """
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ":memory:"
        if database != ":memory:":
            prepare_sqlite_file(Path(database))  # huey may be the first to open it
        return peewee.SqliteDatabase(
            database,
            pragmas={
                "journal_mode": "wal",
                "synchronous": "full",
                "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
            },
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
    if backend == "postgresql":
        options: dict[str, Any] = {k: v for k, v in parsed.query.items() if isinstance(v, str)}
        return peewee.PostgresqlDatabase(
            parsed.database,
            user=parsed.username,
            password=parsed.password,
            host=parsed.host,
            port=parsed.port,
            **options,
        )
    raise Invalid(f"background jobs need SQLite or PostgreSQL, not {backend}")


def prefixed_storage(name: str, **kwargs: Any) -> Any:
    """Huey's SQL storage with its tables renamed ``huey_*`` and created if missing."""
    storage = SqlStorage(name, create_tables=False, **kwargs)
    for model in (storage.KV, storage.Schedule, storage.Task, storage.Counter):
        meta = model._meta
        meta.set_table_name(TABLE_PREFIX + meta.table_name)
        # Indexes added after the model was defined still name the old table: rebuild them.
        meta.indexes = [_renamed_index(model, index) for index in meta.indexes]
    storage.create_tables()
    return storage


def _renamed_index(model: Any, index: Any) -> Any:
    """``index`` again, on the model's current table (peewee binds it at creation)."""
    if not isinstance(index, peewee.ModelIndex):
        return index
    spec: Any = index
    return peewee.ModelIndex(model, spec._expressions, unique=spec._unique, safe=True)
