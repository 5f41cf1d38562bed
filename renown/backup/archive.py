"""The backup file: one tar archive whose last member is a manifest of everything before it.

Layout::

    database.sqlite | database.pgdump    the database (SQLite file or pg_dump custom format)
    home/lake/...                        event lakes: manifest and the parts it lists
    home/orgs/<org>/lake/...
    home/runs/...                        scoring-run records
    renown-backup.json                   format, versions, revision, size and SHA-256 of
                                         every member above

Why one archive: the database and the files under the home folder describe one moment
and must travel together. Why the manifest last: checksums are computed while the members
are written, so nothing is staged twice; and a truncated archive is recognised by the
missing manifest. Reading checks every member's name, size and checksum against the
manifest before any of it is used, so a damaged backup is refused before the installation
is touched. A name ending in ``.gz`` or ``.tgz`` writes a gzip-compressed archive; reading
accepts both.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final

from renown.core.errors import RenownError
from renown.core.private import PRIVATE_FILE_MODE, private_dir, private_output

FORMAT: Final = "renown-backup"
FORMAT_VERSION: Final = 1
MANIFEST_NAME: Final = "renown-backup.json"
DATABASE_FILES: Final = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
HOME_PREFIX: Final = "home"
_CHUNK: Final = 1 << 20


class BackupError(RenownError):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (the archive's last member)."""

    backend: str
    """``sqlite`` or ``postgresql``: a backup restores into the same kind of database."""
    revision: str
    """Schema revision of the database when it was backed up."""
    schema: str | None
    """PostgreSQL schema the tables live in (``None`` for SQLite)."""
    created_at: str
    renown_version: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Member name -> ``{"size": bytes, "sha256": hex digest}``."""

    @property
    def database_file(self) -> str:
        """Name of the database member."""
        return DATABASE_FILES[self.backend]

    def to_json(self) -> bytes:
        """The manifest as stored."""
        content = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "backend": self.backend,
            "revision": self.revision,
            "schema": self.schema,
            "created_at": self.created_at,
            "renown_version": self.renown_version,
            "files": self.files,
        }
        return (json.dumps(content, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @staticmethod
    def from_json(raw: bytes, source: Path) -> Manifest:
        """Parse a stored manifest; a wrong format or version is refused by name."""
        try:
            content = json.loads(raw.decode("utf-8"))
            if content.get("format") != FORMAT:
                raise BackupError(f"{source}: not a renown backup")
            if content.get("version") != FORMAT_VERSION:
                raise BackupError(
                    f"{source}: backup format version {content.get('version')!r} is not one "
                    f"this version of renown reads ({FORMAT_VERSION})"
                )
            if content["backend"] not in DATABASE_FILES:
                raise BackupError(f"{source}: unknown database kind {content['backend']!r}")
            return Manifest(
                backend=str(content["backend"]),
                revision=str(content["revision"]),
                schema=None if content["schema"] is None else str(content["schema"]),
                created_at=str(content["created_at"]),
                renown_version=str(content["renown_version"]),
                files={str(k): dict(v) for k, v in content["files"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{source}: the backup's manifest is damaged ({error})") from None


class ArchiveWriter:
    """Adds members to an open archive, recording each one's size and checksum."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self._tar = tar
        self.files: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, path: Path) -> None:
        """Add the file at ``path`` as ``name`` (read once: hashed while it is written)."""
        with path.open("rb") as handle:
            size = path.stat().st_size
            digest = hashlib.sha256()
            info = _member(name, size, path.stat().st_mtime)
            self._tar.addfile(info, _Hashing(handle, digest, size))
        self.files[name] = {"size": size, "sha256": digest.hexdigest()}

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add ``data`` as the member ``name``."""
        self._tar.addfile(_member(name, len(data), time.time()), io.BytesIO(data))
        self.files[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def finish(self, manifest: Manifest) -> None:
        """Write the manifest, listing every member written so far, as the last member."""
        data = replace(manifest, files=dict(self.files)).to_json()
        self._tar.addfile(_member(MANIFEST_NAME, len(data), time.time()), io.BytesIO(data))


@contextmanager
def writing(out: Path) -> Iterator[ArchiveWriter]:
    """An archive at ``out`` (0600); it appears under that name only once complete."""
    with private_output(out) as temporary, _open_for_writing(temporary, out.name) as tar:
        yield ArchiveWriter(tar)


def _open_for_writing(path: Path, name: str) -> tarfile.TarFile:
    if name.endswith((".gz", ".tgz")):
        return tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT)
    return tarfile.open(path, "w", format=tarfile.PAX_FORMAT)


def read(source: Path, staging: Path) -> Manifest:
    """Unpack ``source`` into ``staging`` and check it completely; return its manifest.

    Raises :class:`BackupError` naming ``source`` when the file is not a readable archive,
    is truncated, holds a member it should not, or a member differs from the manifest.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    private_dir(staging)
    seen: dict[str, dict[str, Any]] = {}
    manifest_raw: bytes | None = None
    try:
        with tarfile.open(source, "r:*") as tar:
            for member in tar:
                name = _checked_name(member, source)
                if name in seen or (name == MANIFEST_NAME and manifest_raw is not None):
                    raise BackupError(f"{source}: the member {name} appears twice")
                handle = tar.extractfile(member)
                assert handle is not None, "regular files always have content"
                if name == MANIFEST_NAME:
                    manifest_raw = handle.read()
                    continue
                if manifest_raw is not None:
                    raise BackupError(f"{source}: members follow the manifest")
                seen[name] = _unpack(handle, staging / name)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(
            f"{source}: the backup is damaged or truncated and cannot be read ({error})"
        ) from None
    if manifest_raw is None:
        raise BackupError(
            f"{source}: the backup is incomplete (no manifest at its end): was it truncated?"
        )
    manifest = Manifest.from_json(manifest_raw, source)
    _compare(manifest, seen, source)
    return manifest


