"""``renown backup OUT``: the database and the home's lakes and runs, in one archive.

The database is copied first, then the files: the lakes only grow, so files copied after
the database hold at least every event the database knows about (a scoring run stored in
the database finds its input). The archive is written under a temporary name beside ``OUT``
and renamed once complete; it is 0600 like everything else renown keeps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from renown._version import __version__
from renown.backup import archive, home, postgres, sqlite
from renown.backup.archive import BackupError, Manifest
from renown.core.private import private_dir
from renown.settings import Settings
from renown.store.engine import make_engine, normalise_url
from renown.store.migrate import current_revision


@dataclass(frozen=True)
class BackupSummary:
    """What ``renown backup`` wrote."""

    path: Path
    backend: str
    revision: str
    home_files: int
    size: int


def create_backup(settings: Settings, out: Path) -> BackupSummary:
    """Back up the configured database and the lakes and runs under the home to ``out``."""
    if out.exists():
        raise BackupError(f"{out}: already exists; choose a new name (a backup never overwrites)")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent}: no such folder")
    staging = private_dir(out.parent / f".{out.name}.{uuid.uuid4().hex}.staging")
    try:
        manifest, database = _database(settings, staging)
        with archive.writing(out) as writer:
            writer.add_file(manifest.database_file, database)
            database.unlink()  # staged copies are not kept twice while the lakes are added
            files = home.add_home(writer, settings.home)
            writer.finish(manifest)
    finally:
        archive.remove_tree(staging)
    return BackupSummary(
        path=out,
        backend=manifest.backend,
        revision=manifest.revision,
        home_files=files,
        size=out.stat().st_size,
    )


def _database(settings: Settings, staging: Path) -> tuple[Manifest, Path]:
    """A consistent copy of the database in ``staging``, and the manifest describing it."""
    url = normalise_url(settings.database)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        copy = staging / archive.DATABASE_FILES["sqlite"]
        revision = sqlite.snapshot(Path(url.database), copy)
        return _manifest("sqlite", revision, None), copy
    if backend != "postgresql":
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    engine = make_engine(url)
    try:
        schema = postgres.current_schema(engine)
        before = current_revision(engine)
        if before is None:
            raise BackupError("the database holds no renown schema (no migration revision)")
        copy = staging / archive.DATABASE_FILES["postgresql"]
        postgres.dump(engine, schema, copy)
        if current_revision(engine) != before:
            raise BackupError("the schema was migrated while the backup ran; run it again")
        postgres.check(copy)
    finally:
        engine.dispose()
    return _manifest("postgresql", before, schema), copy


def _manifest(backend: str, revision: str, schema: str | None) -> Manifest:
    return Manifest(
        backend=backend,
        revision=revision,
        schema=schema,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        renown_version=__version__,
    )
