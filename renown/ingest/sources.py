"""Ingesting sources that already live on the server: too big to upload, or already there.

People never type a path. An operator places sources (a mailbox, a Maildir, a Slack
export, a Stack Exchange dump, a table of events, a SNAP edge list) in the organisation's
own folder, ``<sources_dir>/<org slug>``, and HR or an administrator picks one of the
entries listed there by its name. A name is accepted only if it is literally one of the
listed ones, and what it resolves to must stay inside that folder: a symlink pointing
elsewhere is neither listed nor read, so another organisation's folder, the database or the
secret key cannot be reached however the name is spelt.

This module lists and picks the entries; reading one is
:func:`renown.ingest.events.read_events`, with the entry's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from renown.core.errors import InputError, Invalid, NotFound
from renown.ingest.detect import SourceFormat, detect_format
from renown.settings import Settings

SourceKind = Literal["file", "folder"]
MAX_NAME_LENGTH: Final = 255


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


def sources_hint(settings: Settings, org_slug: str) -> str:
    """Where an operator puts the organisation's sources: relative to renown's home when it
    is under it, since people need the place, not the machine's layout."""
    folder = org_sources_dir(settings, org_slug)
    try:
        return folder.relative_to(settings.home).as_posix()
    except ValueError:
        return folder.as_posix()


def pick_source(settings: Settings, org_slug: str, name: str) -> Path:
    """Where the listed source ``name`` of the organisation really is.

    Raises
    ------
    Invalid
        ``name`` is not a plain entry name (a path, a parent reference, a hidden name).
    NotFound
        No such entry is listed for the organisation.
    """
    if not is_pickable_name(name):
        raise Invalid("a source is named by one of the entries listed, not by a path")
    if name not in {entry.name for entry in list_sources(settings, org_slug)}:
        raise NotFound(f"no source {name!r} in your organisation's sources folder")
    folder = org_sources_dir(settings, org_slug)
    target = _inside(folder.resolve(), folder / name)
    if target is None:  # replaced by a link leading out since it was listed
        raise NotFound(f"no source {name!r} in your organisation's sources folder")
    return target


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
