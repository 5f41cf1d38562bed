"""Backups that cannot be trusted are refused with a clear message before anything changes;
older backups are upgraded; the command line reports refusals and a broken audit chain."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.backup import BackupError, create_backup, restore_backup
from renown.backup import postgres as pg_tools
from renown.backup.archive import MANIFEST_NAME
from renown.cli.app import app
from renown.settings import Settings
from renown.store import make_engine
from renown.store.migrate import head_revision, known_revisions, upgrade
from tests.backup.conftest import (
    Installation,
    fresh_installation,
    home_data,
    kind_of,
    table_rows,
)
from tests.conftest import scratch_database


@pytest.fixture(scope="module")
def backup_file(source: Installation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "renown.tar"
    create_backup(source.settings, path)
    return path


@pytest.fixture
def filled(source: Installation, backup_file: Path, tmp_path: Path) -> Iterator[Installation]:
    """An installation holding the backup's data (the target a bad restore must not harm)."""
    with fresh_installation(source, tmp_path / "filled") as target:
        restore_backup(target.settings, backup_file)
        yield target


def _member_offset(path: Path, name: str) -> tuple[int, int]:
    with tarfile.open(path) as tar:
        member = tar.getmember(name)
        return member.offset_data, member.size


def _damaged(backup_file: Path, folder: Path, how: str) -> Path:
    data = bytearray(backup_file.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "flipped":
        with tarfile.open(backup_file) as tar:
            database = next(m.name for m in tar if m.name.startswith("database."))
        offset, size = _member_offset(backup_file, database)
        data[offset + size // 2] ^= 0xFF
    elif how == "not-a-tar":
        data = bytearray(b"PK\x03\x04 this is a zip file, not a backup" * 100)
    elif how == "no-manifest":
        offset, _size = _member_offset(backup_file, MANIFEST_NAME)
        data = data[: offset - 512]  # cut before the manifest's header
        data += bytes(1024)  # a well-formed end of archive
    path = folder / f"{how}.tar"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("truncated", "damaged or truncated|incomplete"),
        ("flipped", r"database\.\w+ is damaged \(its size or checksum differs"),
        ("not-a-tar", "damaged or truncated"),
        ("no-manifest", r"incomplete \(no manifest"),
    ],
)
def test_a_damaged_backup_is_refused_and_the_target_is_untouched(
    filled: Installation, backup_file: Path, tmp_path: Path, how: str, message: str
) -> None:
    rows, files = table_rows(filled.url), home_data(filled.settings.home)
    damaged = _damaged(backup_file, tmp_path, how)
    with pytest.raises(BackupError, match=message) as refused:
        restore_backup(filled.settings, damaged, force=True)
    assert str(refused.value).startswith(str(damaged))
    assert table_rows(filled.url) == rows
    assert home_data(filled.settings.home) == files
    assert not list(filled.settings.home.glob(".restore-*")), "staging is cleaned up"


def _rewritten(backup_file: Path, out: Path, **changes: object) -> Path:
    """The same backup with its manifest changed (checksums still match the members)."""
    with tarfile.open(backup_file) as tar, tarfile.open(out, "w") as copy:
        for member in tar:
            handle = tar.extractfile(member)
            assert handle is not None
            data = handle.read()
            if member.name == MANIFEST_NAME:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return out


def test_a_backup_of_a_newer_schema_is_refused(
    source: Installation, backup_file: Path, tmp_path: Path
) -> None:
    newer = _rewritten(backup_file, tmp_path / "newer.tar", revision="9999")
    with fresh_installation(source, tmp_path / "target") as target:
        with pytest.raises(BackupError, match="revision '9999' is unknown to this version"):
            restore_backup(target.settings, newer)
        assert table_rows(target.url) == {}


