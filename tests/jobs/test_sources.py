"""Sources on the server: listed per organisation, named never by path, read in full first."""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.demo.org import SyntheticOrg
from renown.ingest.lake import EventLake
from renown.ingest.sources import is_pickable_name, list_sources, org_sources_dir, sources_hint
from renown.scoring.actions import check_ingest_source
from renown.scoring.queries import sources_of
from renown.settings import Settings
from renown.store.engine import transaction
from renown.worker import execute_job
from tests.ingest.test_mail import FIRST, REPLY
from tests.ingest.test_slack import make_export
from tests.jobs.conftest import Installation
from tests.jobs.helpers import BROKEN_CSV, events_csv, files_under, job, job_count


def _folder(installation: Installation, slug: str = "acme") -> Path:
    folder = org_sources_dir(installation.settings, slug)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _mbox(folder: Path, name: str = "inbox.mbox") -> Path:
    box = folder / name
    box.write_text(FIRST + "\n" + REPLY, encoding="utf-8")
    return box


def _ingest(installation: Installation, name: str) -> int:
    with transaction(installation.sessions) as session:
        created = check_ingest_source(session, installation.hr, installation.queue, name)
    return created.id


def _lake_rows(installation: Installation) -> int:
    return EventLake(installation.lake_dir).stats().rows if installation.lake_dir.exists() else 0


def test_sources_live_under_home_unless_configured(tmp_path: Path) -> None:
    default = Settings(home=tmp_path / "home")
    assert default.sources_dir == tmp_path / "home" / "sources"
    assert sources_hint(default, "acme") == "sources/acme"
    moved = Settings(home=tmp_path / "home", sources_path=tmp_path / "elsewhere")
    assert org_sources_dir(moved, "acme") == tmp_path / "elsewhere" / "acme"
    assert sources_hint(moved, "acme") == (tmp_path / "elsewhere" / "acme").as_posix()


def test_listing_shows_top_level_entries_with_kind_size_and_format(
    installation: Installation, tmp_path: Path
) -> None:
    assert list_sources(installation.settings, "acme") == [], "no folder yet: nothing listed"
    folder = _folder(installation)
    box = _mbox(folder)
    make_export(folder / "slack-2024")
    (folder / "notes.xyz").write_text("not events")
    (folder / ".hidden.csv").write_bytes(BROKEN_CSV)
    (folder / "a..b.csv").write_bytes(BROKEN_CSV)
    outside = tmp_path / "secret.csv"
    outside.write_bytes(BROKEN_CSV)
    (folder / "link-out.csv").symlink_to(outside)
    (folder / "dangling.csv").symlink_to(tmp_path / "missing.csv")
    (folder / "link-in.mbox").symlink_to(box)

    listed = {entry.name: entry for entry in list_sources(installation.settings, "acme")}
    assert sorted(listed) == ["inbox.mbox", "link-in.mbox", "notes.xyz", "slack-2024"]
    assert (listed["inbox.mbox"].kind, listed["inbox.mbox"].format) == ("file", "mbox")
    assert listed["inbox.mbox"].size_bytes == box.stat().st_size
    assert listed["inbox.mbox"].modified.tzinfo is not None
    assert (listed["slack-2024"].kind, listed["slack-2024"].format) == ("folder", "slack")
    assert listed["slack-2024"].size_bytes is None
    assert listed["notes.xyz"].format is None
    assert list_sources(installation.settings, "other") == []


def test_an_mbox_source_is_ingested_and_again_adds_nothing(installation: Installation) -> None:
    _mbox(_folder(installation))
    first = job(installation.sessions, _ingest(installation, "inbox.mbox"))
    assert first.status == "done", first.error
    assert first.params["file"] == "inbox.mbox"
    assert first.result["added"] == first.result["events"] > 0
    rows = _lake_rows(installation)
    assert rows == first.result["added"]

    again = job(installation.sessions, _ingest(installation, "inbox.mbox"))
    assert again.status == "done", again.error
    assert (again.result["added"], again.result["duplicates"]) == (0, first.result["events"])
    assert _lake_rows(installation) == rows


def test_a_slack_export_folder_is_ingested_and_again_adds_nothing(
    installation: Installation,
) -> None:
    make_export(_folder(installation) / "slack-2024")
    first = job(installation.sessions, _ingest(installation, "slack-2024"))
    assert first.status == "done", first.error
    assert first.result["added"] == 6  # replies, mentions, reactions and the DM
    again = job(installation.sessions, _ingest(installation, "slack-2024"))
    assert (again.result["added"], again.result["duplicates"]) == (0, 6)
    assert _lake_rows(installation) == 6


