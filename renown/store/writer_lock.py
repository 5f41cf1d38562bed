"""SQLite writers of every process wait for each other in the kernel, not on a timer.

SQLite lets one writer in at a time. A writer that finds the database locked sleeps and
tries again (its busy handler sleeps up to 100 ms between tries), with no queue: against
another process that writes transaction after transaction (the worker storing batch after
batch, or a second server process working through its own queue of writers) the sleeper
keeps missing the short moments the lock is free, and fails with "database is locked" after
the busy timeout although no single transaction held the lock for long. The web app then
answered 503 "database is busy" under a load it should have carried.

So a SQLite writer first takes an exclusive ``flock`` on a file beside the database (the
database's name plus :data:`WRITER_LOCK_SUFFIX`) and only then starts its ``BEGIN
IMMEDIATE`` transaction; it lets the lock go when the transaction ends. A waiter blocks in
the kernel and is woken the moment the holder lets go, which the holder does as its
transaction commits: by the time the holder wants to write again, the waiter has the lock.
(That is not a strict queue, but nobody sleeps through the gaps any more.) The kernel drops
the lock of a process that dies, so a crashed writer never leaves it held; the file itself
means nothing and is never deleted.

Each acquisition opens its own descriptor, so threads of one process exclude each other as
processes do.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Final

WRITER_LOCK_SUFFIX: Final = "-writers"
"""The lock file's name is the database file's name plus this."""


class WriterLockTimeoutError(TimeoutError):
    """Other writers held the lock longer than the caller would wait."""


def writer_lock_path(database: Path) -> Path:
    """The writers' lock file of the SQLite database at ``database``."""
    return database.with_name(database.name + WRITER_LOCK_SUFFIX)


def acquire(path: Path, timeout: float) -> int:
    """Take the writers' lock at ``path``, waiting up to ``timeout`` seconds.

    Returns the descriptor that holds it, for :func:`release`.
    """
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return _wait(descriptor, path, timeout)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def release(descriptor: int) -> None:
    """Let the lock go (explicitly: a forked child may share the descriptor)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


class _Waiter:
    """Blocks for the lock on a helper thread; the caller waits for it with a timeout.

    A blocking ``flock`` cannot time out, so it runs here. A caller who gives up leaves
    the descriptor to the waiter, which lets the lock go as soon as it gets it: nobody ends
    up waiting for a writer who has gone.
    """

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.decided = threading.Lock()
        self.done = threading.Event()
        self.abandoned = False
        self.error: OSError | None = None

    def run(self) -> None:
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        except OSError as error:
            self.error = error
        with self.decided:
            if self.abandoned:
                release(self.descriptor)
                return
            self.done.set()


def _wait(descriptor: int, path: Path, timeout: float) -> int:
    waiter = _Waiter(descriptor)
    threading.Thread(target=waiter.run, name="renown-writer-lock", daemon=True).start()
    waiter.done.wait(timeout)
    with waiter.decided:
        if not waiter.done.is_set():
            waiter.abandoned = True
            raise WriterLockTimeoutError(
                f"{path}: other writers kept the database for more than {timeout:g} seconds"
            )
    if waiter.error is not None:
        os.close(descriptor)
        raise waiter.error
    return descriptor