def test_an_older_backup_is_upgraded_after_the_restore(database_url: str, tmp_path: Path) -> None:
    older = known_revisions()[-2]
    with scratch_database(kind_of(database_url), tmp_path / "old") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, older)
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO organisations (slug, name, created_at) "
                        "VALUES ('acme', 'Acme', '2024-01-02 03:04:05+00')"
                    )
                )
        finally:
            engine.dispose()
        settings = Settings(home=tmp_path / "old" / "home", database_url=url, secret_key="t")
        create_backup(settings, tmp_path / "old.tar")
    with fresh_installation(url, tmp_path / "target") as target:
        summary = restore_backup(target.settings, tmp_path / "old.tar")
        assert (summary.backed_up_revision, summary.revision) == (older, head_revision())
        assert summary.upgraded and summary.audit_breaks == []
        assert [row[1:3] for row in table_rows(target.url)["organisations"]] == [("acme", "Acme")]


def test_missing_or_failing_postgresql_tools_are_named(
    source: Installation, backup_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if source.kind != "postgresql":
        pytest.skip("the PostgreSQL client tools")
    engine = make_engine(source.url)
    try:
        with pytest.raises(
            BackupError, match=r"pg_dump failed \(exit code 1\): .*no matching schemas"
        ):
            pg_tools.dump(engine, "no_such_schema", tmp_path / "dump")
    finally:
        engine.dispose()
    with fresh_installation(source, tmp_path / "target") as target:
        empty_path = tmp_path / "no-tools"
        empty_path.mkdir()
        monkeypatch.setenv("PATH", str(empty_path))
        with pytest.raises(BackupError, match="pg_dump was not found: install the PostgreSQL"):
            create_backup(source.settings, tmp_path / "never.tar")
        assert not (tmp_path / "never.tar").exists()
        with pytest.raises(BackupError, match="pg_restore was not found"):
            restore_backup(target.settings, backup_file)
        assert table_rows(target.url) == {}


def test_a_restore_failing_in_postgresql_changes_nothing(
    filled: Installation, backup_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if filled.kind != "postgresql":
        pytest.skip("psql's single transaction")
    rows = table_rows(filled.url)
    real_run = pg_tools._run

    def failing_at_the_end(tool: str, arguments: list[str], *, env: dict[str, str]) -> str:
        if tool == "psql":  # the drops and the whole restore ran; then one statement fails
            script = Path(next(a for a in arguments if a.endswith("restore.sql"))[7:])
            script.write_text(script.read_text() + "\nSELECT 1 / 0;\n")
        return real_run(tool, arguments, env=env)

    monkeypatch.setattr(pg_tools, "_run", failing_at_the_end)
    with pytest.raises(BackupError, match=r"psql failed .*division by zero.*nothing was changed"):
        restore_backup(filled.settings, backup_file, force=True)
    assert table_rows(filled.url) == rows


runner = CliRunner()


def test_the_commands_report_refusals_and_a_broken_audit_chain(
    database_url: str, tmp_path: Path
) -> None:
    with scratch_database(kind_of(database_url), tmp_path / "small") as url:
        env = {"RENOWN_DATABASE_URL": url, "RENOWN_HOME": str(tmp_path / "small" / "home")}
        for command in (
            ["db", "upgrade"],
            ["org", "create", "a", "A"],
            ["org", "create", "b", "B"],
        ):
            assert runner.invoke(app, command, env=env).exit_code == 0
        good, bad = tmp_path / "good.tar", tmp_path / "tampered.tar"
        result = runner.invoke(app, ["backup", str(good)], env=env)
        assert result.exit_code == 0 and "revision" in result.output, result.output
        result = runner.invoke(app, ["backup", str(good)], env=env)
        assert result.exit_code == 2 and "already exists" in result.output
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE audit_log SET actor = 'someone' WHERE seq = 1"))
        finally:
            engine.dispose()
        assert runner.invoke(app, ["backup", str(bad)], env=env).exit_code == 0

    with fresh_installation(url, tmp_path / "target") as target:
        env = {"RENOWN_DATABASE_URL": target.url, "RENOWN_HOME": str(target.settings.home)}
        result = runner.invoke(app, ["restore", str(good)], env=env)
        assert result.exit_code == 0 and "audit log intact: 2 entries" in result.output
        result = runner.invoke(app, ["restore", str(bad)], env=env)
        assert result.exit_code == 2 and "not empty" in result.output
        result = runner.invoke(app, ["restore", "--force", str(bad)], env=env)
        assert result.exit_code == 1, result.output
        assert "audit entry 1: content was changed" in result.output
        assert "NOT intact" in result.output
