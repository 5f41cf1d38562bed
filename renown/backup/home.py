"""The files under the renown home that a backup carries: event lakes and scoring runs.

What is backed up: every event lake (``lake/`` of the command line, ``orgs/<org>/lake/`` of
the web app) and the scoring-run records (``runs/``). What is not: uploads (transient, and
deleted once read), the download cache (public data, fetched again), server-side sources
(the operator's own files) and the cookie-signing key (a secret that should not travel in
backups; a restored installation makes a new one, which signs everybody out).

A lake is read through its manifest (:meth:`EventLake.snapshot`): the manifest's bytes and
exactly the parts they list, so an append committing meanwhile is either wholly in the
backup or not at all. Run records are written atomically and never changed.

Restoring moves the backup's folders into place with renames on the home's own file
system; the folders they replace are moved aside first and put back if a rename fails.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from renown.backup.archive import HOME_PREFIX, ArchiveWriter
from renown.core.private import private_dir
from renown.ingest.lake import MANIFEST_NAME, EventLake

RUNS = "runs"


def data_folders(home: Path) -> list[Path]:
    """The folders a backup carries that exist under ``home`` (lakes, then runs)."""
    lakes = [home / "lake", *sorted((home / "orgs").glob("*/lake"))]
    found = [folder for folder in [*lakes, home / RUNS] if folder.is_dir()]
    return [folder for folder in found if not folder.is_symlink()]


def holding_data(home: Path) -> list[str]:
    """The folders under ``home`` a restore would replace that hold any file."""
    return [
        folder.relative_to(home).as_posix()
        for folder in data_folders(home)
        if any(path.is_file() for path in folder.rglob("*"))
    ]


def add_home(writer: ArchiveWriter, home: Path) -> int:
    """Add the lakes and runs under ``home`` to the archive; return how many files."""
    added = 0
    for folder in data_folders(home):
        if folder == home / RUNS:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.is_symlink() and not _temporary(path):
                    writer.add_file(_member(path, home), path)
                    added += 1
            continue
        raw, parts = EventLake(folder).snapshot()
        if raw is None:
            continue
        for part in parts:
            writer.add_file(_member(folder / part.file, home), folder / part.file)
        # the manifest as it was read, not as it may be by now (an append may have
        # committed since): it lists exactly the parts added above
        writer.add_bytes(_member(folder / MANIFEST_NAME, home), raw)
        added += len(parts) + 1
    return added


def _temporary(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _member(path: Path, home: Path) -> str:
    return str(PurePosixPath(HOME_PREFIX, path.relative_to(home).as_posix()))


def place(staged_home: Path, home: Path, aside: Path) -> list[str]:
    """Replace the lakes and runs under ``home`` with those under ``staged_home``.

    Folders of ``home`` the backup does not hold are removed too: the result is the backed-up
    installation. The replaced folders end up under ``aside`` (the caller deletes it).
    Returns the folders placed, relative to the home.
    """
    incoming = data_folders(staged_home) if staged_home.is_dir() else []
    moves: list[tuple[Path, Path]] = []
    try:
        for folder in data_folders(home):
            parked = aside / folder.relative_to(home)
            private_dir(parked.parent)
            os.rename(folder, parked)
            moves.append((folder, parked))
        for folder in incoming:
            final = home / folder.relative_to(staged_home)
            private_dir(final.parent)
            os.rename(folder, final)
            moves.append((folder, final))
    except OSError:
        for origin, moved in reversed(moves):
            os.rename(moved, origin)
        raise
    return [folder.relative_to(staged_home).as_posix() for folder in incoming]
