"""Uploading events: checked in full before anything is kept; re-uploads add nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from renown.core.errors import InputError, NotAllowed, NotFound
from renown.demo.org import SyntheticOrg
from renown.ingest.lake import EventLake
from renown.scoring import actions, queries
from renown.store.engine import transaction
from tests.jobs.conftest import Installation
from tests.jobs.helpers import BROKEN_CSV, events_csv, files_under, job, job_count


def _upload(installation: Installation, data: bytes, name: str) -> int:
    with transaction(installation.sessions) as session:
        created = actions.check_upload_events(
            session, installation.hr, installation.queue, data, name
        )
    return created.id


def test_good_csv_is_added_and_the_same_file_again_adds_nothing(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    data = events_csv(synthetic.events.head(500))
    first = job(installation.sessions, _upload(installation, data, "week-1.csv"))
    assert first.status == "done", first.error
    assert (first.result["added"], first.result["duplicates"]) == (500, 0)
    kept = installation.settings.uploads_dir / "acme" / f"{first.id}-week-1.csv"
    assert first.params["file"] == "week-1.csv"
    assert first.params["upload"] == f"acme/{first.id}-week-1.csv"
    assert not kept.exists(), "the job deletes the upload once it has read it"

    again = job(installation.sessions, _upload(installation, data, "week-1.csv"))
    assert again.status == "done", again.error
    assert (again.result["added"], again.result["duplicates"]) == (0, 500)
    assert EventLake(installation.lake_dir).stats().rows == 500


def test_broken_csv_is_refused_at_once_with_line_and_field_and_nothing_changes(
    installation: Installation,
) -> None:
    jobs_before = job_count(installation.sessions)
    with pytest.raises(InputError) as caught:
        _upload(installation, BROKEN_CSV, "broken.csv")
    assert (caught.value.source, caught.value.line, caught.value.field) == (
        "broken.csv",
        3,
        "timestamp",
    )
    assert str(caught.value).startswith("broken.csv, line 3, field 'timestamp'")
    assert job_count(installation.sessions) == jobs_before
    assert EventLake(installation.lake_dir).parts() == []
    assert files_under(installation.settings.uploads_dir) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.xlsx", b"PK\x03\x04whatever", "unsupported file type .xlsx"),
        ("events", b"actor,target,timestamp\n", r"unsupported file type \(none\)"),
        ("events.csv", b"", "the file is empty"),
        ("events.csv", b"actor,target,timestamp\n", "holds no events"),
        ("export.zip", b"not a zip at all", "not a readable zip file"),
    ],
)
def test_files_that_are_not_events_are_refused(
    installation: Installation, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _upload(installation, data, name)
    assert job_count(installation.sessions) == 0
    assert files_under(installation.settings.uploads_dir) == []


def _zip(entries: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, value in entries.items():
            archive.writestr(name, json.dumps(value))
    return buffer.getvalue()


SLACK_EXPORT = {
    "export/users.json": [
        {"id": "U1", "name": "ann", "profile": {"email": "ann@acme.example"}},
        {"id": "U2", "name": "bob", "profile": {"email": "bob@acme.example"}},
    ],
    "export/channels.json": [{"id": "C1", "name": "general", "members": ["U1", "U2"]}],
    "export/general/2026-03-02.json": [
        {"type": "message", "user": "U1", "text": "hi", "ts": "1772442000.000100"},
        {
            "type": "message",
            "user": "U2",
            "text": "hello <@U1>",
            "ts": "1772442060.000200",
            "thread_ts": "1772442000.000100",
        },
    ],
}


def test_zipped_slack_export_is_read_and_its_errors_name_the_file_inside(
    installation: Installation,
) -> None:
    done = job(installation.sessions, _upload(installation, _zip(SLACK_EXPORT), "slack.zip"))
    assert done.status == "done", done.error
    assert done.result["added"] == 1  # bob replies to ann (the mention of ann is that reply)

    broken = {**SLACK_EXPORT, "export/general/2026-03-03.json": {"not": "a list"}}
    with pytest.raises(InputError) as caught:
        _upload(installation, _zip(broken), "broken-slack.zip")
    assert caught.value.source.startswith("broken-slack.zip/")
    assert "2026-03-03.json" in caught.value.source


def test_zip_with_a_path_outside_its_folder_is_refused(installation: Installation) -> None:
    with pytest.raises(InputError, match="unsafe path"):
        _upload(installation, _zip({"../users.json": []}), "evil.zip")


def test_only_hr_and_admins_upload_or_score(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    data = events_csv(synthetic.events.head(10))
    with transaction(installation.sessions) as session:
        with pytest.raises(NotAllowed):
            actions.check_upload_events(
                session, installation.employee, installation.queue, data, "e.csv"
            )
        with pytest.raises(NotAllowed):
            actions.check_start_scoring(session, installation.employee, installation.queue)
        with pytest.raises(NotAllowed):
            queries.list_jobs(session, installation.employee)
    assert job_count(installation.sessions) == 0


def test_jobs_and_runs_of_another_organisation_are_not_found(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    job_id = _upload(installation, events_csv(synthetic.events.head(10)), "e.csv")
    with installation.sessions() as session:
        assert queries.get_job(session, installation.hr, job_id).id == job_id
        assert [j.id for j in queries.list_jobs(session, installation.hr)] == [job_id]
        assert queries.list_jobs(session, installation.other_hr) == []
        with pytest.raises(NotFound):
            queries.get_job(session, installation.other_hr, job_id)
        with pytest.raises(NotFound):
            queries.get_job(session, installation.hr, job_id + 1000)
        with pytest.raises(NotFound):
            queries.get_run(session, installation.hr, 12345)


def test_a_bad_half_life_is_refused(installation: Installation) -> None:
    with transaction(installation.sessions) as session:
        for value in (0.0, -3.0, float("nan"), 10_000.0):
            with pytest.raises(Exception, match="half_life_days"):
                actions.check_start_scoring(
                    session, installation.hr, installation.queue, half_life_days=value
                )
    assert job_count(installation.sessions) == 0


def test_upload_names_lose_any_folder(installation: Installation, tmp_path: Path) -> None:
    from renown.ingest.uploads import upload_name

    assert upload_name("../../etc/passwd.csv") == "passwd.csv"
    assert upload_name("C:\\Users\\ann\\events.csv") == "events.csv"
    assert upload_name(None) == "upload"
