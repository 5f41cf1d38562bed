"""The database, the cookie key and the home folder are readable by renown's account only,
whatever the umask; an installation made by an older version is tightened."""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.jobs.storage import peewee_database
from renown.settings import Settings
from renown.store import make_engine, upgrade
from tests.helpers import mode_of, modes_under


@pytest.mark.usefixtures("any_umask")
def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "made" / "by" / "renown" / "renown.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
        with engine.connect() as connection:  # a connection keeps the -wal and -shm files
            connection.exec_driver_sql("SELECT 1")
            names = {path.name for path in database.parent.iterdir()}
            assert {"renown.db", "renown.db-wal", "renown.db-shm"} <= names
            assert modes_under(tmp_path / "made") == {
                ".": 0o700,
                "by": 0o700,
                "by/renown": 0o700,
                "by/renown/renown.db": 0o600,
                "by/renown/renown.db-wal": 0o600,
                "by/renown/renown.db-shm": 0o600,
            }
    finally:
        engine.dispose()


@pytest.mark.usefixtures("any_umask")
def test_the_job_queue_opening_the_database_first_makes_it_private(tmp_path: Path) -> None:
    database = tmp_path / "home" / "renown.db"
    peewee_database(f"sqlite:///{database}").connect()
    assert (mode_of(database.parent), mode_of(database)) == (0o700, 0o600)


def test_a_database_left_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "operator-folder"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    database = folder / "renown.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    names = ("renown.db", "renown.db-wal", "renown.db-shm", "renown.db-journal")
    for name in names:
        (folder / name).touch()
        (folder / name).chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert modes_under(folder) == {".": 0o755, **dict.fromkeys(names, 0o600)}


@pytest.mark.usefixtures("any_umask")
def test_the_cookie_key_and_its_home_are_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", database_url="sqlite://")
    key = settings.session_secret()
    assert len(key) > 40 and settings.session_secret() == key
    assert modes_under(settings.home) == {".": 0o700, "secret.key": 0o600}


def test_the_data_folders_of_an_older_installation_are_tightened(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", database_url="sqlite://")
    folders = ["uploads/acme", "lake", "runs/r1", "cache/enron", "orgs/acme/lake/month=2024-01"]
    for folder in folders:
        (settings.home / folder).mkdir(parents=True)
    for path in [settings.home, *settings.home.rglob("*")]:
        path.chmod(0o755)
    settings.private_home()
    tightened = {name for name, mode in modes_under(settings.home).items() if mode == 0o700}
    assert tightened == {
        ".",
        "uploads",
        "uploads/acme",
        "lake",
        "runs",
        "cache",
        "orgs",
        "orgs/acme",
        "orgs/acme/lake",
    }
