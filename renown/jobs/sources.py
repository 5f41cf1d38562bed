"""Ingesting sources that already live on the server: too big to upload, or already there.

People never type a path. An operator places sources (a mailbox, a Maildir, a Slack
export, a Stack Exchange dump, a table of events, a SNAP edge list) in the organisation's
own folder, ``<sources_dir>/<org slug>``, and HR or an administrator picks one of the
entries listed there by its name. A name is accepted only if it is literally one of the
listed ones, and what it resolves to must stay inside that folder: a symlink pointing
elsewhere is neither listed nor read, so another organisation's folder, the database or the
secret key cannot be reached however the name is spelt.

Like an upload, a source is read completely before its job is queued, so a broken source
is refused at once, located by file, line and field, and nothing is queued or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid, NotFound
from renown.ingest.detect import SourceFormat, detect_format, read_source
from renown.jobs.actions import PEOPLE_ADMINS_ONLY
from renown.jobs.enqueue import enqueue_ingest
from renown.jobs.files import read_event_file
from renown.jobs.queue import JobQueue
from renown.settings import Settings
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation

SourceKind = Literal["file", "folder"]
MAX_NAME_LENGTH: Final = 255
LABELLED_FORMATS: Final = frozenset({"csv", "tsv", "jsonl", "parquet", "snap"})
"""Formats whose event keys hash a source label: the entry's name, so that reading the same
source again (even after an operator re-copies it) adds nothing."""
READABLE: Final = (
    "an mbox file, a Maildir folder, a Slack export (folder or .zip), a Stack Exchange "
    "dump folder, a CSV/TSV/JSON Lines/Parquet file or a SNAP edge list"
)


@dataclass(frozen=True)
class SourceEntry:
    """One source an operator placed in the organisation's folder."""

    name: str
    kind: SourceKind
    size_bytes: int | None
    """Bytes of a file; None for a folder (a page load must not walk a huge Maildir)."""
    modified: datetime
    format: SourceFormat | None
    """What renown would read it as, judged by name and layout; None: cannot tell."""


def org_sources_dir(settings: Settings, org_slug: str) -> Path:
    """The organisation's own sources folder (it need not exist)."""
    return settings.sources_dir / org_slug


def is_pickable_name(name: str) -> bool:
    """Whether ``name`` can only mean an entry of the folder itself (and is not hidden)."""
    return (
        0 < len(name) <= MAX_NAME_LENGTH
        and not name.startswith(".")
        and ".." not in name
        and not any(c in name for c in "/\\")
        and all(ord(c) >= 0x20 for c in name)
    )


def list_sources(settings: Settings, org_slug: str) -> list[SourceEntry]:
    """The entries at the top level of the organisation's folder, by name, with a format guess.

    Entries of unknown format are listed (the operator sees what renown cannot read);
    hidden entries, names that could mean anything but the entry itself, and entries that
    resolve outside the folder (symlinks pointing elsewhere) are left out.
    """
    folder = org_sources_dir(settings, org_slug)
    if not folder.is_dir():
        return []
    root = folder.resolve()
    entries = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        target = _inside(root, child) if is_pickable_name(child.name) else None
        if target is None:
            continue
        entry = _entry(child.name, target)
        if entry is not None:
            entries.append(entry)
    return entries


def sources_of(session: Session, principal: Principal, settings: Settings) -> list[SourceEntry]:
    """The sources of the principal's organisation (HR and administrators only)."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    return list_sources(settings, org_slug_of(session, principal))


def org_slug_of(session: Session, principal: Principal) -> str:
    """The slug of the principal's organisation, which names its sources folder."""
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == principal.org_id))
    if slug is None:
        raise NotFound("your organisation no longer exists")
    return str(slug)


def sources_hint(settings: Settings, org_slug: str) -> str:
    """Where an operator puts the organisation's sources: relative to renown's home when it
    is under it, since people need the place, not the machine's layout."""
    folder = org_sources_dir(settings, org_slug)
    try:
        return folder.relative_to(settings.home).as_posix()
    except ValueError:
        return folder.as_posix()


def check_ingest_source(session: Session, principal: Principal, queue: JobQueue, name: str) -> Job:
    """Check the listed source ``name`` completely and queue adding it to the lake.

    Raises
    ------
    NotAllowed
        The principal is not HR or an administrator.
    Invalid
        ``name`` is not a plain entry name (a path, a parent reference, a hidden name).
    NotFound
        No such entry is listed for the principal's organisation.
    InputError
        The source cannot be read or holds no events (nothing is queued).
    """
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    if not is_pickable_name(name):
        raise Invalid("a source is named by one of the entries listed, not by a path")
    slug = org_slug_of(session, principal)
    if name not in {entry.name for entry in list_sources(queue.settings, slug)}:
        raise NotFound(f"no source {name!r} in your organisation's sources folder")
    folder = org_sources_dir(queue.settings, slug)
    target = _inside(folder.resolve(), folder / name)
    if target is None:  # replaced by a link leading out since it was listed
        raise NotFound(f"no source {name!r} in your organisation's sources folder")
    events = read_server_source(target, name)
    if events.height == 0:
        raise InputError(name, "the source holds no events")
    return enqueue_ingest(session, principal, queue, target, name=name)


def read_server_source(path: Path, name: str) -> pl.DataFrame:
    """Canonical events of the source at ``path``, known to people as ``name``.

    The format is detected; errors name ``name`` (and the file inside a folder), with line
    and field, never where the server keeps it.
    """
    if path.is_file() and path.suffix.lower() == ".zip":
        return read_event_file(path, name)  # a zipped Slack export, unpacked safely
    try:
        chosen = detect_format(path)
    except InputError:
        if not path.exists():
            raise InputError(name, "the source is no longer on the server") from None
        raise InputError(name, f"not a source renown can read; expected {READABLE}") from None
    try:
        if chosen in LABELLED_FORMATS:
            return read_source(path, format=chosen, source=name)
        return read_source(path, format=chosen)
    except InputError as error:
        raise _relabel(error, path, name) from None


def _inside(root: Path, path: Path) -> Path | None:
    """Where ``path`` really is, if that is strictly inside ``root`` (else None)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a dangling link, or a link loop
        return None
    return target if target != root and target.is_relative_to(root) else None


def _entry(name: str, target: Path) -> SourceEntry | None:
    try:
        stat = target.stat()
    except OSError:
        return None
    if target.is_dir():
        kind: SourceKind = "folder"
    elif target.is_file():
        kind = "file"
    else:  # sockets, devices, pipes: nothing to read
        return None
    return SourceEntry(
        name=name,
        kind=kind,
        size_bytes=stat.st_size if kind == "file" else None,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        format=_guess_format(target),
    )


def _guess_format(target: Path) -> SourceFormat | None:
    if target.is_file() and target.suffix.lower() == ".zip":
        return "slack"
    try:
        return detect_format(target)
    except InputError:
        return None


def _relabel(error: InputError, stored: Path, name: str) -> InputError:
    """The same error, naming the source as listed instead of where the server keeps it."""
    base = str(stored)
    rest = error.source[len(base) :] if error.source.startswith(base) else ""
    source = f"{name}/{rest[1:]}" if rest.startswith("/") else f"{name}{rest}"
    message = error.message.replace(base, name)
    return InputError(source, message, line=error.line, field=error.field)
