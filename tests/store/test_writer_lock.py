"""The SQLite writers' lock: held for a writer's transaction, waited for in the kernel,
given up after a timeout without leaving anyone waiting, private, and dropped with a dead
process."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from renown.store.engine import make_engine, session_factory, transaction, writing
from renown.store.writer_lock import (
    WriterLockTimeoutError,
    acquire,
    release,
    writer_lock_path,
)

PATIENT = 30.0
"""Long enough never to run out in these tests (they never wait that long on success)."""


def _in_background(path: Path, timeout: float = PATIENT) -> tuple[threading.Thread, list[object]]:
    """Acquire (then release) the lock at ``path`` on a thread; what it got, once done."""
    got: list[object] = []

    def take() -> None:
        try:
            descriptor = acquire(path, timeout)
        except WriterLockTimeoutError as error:
            got.append(error)
            return
        got.append("locked")
        release(descriptor)

    thread = threading.Thread(target=take)
    thread.start()
    return thread, got


def test_a_waiting_writer_gets_the_lock_once_the_holder_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "db-writers"
    held = acquire(path, PATIENT)
    thread, got = _in_background(path)
    thread.join(0.2)
    assert thread.is_alive() and got == []  # it cannot have the lock while it is held
    release(held)
    thread.join(PATIENT)
    assert got == ["locked"]


def test_a_writer_gives_up_after_its_timeout_and_leaves_no_one_waiting(tmp_path: Path) -> None:
    path = tmp_path / "db-writers"
    held = acquire(path, PATIENT)
    with pytest.raises(WriterLockTimeoutError, match="other writers kept the database"):
        acquire(path, 0.05)
    release(held)
    # The writer that gave up lets the lock go as soon as it gets it: the next one gets it.
    descriptor = acquire(path, PATIENT)
    release(descriptor)


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "db-writers"
    release(acquire(path, PATIENT))
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_a_dead_writer_leaves_no_lock_behind(tmp_path: Path) -> None:
    """A process killed while it holds the lock (here: exiting without letting go)."""
    path = tmp_path / "db-writers"
    code = (
        "import os, sys; from pathlib import Path; from renown.store.writer_lock import acquire;"
        f"acquire(Path({str(path)!r}), 5); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    release(acquire(path, 0.5))


def test_a_writers_transaction_holds_the_lock_until_it_ends(tmp_path: Path) -> None:
    database = tmp_path / "renown.db"
    engine = make_engine(f"sqlite:///{database}")
    sessions = session_factory(engine)
    lock = writer_lock_path(database)
    try:
        for ending in ("commit", "rollback", "close"):
            session = sessions()
            writing(session).execute(sa.text("select 1"))
            with pytest.raises(WriterLockTimeoutError):
                acquire(lock, 0.05)
            getattr(session, ending)()
            session.close()
            release(acquire(lock, 0.5))
        with sessions() as session:  # a reader's transaction takes no lock
            session.execute(sa.text("select 1"))
            release(acquire(lock, 0.5))
    finally:
        engine.dispose()


def test_writers_of_two_engines_take_turns(tmp_path: Path) -> None:
    """Two engines on one file (as two processes have): the second writer waits for the
    first's transaction, then gets in."""
    database = tmp_path / "renown.db"
    first, second = make_engine(f"sqlite:///{database}"), make_engine(f"sqlite:///{database}")
    try:
        with transaction(session_factory(first)) as holding:
            holding.execute(sa.text("create table t (x integer)"))
            thread = threading.Thread(target=_insert, args=(second,))
            thread.start()
            thread.join(0.2)
            assert thread.is_alive()  # waiting for the first writer's transaction
        thread.join(PATIENT)
        assert not thread.is_alive()
        with first.connect() as connection:
            assert connection.scalar(sa.text("select count(*) from t")) == 1
    finally:
        first.dispose()
        second.dispose()


def _insert(engine: sa.Engine) -> None:
    with transaction(session_factory(engine)) as session:
        session.execute(sa.text("insert into t values (1)"))