def test_a_zipped_slack_export_and_a_csv_are_sources_too(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    export = make_export(tmp_path / "export")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in export.rglob("*.json"):
            archive.write(file, f"export/{file.relative_to(export).as_posix()}")
    folder = _folder(installation)
    (folder / "slack.zip").write_bytes(buffer.getvalue())
    (folder / "week.csv").write_bytes(events_csv(synthetic.events.head(40)))
    assert job(installation.sessions, _ingest(installation, "slack.zip")).result["added"] == 6
    table = job(installation.sessions, _ingest(installation, "week.csv"))
    assert (table.status, table.result["added"]) == ("done", 40)


@pytest.mark.parametrize(
    "name",
    ["../x", "../acme/inbox.mbox", "/etc/passwd", "sub/inbox.mbox", "a\\b", ".hidden.csv",
     "..", ".", "inbox.mbox\x00.csv", "", "x" * 256],
)  # fmt: skip
def test_names_that_are_paths_are_refused_and_nothing_is_queued(
    installation: Installation, name: str
) -> None:
    _mbox(_folder(installation))
    with pytest.raises(Invalid):
        _ingest(installation, name)
    assert job_count(installation.sessions) == 0


def test_an_absolute_path_to_a_listed_source_is_refused(installation: Installation) -> None:
    box = _mbox(_folder(installation))
    assert not is_pickable_name(str(box))
    with pytest.raises(Invalid):
        _ingest(installation, str(box))
    assert job_count(installation.sessions) == 0


def test_links_out_of_the_folder_and_unlisted_names_are_not_found(
    installation: Installation, tmp_path: Path
) -> None:
    folder = _folder(installation)
    outside = tmp_path / "outside"
    make_export(outside / "slack")
    (folder / "escape").symlink_to(outside / "slack")
    other = _folder(installation, "other")
    _mbox(other, "theirs.mbox")
    (folder / "theirs.mbox").symlink_to(other / "theirs.mbox")
    os.mkfifo(folder / "pipe.csv")
    for name in ("escape", "theirs.mbox", "pipe.csv", "missing.mbox"):
        with pytest.raises(NotFound):
            _ingest(installation, name)
    assert job_count(installation.sessions) == 0
    assert _lake_rows(installation) == 0


def test_a_broken_csv_source_is_refused_with_line_and_field_and_nothing_is_queued(
    installation: Installation,
) -> None:
    folder = _folder(installation)
    (folder / "broken.csv").write_bytes(BROKEN_CSV)
    with pytest.raises(InputError) as caught:
        _ingest(installation, "broken.csv")
    assert (caught.value.source, caught.value.line, caught.value.field) == (
        "broken.csv",
        3,
        "timestamp",
    )
    assert str(folder) not in str(caught.value), "the server's layout is not shown"
    assert job_count(installation.sessions) == 0
    assert _lake_rows(installation) == 0
    assert files_under(installation.settings.uploads_dir) == []


def test_a_broken_file_inside_a_folder_source_is_named(installation: Installation) -> None:
    export = make_export(_folder(installation) / "slack-2024")
    (export / "general" / "2024-03-03.json").write_text(json.dumps({"not": "a list"}))
    with pytest.raises(InputError) as caught:
        _ingest(installation, "slack-2024")
    assert caught.value.source == "slack-2024/general/2024-03-03.json"
    assert job_count(installation.sessions) == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda f: (f / "odd").mkdir(), "not a source renown can read"),
        (lambda f: (f / "odd").write_text("x"), "not a source renown can read"),
        (lambda f: (f / "odd.csv").write_text("actor,target,timestamp\n"), "holds no events"),
    ],
)
def test_sources_that_are_not_events_are_refused(
    installation: Installation, make: object, message: str
) -> None:
    folder = _folder(installation)
    assert callable(make)
    make(folder)
    (name,) = [entry.name for entry in list_sources(installation.settings, "acme")]
    with pytest.raises(InputError, match=message):
        _ingest(installation, name)
    assert job_count(installation.sessions) == 0


def test_only_hr_and_admins_list_or_ingest_sources(installation: Installation) -> None:
    _mbox(_folder(installation))
    with transaction(installation.sessions) as session:
        with pytest.raises(NotAllowed):
            sources_of(session, installation.employee, installation.settings)
        with pytest.raises(NotAllowed):
            check_ingest_source(session, installation.employee, installation.queue, "inbox.mbox")
    assert job_count(installation.sessions) == 0


def test_another_organisation_neither_sees_nor_ingests_these_sources(
    installation: Installation,
) -> None:
    _mbox(_folder(installation))
    with transaction(installation.sessions) as session:
        assert [s.name for s in sources_of(session, installation.hr, installation.settings)] == [
            "inbox.mbox"
        ]
        assert sources_of(session, installation.other_hr, installation.settings) == []
        with pytest.raises(NotFound):
            check_ingest_source(session, installation.other_hr, installation.queue, "inbox.mbox")
    assert job_count(installation.sessions) == 0


def test_a_source_removed_before_its_job_runs_fails_the_job(installation: Installation) -> None:
    box = _mbox(_folder(installation))
    submitted: list[int] = []
    waiting = replace(installation.queue, run_task=submitted.append)  # no worker yet
    with transaction(installation.sessions) as session:
        job_id = check_ingest_source(session, installation.hr, waiting, "inbox.mbox").id
    assert submitted == [job_id]
    box.unlink()
    execute_job(installation.settings, installation.sessions, job_id)
    failed = job(installation.sessions, job_id)
    assert failed.status == "failed"
    assert failed.error == "inbox.mbox: the source is no longer on the server"
