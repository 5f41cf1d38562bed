"""Engine and session factory for SQLite (the default) and PostgreSQL (production).

SQLite is configured on purpose rather than left at its defaults: WAL lets the web app
read while the worker writes, ``synchronous=FULL`` makes a committed import survive a power
cut, ``foreign_keys`` enforces the relations the schema declares, and ``busy_timeout``
turns brief writer contention into a wait instead of an error.

Writers take their turn: a transaction that will write is started as one
(:func:`writing`). On SQLite that is ``BEGIN IMMEDIATE``, which waits (up to the busy
timeout) for the write lock *before* reading anything; a deferred transaction that reads
first and then writes fails at once with "database is locked" when another writer
committed meanwhile, because SQLite cannot move its old snapshot forward. Before that, a
SQLite writer takes the writers' lock file beside the database
(:mod:`renown.store.writer_lock`), where writers of every process wait in the kernel and
are woken as soon as it is free, instead of SQLite's sleep-and-retry, which a process
writing transaction after transaction starves. On PostgreSQL
writers queue on a transaction-scoped advisory lock: every write appends to the hash-chained
audit log, whose next entry depends on the previous one, so concurrent writers would
otherwise collide on the chain's tail. Readers are never blocked on either database.

The database file is personal data: it is created 0600 (in a 0700 folder when renown makes
the folder) before SQLite opens it. SQLite gives its ``-wal``, ``-shm`` and journal files
the database file's permissions, so they are private too; an existing database left
readable by an older version is tightened, together with those files.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from renown.core.private import create_private_file, private_dir, restrict_file
from renown.store import writer_lock

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "renown_write"
"""Execution option marking a connection whose transactions will write (see the module)."""
WRITER_LOCK_TIMEOUT = "10s"
"""How long a PostgreSQL writer waits for its turn (SQLite's busy timeout, likewise)."""
SQLITE_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database (write-ahead log, its index, rollback journal)."""
_WRITER_LOCK_HELD = "renown_writer_lock"
"""Key, in a connection's ``info``, of the writers' lock it holds (see :class:`_SqliteWriters`)."""
SQLITE_POOL_SIZE = 8
"""Connections a SQLite engine keeps open between requests (PRAGMAs run once per connection).

Beyond these, a burst opens more rather than waiting for one to come back (no overflow
limit): SQLite has no server-side connection limit, and the web app authenticates on the
event loop, so a checkout that waited would block the very loop that returns connections."""


POSTGRES_POOL_SIZE = 5
POSTGRES_MAX_OVERFLOW = 10
"""A PostgreSQL engine keeps 5 connections and opens at most 10 more (SQLAlchemy's defaults,
stated): the server limits connections for all its clients, so a checkout beyond these
waits for one to come back (see :func:`checkout_may_wait`)."""


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; plain ``postgresql://`` and ``postgres://`` use the psycopg2 driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create an engine with renown's connection settings for the URL's database."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        on_disk = bool(database) and database != ":memory:"
        if on_disk:
            prepare_sqlite_file(Path(str(database)))
        if on_disk and "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", -1)
        engine = sa.create_engine(parsed, connect_args={"check_same_thread": False}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        writers = _SqliteWriters(
            writer_lock.writer_lock_path(Path(str(database))) if on_disk else None
        )
        sa.event.listen(engine, "begin", writers.begin)
        for ended in ("commit", "rollback"):
            sa.event.listen(engine, ended, writers.end)
        for returned in ("checkin", "close", "invalidate"):
            sa.event.listen(engine, returned, writers.returned)
        return engine
    if parsed.get_backend_name() == "postgresql" and "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
        kwargs.setdefault("max_overflow", POSTGRES_MAX_OVERFLOW)
    engine = sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        sa.event.listen(engine, "begin", _postgres_begin)
    return engine


def prepare_sqlite_file(path: Path) -> None:
    """Make the SQLite database at ``path`` (and its companion files) private before use.

    A missing folder is created 0700 and a missing database as an empty 0600 file, which
    SQLite takes as an empty database; existing ones are tightened to 0600.
    """
    if not path.parent.exists():
        private_dir(path.parent)
    create_private_file(path)
    for suffix in SQLITE_COMPANION_SUFFIXES:
        restrict_file(path.with_name(path.name + suffix))
    restrict_file(writer_lock.writer_lock_path(path))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (see _sqlite_begin) so transactions really start
    # when the session starts one, as the pysqlite driver otherwise delays them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _is_writer(connection: sa.Connection) -> bool:
    return bool(connection.get_execution_options().get(WRITE_OPTION))


class _SqliteWriters:
    """Starts SQLite transactions, a writer's after taking the writers' lock at ``lock``.

    The lock is let go when the transaction ends (commit or rollback; a commit lets it go
    just before SQLite's ``COMMIT``, so the next writer, woken, finds SQLite's own lock
    free a moment later) or, at the latest, when the connection goes back to the pool or
    is closed. Without a file (an in-memory database) there is only this process's
    connection, and nothing to wait for.
    """

    def __init__(self, lock: Path | None) -> None:
        self.lock = lock

    def begin(self, connection: sa.Connection) -> None:
        if not _is_writer(connection):
            connection.exec_driver_sql("BEGIN")
            return
        if self.lock is not None and _WRITER_LOCK_HELD not in connection.info:
            try:
                held = writer_lock.acquire(self.lock, SQLITE_BUSY_TIMEOUT_MS / 1000)
            except writer_lock.WriterLockTimeoutError as error:
                # What SQLite itself says after its busy timeout, so callers handle both
                # alike (the web app answers 503 "try again").
                raise sa.exc.OperationalError(
                    "BEGIN IMMEDIATE",
                    None,
                    sqlite3.OperationalError(f"database is locked: {error}"),
                ) from error
            connection.info[_WRITER_LOCK_HELD] = held
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: sa.Connection) -> None:
        held = connection.info.pop(_WRITER_LOCK_HELD, None)
        if held is not None:
            writer_lock.release(held)

    def returned(self, _dbapi_connection: Any, record: Any, *_rest: Any) -> None:
        held = record.info.pop(_WRITER_LOCK_HELD, None) if record is not None else None
        if held is not None:
            writer_lock.release(held)


def _postgres_begin(connection: sa.Connection) -> None:
    if _is_writer(connection):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITER_LOCK_TIMEOUT}'")
        # One queue per schema: installations (and test runs) sharing a server do not wait
        # for each other.
        connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtext('renown.write:' || current_schema()))"
        )


def writing(session: Session) -> Session:
    """Start ``session``'s next transaction as a writer's (call before its first statement).

    Its first statement then waits for the write lock instead of failing later.
    """
    session.connection(execution_options={WRITE_OPTION: True})
    return session


def checkout_may_wait(engine: Engine) -> bool:
    """Whether taking a connection from ``engine``'s pool may wait for one to come back.

    SQLite engines never wait (a file's pool grows past :data:`SQLITE_POOL_SIZE` instead;
    an in-memory database has one connection per thread or one shared). PostgreSQL's pool
    is bounded (:data:`POSTGRES_MAX_OVERFLOW`), so a checkout there waits when all are in
    use: the web app then never checks out on its event loop (:mod:`renown.web.deps`).
    """
    return engine.url.get_backend_name() != "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (handy in request handlers)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One short write transaction: commit on success, roll back on any error.

    It starts as a writer's (:func:`writing`), so it waits for its turn rather than
    failing when another writer commits first.
    """
    with factory() as session, session.begin():
        yield writing(session)
