"""Folders and files only the account running renown can read.

renown keeps personal data at rest: the database, uploaded interaction files, the event
lake, scoring runs and backups. Under a usual umask (022) a folder comes out 0755 and a file
0644, readable by every account on the machine, so these helpers set the modes explicitly
(``chmod`` after creating, never relying on the umask): folders 0700, files 0600.

Files are written under a temporary name in the destination folder, created 0600 before any
byte is written, and renamed into place: a reader (or a backup running at that moment) sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

PRIVATE_DIR_MODE: Final = 0o700
PRIVATE_FILE_MODE: Final = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and any missing parent) as 0700 folders; tighten ``path`` if it exists.

    Parents that already exist are left as they are: they may be the operator's own folders
    (``/var/lib``, a home directory). ``path`` itself is a folder renown keeps data in, so an
    existing one made by an older version under a loose umask is tightened.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        with suppress(FileExistsError):  # a concurrent writer made it: tightened all the same
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        os.chmod(folder, PRIVATE_DIR_MODE)
    if not missing:
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; tighten it if it does."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    finally:
        os.close(descriptor)


def restrict_file(path: Path) -> None:
    """Tighten an existing file to 0600 (nothing happens when it does not exist)."""
    with suppress(FileNotFoundError):
        os.chmod(path, PRIVATE_FILE_MODE)


@contextmanager
def private_output(path: Path) -> Iterator[Path]:
    """A temporary 0600 file beside ``path`` to write; renamed to ``path`` on success.

    The caller (or a library it hands the name to) overwrites the temporary file, which keeps
    its mode; on any error the temporary file is removed and ``path`` is left unchanged.
    A missing folder is created 0700; an existing one is left as it is (it may be the
    folder a person asked to write a file into).
    """
    if not path.parent.exists():
        private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    finally:
        os.close(descriptor)
    try:
        yield temporary
        os.chmod(temporary, PRIVATE_FILE_MODE)  # a library may have replaced the file
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically as a 0600 file (text as UTF-8); return ``path``."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    with private_output(path) as temporary, temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return path
