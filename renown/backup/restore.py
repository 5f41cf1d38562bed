"""``renown restore IN``: put a backup back, refusing anything that could lose data.

Everything that can be checked is checked before the installation is touched: the archive
is unpacked into a private staging folder under the home and every member compared with
the manifest (a damaged or truncated file is refused), the database copy is checked
(``PRAGMA integrity_check``; ``pg_restore --list``), its migration revision must be one
this version of renown knows (a backup made by a newer renown is refused), and the target
must be empty: no table with a row, no lake or run file (``force`` replaces them).

Then the database is restored in one transaction, the lakes and runs are moved into place,
the schema is upgraded when the backup is older than this version, and the audit log's
hash chain is verified: the summary lists any break, so a tampered backup is reported.

Stop the web app and the workers before restoring: they would keep writing to, and reading
from, the installation being replaced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from renown.audit import AuditBreak, verify
from renown.backup import archive, home, postgres, sqlite
from renown.backup.archive import BackupError, Manifest
from renown.core.private import private_dir
from renown.settings import Settings
from renown.store.engine import make_engine, normalise_url
from renown.store.migrate import current_revision, head_revision, known_revisions, upgrade

_SHOWN_TABLES = 5


@dataclass(frozen=True)
class RestoreSummary:
    """What ``renown restore`` did."""

    backed_up_revision: str
    revision: str
    """Schema revision after the restore (upgraded to this version's when older)."""
    folders: list[str]
    """Lakes and run folders restored, relative to the home."""
    audit_entries: int
    audit_breaks: list[AuditBreak]
    """Breaks of the audit log's hash chain (empty: intact)."""

    @property
    def upgraded(self) -> bool:
        """Whether the schema was upgraded after the restore."""
        return self.revision != self.backed_up_revision


def restore_backup(settings: Settings, source: Path, *, force: bool = False) -> RestoreSummary:
    """Restore the backup at ``source`` into the configured database and home."""
    staging = private_dir(settings.private_home() / f".restore-{uuid.uuid4().hex}")
    engine = make_engine(settings.database)
    try:
        manifest = archive.read(source, staging / "unpacked")
        _check_backend(manifest, engine, source)
        _check_revision(manifest, source)
        database = staging / "unpacked" / manifest.database_file
        if manifest.backend == "sqlite":
            if sqlite.check(database, source) != manifest.revision:
                raise BackupError(f"{source}: the database's revision differs from the manifest")
        else:
            postgres.check(database)
            _check_schema(manifest, engine, source)
        if not force:
            _check_empty(engine, settings.home)
        _restore_database(manifest, engine, database, staging)
        folders = home.place(staging / "unpacked" / archive.HOME_PREFIX, settings.home, staging)
        if current_revision(engine) != head_revision():
            upgrade(engine)
        revision = current_revision(engine)
        with Session(engine) as session:
            breaks = verify(session)
            entries = session.scalar(sa.text("SELECT count(*) FROM audit_log"))
    finally:
        engine.dispose()
        archive.remove_tree(staging)
    return RestoreSummary(
        backed_up_revision=manifest.revision,
        revision=str(revision),
        folders=folders,
        audit_entries=int(entries or 0),
        audit_breaks=breaks,
    )


def _check_backend(manifest: Manifest, engine: Engine, source: Path) -> None:
    if engine.dialect.name != manifest.backend:
        raise BackupError(
            f"{source}: a {manifest.backend} backup cannot be restored into the configured "
            f"{engine.dialect.name} database; restore it into a {manifest.backend} database"
        )


def _check_revision(manifest: Manifest, source: Path) -> None:
    if manifest.revision not in known_revisions():
        raise BackupError(
            f"{source}: the backup's schema revision {manifest.revision!r} is unknown to this "
            f"version of renown (it knows up to {head_revision()}): restore it with the "
            f"version that made it ({manifest.renown_version}) or a newer one"
        )


def _check_schema(manifest: Manifest, engine: Engine, source: Path) -> None:
    schema = postgres.current_schema(engine)
    if manifest.schema != schema:
        raise BackupError(
            f"{source}: the backup holds the PostgreSQL schema {manifest.schema!r} and the "
            f"configured database uses {schema!r}; restore into a database whose search path "
            f"starts with {manifest.schema!r}"
        )


def _check_empty(engine: Engine, home_folder: Path) -> None:
    """Refuse to replace data: any table with a row, any lake or run file."""
    inspector = sa.inspect(engine)
    tables = [name for name in inspector.get_table_names() if name != "alembic_version"]
    filled: list[str] = []
    with engine.connect() as connection:
        for name in sorted(tables):
            table = sa.table(name)
            if connection.scalar(sa.select(sa.literal(1)).select_from(table).limit(1)):
                filled.append(name)
    folders = home.holding_data(home_folder)
    if filled or folders:
        shown = ", ".join(filled[:_SHOWN_TABLES]) + (" ..." if len(filled) > _SHOWN_TABLES else "")
        held = [f"tables with rows ({shown})"] if filled else []
        held += [f"files in {folder}/" for folder in folders]
        raise BackupError(
            f"{_shown(engine)} is not empty: {'; '.join(held)}. Restore into an empty "
            "installation, or pass --force to replace all of it with the backup"
        )


def _restore_database(manifest: Manifest, engine: Engine, database: Path, staging: Path) -> None:
    if manifest.backend == "sqlite":
        engine.dispose()  # no pooled connection of ours stands in the restore's way
        target = normalise_url(engine.url).database
        if not target or target == ":memory:":
            raise BackupError("a backup cannot be restored into an in-memory SQLite database")
        sqlite.restore(database, Path(target))
        return
    assert manifest.schema is not None, "PostgreSQL backups name their schema"
    postgres.restore(engine, manifest.schema, database, staging)


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
