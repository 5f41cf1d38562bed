"""Single-writer lock for the event lake.

Two imports appending at once could both decide that an event is new and store it
twice. Writers therefore hold an exclusive ``flock`` on ``<lake>/.lock`` for the whole
append. The kernel releases the lock when the process dies, so a crashed import never
leaves a stale lock behind (a lock *file* that merely exists means nothing). Readers
never take the lock: a commit is one atomic rename (see :mod:`renown.ingest.lake`).
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Final

from renown.core.errors import RenownError

_POLL_SECONDS: Final = 0.05


class LakeLockedError(RenownError):
    """Another writer holds the lake's lock."""


class LakeLock:
    """Exclusive writer lock on a lake folder, used as a context manager.

    Parameters
    ----------
    path:
        The lock file (created if missing, never deleted).
    timeout:
        Seconds to keep trying before giving up; 0 fails at once if the lake is busy.
    """

    def __init__(self, path: Path, *, timeout: float = 0.0) -> None:
        self.path = path
        self.timeout = timeout
        self._descriptor: int | None = None

    def __enter__(self) -> LakeLock:
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder(descriptor)
                    os.close(descriptor)
                    raise LakeLockedError(
                        f"{self.path}: another import is writing to this lake ({holder})"
                    ) from None
                time.sleep(_POLL_SECONDS)
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        self._descriptor = descriptor
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = None

    @staticmethod
    def _holder(descriptor: int) -> str:
        """Who holds the lock, as written by the holder (best effort, for the message)."""
        try:
            text = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip()
        except OSError:
            text = ""
        return text or "holder unknown"
