"""Writers of one process wait their turn in arrival order.

SQLite lets one writer in at a time and makes the others retry on a timer (its busy
handler sleeps up to 100 ms between tries, with no queue). Under load that is unfair: with
twenty writers, an unlucky one keeps missing the moment the lock is free, and after the
busy timeout it fails ("database is locked") although every other writer got through.
So writers of one process queue here first, first come first served, and only the head of
the queue meets the writers of other processes (the worker, a second web worker), on the
writers' lock file beside the database (:mod:`renown.store.writer_lock`), where a waiter is
woken as soon as the lock is free rather than retrying on SQLite's timer.

On PostgreSQL writers queue on an advisory lock, which is fair already; queueing here too
costs nothing and keeps a burst of writes from holding a connection each while waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TurnTimeoutError(TimeoutError):
    """A writer waited longer than its patience for its turn."""


class Turns:
    """A fair (FIFO) lock: each ``acquire`` takes a ticket and waits until it is served.

    A waiter that gives up leaves its ticket behind as abandoned; the queue skips it, so
    nobody waits for a writer who has gone.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._abandoned: set[int] = set()

    def acquire(self, timeout: float) -> None:
        """Wait for this caller's turn (:class:`TurnTimeoutError` after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            while self._serving != ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._abandoned.add(ticket)
                    raise TurnTimeoutError(f"no turn to write within {timeout:.0f} seconds")
                self._changed.wait(left)

    def release(self) -> None:
        """End the current turn and serve the next ticket still waiting."""
        with self._changed:
            self._serving += 1
            while self._serving in self._abandoned:
                self._abandoned.discard(self._serving)
                self._serving += 1
            self._changed.notify_all()

    @contextmanager
    def turn(self, timeout: float) -> Iterator[None]:
        """Hold a turn for the block."""
        self.acquire(timeout)
        try:
            yield
        finally:
            self.release()

    @property
    def waiting(self) -> int:
        """Writers holding or waiting for a turn (for tests and diagnostics)."""
        with self._changed:
            return self._next_ticket - self._serving - len(self._abandoned)
