"""Unpacking a zip that people sent (a zipped Slack export), safely.

A zip comes from outside: it may name absolute or parent paths, hold links, or inflate to
far more than it declares. It is unpacked into a scratch folder that is deleted afterwards,
refusing all of these; refusals name the zip as people know it, never the server's path.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Final

from renown.core.errors import InputError

MAX_UNZIPPED_BYTES: Final = 2 * 1024**3
"""A zip may not unpack to more than this (a zip bomb fails instead of filling the disk)."""
MAX_ZIP_ENTRIES: Final = 200_000


@contextmanager
def unzipped(path: Path, name: str) -> Iterator[Path]:
    """A scratch folder holding the zip at ``path`` (known to people as ``name``) unpacked;
    deleted when the block ends."""
    with tempfile.TemporaryDirectory(prefix="renown-unzip-") as scratch:
        folder = Path(scratch)
        _unzip(path, folder, name)
        yield folder


def _unzip(path: Path, folder: Path, name: str) -> None:
    """Unpack safely: no absolute or parent paths, no links, bounded size and count.

    The size is bounded twice: by what the zip declares (refused before anything is
    written) and by what actually comes out while unpacking, since a crafted zip can
    declare small members that inflate to far more.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (*_ZIP_ERRORS, ValueError):
        raise InputError(name, "not a readable zip file") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_ENTRIES:
            raise InputError(name, f"the zip holds more than {MAX_ZIP_ENTRIES:,} files")
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise InputError(name, f"the zip unpacks to more than {MAX_UNZIPPED_BYTES:,} bytes")
        for member in members:
            inner = PurePosixPath(member.filename)
            if inner.is_absolute() or ".." in inner.parts or _is_link(member):
                raise InputError(name, f"unsafe path in the zip: {member.filename}")
        try:
            written = 0
            for member in members:
                written += _extract(archive, member, folder, MAX_UNZIPPED_BYTES - written)
        except _ZIP_ERRORS as error:
            raise InputError(name, f"the zip cannot be unpacked ({error})") from None
        except _Inflated:
            raise InputError(
                name, f"the zip unpacks to more than {MAX_UNZIPPED_BYTES:,} bytes"
            ) from None


_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,  # damaged structure, a CRC that does not match
    OSError,  # a name the file system refuses, a file where a folder is needed
    EOFError,  # a truncated member
    zlib.error,  # damaged compressed data
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method Python does not have
)


class _Inflated(Exception):  # noqa: N818 - a condition, raised and caught in this module
    """A member inflated beyond what is left of the size bound."""


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, folder: Path, room: int) -> int:
    """Write one member under ``folder``; the bytes written (at most ``room``)."""
    target = folder.joinpath(*PurePosixPath(member.filename).parts)
    if member.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(member) as source, target.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > room:
                raise _Inflated
            sink.write(chunk)
    return written


_CHUNK: Final = 1 << 20


def _is_link(member: zipfile.ZipInfo) -> bool:
    mode = member.external_attr >> 16
    return (mode & 0o170000) == 0o120000
