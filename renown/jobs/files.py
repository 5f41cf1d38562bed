"""Reading an uploaded events file: which kinds are accepted, and errors in the user's terms.

Uploads are stored as ``<job id>-<name>``, and a Slack export arrives zipped; the readers
would name those server-side paths in their errors. Errors are relabelled with the name
the person uploaded (and the path inside their zip), keeping line and field, because that
is what they can open and fix.

Event keys of tabular files hash the file's source label; it is the uploaded name, not
the stored one, so that uploading the same file again adds nothing to the lake.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.ingest.detect import SourceFormat, read_source

TABULAR: Final[dict[str, SourceFormat]] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
}
EVENT_SUFFIXES: Final = frozenset({*TABULAR, ".mbox", ".zip"})
"""File types accepted as events: tables, a mailbox, or a zipped Slack export."""

MAX_UNZIPPED_BYTES: Final = 2 * 1024**3
"""A zip may not unpack to more than this (a zip bomb fails instead of filling the disk)."""
MAX_ZIP_ENTRIES: Final = 200_000


def upload_name(filename: str | None) -> str:
    """The file's own name, without any folder a browser or script sent along."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[:150] or "upload"


def check_event_suffix(name: str) -> str:
    """The (lower-case) suffix of ``name`` if it is an accepted events file."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        accepted = ", ".join(sorted(EVENT_SUFFIXES))
        raise InputError(
            name, f"unsupported file type {suffix or '(none)'}; upload one of {accepted}"
        )
    return suffix


def read_event_file(path: Path, name: str) -> pl.DataFrame:
    """Canonical events of the file stored at ``path`` and uploaded as ``name``."""
    suffix = check_event_suffix(name)
    if suffix == ".zip":
        return _read_zip(path, name)
    try:
        if suffix == ".mbox":
            return read_source(path, format="mbox")
        return read_source(path, format=TABULAR[suffix], source=name)
    except InputError as error:
        raise _relabel(error, path, name) from None


def _read_zip(path: Path, name: str) -> pl.DataFrame:
    with tempfile.TemporaryDirectory(prefix="renown-unzip-") as scratch:
        folder = Path(scratch)
        _unzip(path, folder, name)
        roots = sorted(p.parent for p in folder.rglob("users.json"))
        if not roots:
            raise InputError(name, "not a Slack export: no users.json in the zip")
        try:
            return read_source(roots[0], format="slack")
        except InputError as error:
            raise _relabel(error, folder, name) from None


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


def _relabel(error: InputError, stored: Path, name: str) -> InputError:
    """The same error, naming the uploaded file instead of where the server keeps it."""
    base = str(stored)
    rest = error.source[len(base) :] if error.source.startswith(base) else ""
    source = f"{name}/{rest[1:]}" if rest.startswith("/") else f"{name}{rest}"
    return InputError(source, error.message, line=error.line, field=error.field)