def _compare(manifest: Manifest, seen: dict[str, dict[str, Any]], source: Path) -> None:
    missing = sorted(set(manifest.files) - set(seen))
    extra = sorted(set(seen) - set(manifest.files))
    if missing or extra:
        named = ", ".join([*missing, *extra][:3])
        raise BackupError(f"{source}: the backup's members do not match its manifest ({named})")
    for name, expected in sorted(manifest.files.items()):
        if seen[name] != expected:
            raise BackupError(
                f"{source}: {name} is damaged (its size or checksum differs from the manifest)"
            )
    if manifest.database_file not in seen:
        raise BackupError(f"{source}: the backup holds no {manifest.database_file}")


def _checked_name(member: tarfile.TarInfo, source: Path) -> str:
    """The member's name if it is a regular file at a name a backup may hold."""
    name = member.name
    path = PurePosixPath(name)
    allowed = name in {MANIFEST_NAME, *DATABASE_FILES.values()} or (
        len(path.parts) > 1 and path.parts[0] == HOME_PREFIX
    )
    safe = not path.is_absolute() and ".." not in path.parts and str(path) == name
    if not (member.isreg() and allowed and safe):
        raise BackupError(f"{source}: unexpected member {name!r}: not a renown backup")
    return name


def _unpack(handle: IO[bytes], target: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    if not target.parent.exists():
        private_dir(target.parent)
    with private_output(target) as temporary, temporary.open("wb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            try:
                out.write(chunk)
            except OSError as error:  # the disk, not the backup: say so
                raise BackupError(f"{target.parent}: cannot unpack the backup ({error})") from None
    return {"size": size, "sha256": digest.hexdigest()}


def _member(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = PRIVATE_FILE_MODE
    return info


class _Hashing:
    """A read-only file that updates a digest with what is read (and stops at ``limit``)."""

    def __init__(self, inner: IO[bytes], digest: Any, limit: int | None = None) -> None:
        self._inner = inner
        self._digest = digest
        self._left = limit

    def read(self, size: int = -1) -> bytes:
        if self._left is not None:
            size = self._left if size < 0 else min(size, self._left)
        chunk = self._inner.read(size)
        if self._left is not None:
            self._left -= len(chunk)
        self._digest.update(chunk)
        return chunk


def remove_tree(path: Path) -> None:
    """Delete a staging folder and everything in it (nothing happens if it is gone)."""
    shutil.rmtree(path, ignore_errors=True)
