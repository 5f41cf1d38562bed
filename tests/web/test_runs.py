"""Scoring runs, uploads and jobs through the real app: API, pages, and who may use them.

Jobs run immediately in tests (the installation's settings say so), so a 202 answer
already carries the finished job.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.ingest.lake import EventLake
from renown.ingest.sources import org_sources_dir
from renown.settings import Settings
from renown.store.tables.jobs import Job
from renown.web.app import create_app
from tests.ingest.test_slack import make_export
from tests.web.conftest import ORG_PEOPLE, Member, Platform

BROKEN_CSV = (
    b"actor,target,timestamp\n"
    b"p0001,p0002,2026-01-05T10:00:00Z\n"
    b"p0002,p0003,not-a-date\n"
    b"p0003,p0001,2026-01-06T10:00:00Z\n"
)


def events_csv(events: pl.DataFrame) -> bytes:
    return (
        events.select(
            "actor",
            "target",
            pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"),
            "channel",
            "kind",
        )
        .write_csv()
        .encode()
    )


@pytest.fixture(scope="module")
def org_events() -> pl.DataFrame:
    """The interactions of the people the installation imported (same generator)."""
    return generate_org(people=ORG_PEOPLE).events


def _lake(platform: Platform) -> EventLake:
    return EventLake(platform.settings.org_lake_dir("acme"))


def _job_count(platform: Platform) -> int:
    with platform.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Job)) or 0)


def _upload(platform: Platform, data: bytes, name: str, who: Role = Role.HR) -> dict[str, Any]:
    answer = platform.bearer(who).post(
        "/api/v1/uploads/events", files={"file": (name, data, "text/csv")}
    )
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_upload_creates_events_and_the_same_upload_again_adds_none(
    platform: Platform, org_events: pl.DataFrame
) -> None:
    data = events_csv(org_events.head(300))
    first = _upload(platform, data, "slice.csv")
    assert first["status"] == "done", first["error"]
    assert first["result"] == {
        "file": "slice.csv",
        "events": 300,
        "added": 300,
        "duplicates": 0,
        "months": first["result"]["months"],
    }
    assert first["params"] == {
        "file": "slice.csv",
        "unmatched": [],
        "unmatched_identifiers": 0,
    }, "server paths are not shown; the org chart knows everyone of the slice"
    again = _upload(platform, data, "slice.csv")
    assert (again["result"]["added"], again["result"]["duplicates"]) == (0, 300)

    shown = platform.bearer(Role.HR).get(f"/api/v1/jobs/{again['id']}")
    assert shown.status_code == 200
    assert shown.json()["status"] == "done"
    listed = platform.bearer(Role.ADMIN).get("/api/v1/jobs", params={"kind": "ingest"}).json()
    assert {first["id"], again["id"]} <= {j["id"] for j in listed}


def test_scoring_through_the_api_produces_a_run_with_everyone_matched(
    platform: Platform, org_events: pl.DataFrame
) -> None:
    client = platform.bearer(Role.ADMIN)
    _upload(platform, events_csv(org_events), "all.csv")
    started = client.post("/api/v1/runs", json={"half_life_days": 60})
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["status"], job["progress"]) == ("scoring", "done", 1.0)
    run_id = job["result"]["run_id"]

    run = client.get(f"/api/v1/runs/{run_id}").json()
    assert run["people_matched"] == run["people_scored"] == ORG_PEOPLE
    assert run["input_events"] == _lake(platform).stats().rows >= org_events.height
    assert run_id in [r["id"] for r in client.get("/api/v1/runs").json()]
    board = client.get("/api/v1/leaderboard", params={"run_id": run_id, "limit": 5}).json()
    assert len(board["items"]) == 5


def test_scoring_without_a_body_uses_the_defaults(platform: Platform) -> None:
    answer = platform.bearer(Role.HR).post("/api/v1/runs")
    assert answer.status_code == 202
    assert answer.json()["params"] == {"half_life_days": None, "as_of": None}


def test_broken_csv_is_a_400_with_line_and_field_and_changes_nothing(platform: Platform) -> None:
    parts, jobs = _lake(platform).parts(), _job_count(platform)
    answer = platform.bearer(Role.HR).post(
        "/api/v1/uploads/events", files={"file": ("broken.csv", BROKEN_CSV, "text/csv")}
    )
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert (detail["source"], detail["line"], detail["field"]) == ("broken.csv", 3, "timestamp")
    assert _lake(platform).parts() == parts
    assert _job_count(platform) == jobs


@pytest.mark.parametrize(
    ("name", "data", "line", "field"),
    [
        pytest.param(
            "quote.csv",
            b'actor,target,timestamp\np0001,"p0002,2026-01-05T10:00:00Z\n'
            b"p0002,p0003,2026-01-05T11:00:00Z\np0003,p0001,2026-01-06T10:00:00Z\n",
            2,
            "target",
            id="unclosed-quote",
        ),
        pytest.param(
            "short.csv",
            b"actor,target,timestamp,weight\np0001,p0002,2026-01-05T10:00:00Z,2\n"
            b"p0002,p0003,2026-01-05T11:00:00Z\n",
            3,
            "weight",
            id="short-row",
        ),
        pytest.param(
            "latin.tsv",
            b"actor\ttarget\ttimestamp\nJ\xf6rg\tp0003\t2026-01-05T11:00:00Z\n",
            2,
            None,  # the upload check refuses it first, naming the line
            id="latin-1",
        ),
    ],
)
def test_malformed_events_are_a_400_with_line_and_change_nothing(
    platform: Platform, name: str, data: bytes, line: int, field: str | None
) -> None:
    client = platform.bearer(Role.HR)
    parts, jobs = _lake(platform).parts(), _job_count(platform)
    answer = client.post("/api/v1/uploads/events", files={"file": (name, data, "text/csv")})
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert (detail["source"], detail["line"], detail["field"]) == (name, line, field)
    assert _lake(platform).parts() == parts
    assert _job_count(platform) == jobs


def test_an_encrypted_zip_is_a_400_not_a_crash(platform: Platform) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/users.json", "[]")
    locked = bytearray(buffer.getvalue())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = locked.find(signature)
        locked[at + flags] |= 0x01  # the "encrypted" flag
    jobs = _job_count(platform)
    answer = platform.bearer(Role.HR).post(
        "/api/v1/uploads/events", files={"file": ("slack.zip", bytes(locked), "application/zip")}
    )
    assert answer.status_code == 400, answer.text
    assert "cannot be unpacked" in answer.json()["detail"]["message"]
    assert _job_count(platform) == jobs


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("people.xlsx", b"PK\x03\x04spreadsheet"),
        ("events.csv", b"PAR1 parquet bytes named .csv"),
        ("events.csv", b"actor,target\x00,timestamp\n"),
    ],
)
def test_wrong_file_types_are_400(platform: Platform, name: str, data: bytes) -> None:
    jobs = _job_count(platform)
    answer = platform.bearer(Role.HR).post(
        "/api/v1/uploads/events", files={"file": (name, data, "application/octet-stream")}
    )
    assert answer.status_code == 400
    assert _job_count(platform) == jobs


def test_oversize_upload_is_413_and_changes_nothing(platform: Platform) -> None:
    small = Settings(
        home=platform.settings.home,
        database_url=platform.settings.database_url,
        secret_key="test",
        jobs_immediate=True,
        max_upload_bytes=2_000,
    )
    app = create_app(small)
    try:
        token = platform.bearer(Role.HR).headers["Authorization"]
        client = TestClient(app, headers={"Authorization": token})
        parts, jobs = _lake(platform).parts(), _job_count(platform)
        big = b"actor,target,timestamp\n" + b"p0001,p0002,2026-01-05T10:00:00Z\n" * 200
        answer = client.post("/api/v1/uploads/events", files={"file": ("big.csv", big)})
        assert answer.status_code == 413
        assert _lake(platform).parts() == parts
        assert _job_count(platform) == jobs
    finally:
        app.state.engine.dispose()


def test_unknown_and_other_organisations_jobs_and_runs_are_404(platform: Platform) -> None:
    client = platform.bearer(Role.HR)
    assert client.get("/api/v1/jobs/987654").status_code == 404
    assert client.get(f"/api/v1/jobs/{platform.other_job_id}").status_code == 404
    assert client.get(f"/api/v1/jobs/{platform.job_id}").status_code == 200
    assert client.get(f"/api/v1/runs/{platform.other_run_id}").status_code == 404
    assert client.get(f"/api/v1/runs/{platform.run_id}").status_code == 200
    assert (
        platform.bearer(platform.other_hr).get(f"/api/v1/jobs/{platform.job_id}").status_code == 404
    )


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER, Role.SPONSOR])
def test_roles_other_than_hr_and_admin_are_403(platform: Platform, role: Role) -> None:
    client = platform.bearer(role)
    jobs = _job_count(platform)
    assert client.get("/api/v1/runs").status_code == 403
    assert client.get("/api/v1/jobs").status_code == 403
    assert client.get(f"/api/v1/jobs/{platform.job_id}").status_code == 403
    assert client.post("/api/v1/runs").status_code == 403
    upload = client.post("/api/v1/uploads/events", files={"file": ("e.csv", BROKEN_CSV)})
    assert upload.status_code == 403
    assert _job_count(platform) == jobs


def test_anonymous_callers_are_401(platform: Platform) -> None:
    client = platform.anonymous()
    assert client.get("/api/v1/runs").status_code == 401
    assert client.post("/api/v1/runs").status_code == 401


# --- pages ---------------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_runs_page_lists_history_and_has_forms_with_csrf(platform: Platform) -> None:
    page = platform.browser(Role.HR).get("/runs")
    assert page.status_code == 200
    assert f'href="/runs/{platform.run_id}"' in page.text
    assert 'action="/runs/upload"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert page.text.count('name="csrf_token"') >= 3  # sign-out, score now, upload
    assert platform.browser(Role.EMPLOYEE).get("/runs").status_code == 403


def test_upload_form_redirects_to_the_job_page_whose_progress_stops_polling_when_done(
    platform: Platform, org_events: pl.DataFrame
) -> None:
    browser = platform.browser(Role.HR, with_csrf=False)
    answer = browser.post(
        "/runs/upload",
        data={"csrf_token": platform.csrf(Role.HR)},
        files={"file": ("form.csv", events_csv(org_events.tail(50)), "text/csv")},
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert re.fullmatch(r"/jobs/\d+", location)
    page = browser.get(location)
    assert page.status_code == 200
    assert "<progress" in page.text and 'data-status="done"' in page.text
    fragment = browser.get(location + "/progress", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "hx-trigger" not in fragment.text, "a finished job is not polled"


def test_progress_of_a_running_job_polls_every_second(platform: Platform) -> None:
    with platform.sessions() as session, session.begin():
        running = Job(
            org_id=platform.acme_id,
            kind="scoring",
            status="running",
            progress=0.35,
            stage="computing measures and scores",
        )
        session.add(running)
        session.flush()
        job_id = running.id
    fragment = platform.browser(Role.ADMIN).get(f"/jobs/{job_id}/progress", headers=HX)
    assert fragment.status_code == 200
    assert f'hx-get="/jobs/{job_id}/progress"' in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'value="35"' in fragment.text and "computing measures and scores" in fragment.text


def test_score_now_form_needs_csrf_and_starts_a_job(platform: Platform) -> None:
    without = platform.browser(Role.HR, with_csrf=False).post("/runs", data={})
    assert without.status_code == 403
    answer = platform.browser(Role.HR).post("/runs", data={"as_of": "2026-06-01"})
    assert answer.status_code == 303
    job_page = platform.browser(Role.HR).get(answer.headers["location"])
    assert job_page.status_code == 200
    assert "Scoring run" in job_page.text


def test_broken_upload_in_the_form_shows_the_problem(platform: Platform) -> None:
    jobs = _job_count(platform)
    answer = platform.browser(Role.HR).post(
        "/runs/upload", files={"file": ("broken.csv", BROKEN_CSV, "text/csv")}
    )
    assert answer.status_code == 400
    assert "broken.csv, line 3, field &#39;timestamp&#39;" in answer.text
    assert _job_count(platform) == jobs


def test_run_page_shows_counts_and_the_top_people(platform: Platform) -> None:
    page = platform.browser(Role.ADMIN).get(f"/runs/{platform.run_id}")
    assert page.status_code == 200
    assert f"Scoring run #{platform.run_id}" in page.text
    assert page.text.count('href="/people/') >= 10
    other = platform.browser(Role.ADMIN).get(f"/runs/{platform.other_run_id}")
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("half_life_days", "-5", "half_life_days must be above 0"),
        ("half_life_days", "soon", "is not a number of days"),
        ("as_of", "next tuesday", "is not a date"),
    ],
)
def test_bad_score_now_values_are_shown_on_the_form(
    platform: Platform, field: str, value: str, message: str
) -> None:
    jobs = _job_count(platform)
    answer = platform.browser(Role.HR).post("/runs", data={field: value})
    assert answer.status_code == 400
    assert message in answer.text
    assert _job_count(platform) == jobs


# --- sources on the server -----------------------------------------------------------------

MBOX = (
    "From ann@acme.example Mon Mar  4 09:00:00 2024\n"
    "From: Ann <ann@acme.example>\n"
    "To: bob@acme.example, carl@acme.example\n"
    "Date: Mon, 04 Mar 2024 10:00:00 +0100\n"
    "Message-ID: <m1@acme.example>\n"
    "Subject: plan\n\nHello.\n\n"
    "From bob@acme.example Mon Mar  4 12:00:00 2024\n"
    "From: bob@acme.example\n"
    "To: ann@acme.example\n"
    "Date: Mon, 04 Mar 2024 12:00:00 +0000\n"
    "Message-ID: <m2@acme.example>\n"
    "In-Reply-To: <m1@acme.example>\n"
    "Subject: Re: plan\n\nFine.\n"
)


def _sources(platform: Platform, slug: str = "acme") -> Path:
    folder = org_sources_dir(platform.settings, slug)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ingest_source(platform: Platform, name: str, who: Role | Member = Role.HR) -> Any:
    return platform.bearer(who).post("/api/v1/sources/ingest", json={"name": name})


def test_sources_are_listed_and_an_mbox_is_ingested_once(platform: Platform) -> None:
    (_sources(platform) / "team.mbox").write_text(MBOX, encoding="utf-8")
    listed = platform.bearer(Role.HR).get("/api/v1/sources")
    assert listed.status_code == 200
    entry = next(s for s in listed.json() if s["name"] == "team.mbox")
    assert (entry["kind"], entry["format"], entry["size_bytes"]) == ("file", "mbox", len(MBOX))

    first = _ingest_source(platform, "team.mbox")
    assert first.status_code == 202, first.text
    body = first.json()
    assert (body["kind"], body["status"]) == ("ingest", "done"), body["error"]
    assert body["params"]["file"] == "team.mbox"
    assert not {"path", "upload"} & set(body["params"]), "server paths are not shown"
    assert body["params"]["unmatched"] == [
        ["ann@acme.example", 3],
        ["bob@acme.example", 2],
        ["carl@acme.example", 1],
    ], "addresses the org chart does not know are listed, the most frequent first"
    assert body["result"]["added"] == body["result"]["events"] > 0
    again = _ingest_source(platform, "team.mbox").json()
    assert (again["result"]["added"], again["result"]["duplicates"]) == (
        0,
        body["result"]["events"],
    )


def test_a_slack_export_folder_is_ingested_once(platform: Platform) -> None:
    make_export(_sources(platform) / "slack-export")
    listed = platform.bearer(Role.ADMIN).get("/api/v1/sources").json()
    assert {"name": "slack-export", "kind": "folder", "format": "slack"}.items() <= next(
        s for s in listed if s["name"] == "slack-export"
    ).items()
    first = _ingest_source(platform, "slack-export", Role.ADMIN).json()
    assert (first["status"], first["result"]["added"]) == ("done", 6), first["error"]
    assert _ingest_source(platform, "slack-export").json()["result"]["added"] == 0


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../x", 422),
        ("../acme/team.mbox", 422),
        ("/etc/passwd", 422),
        (".hidden.csv", 422),
        ("team.mbox\x00", 422),
        ("escape.csv", 404),
        ("not-listed.csv", 404),
    ],
)
def test_source_names_that_are_not_listed_entries_queue_nothing(
    platform: Platform, tmp_path: Path, name: str, code: int
) -> None:
    folder = _sources(platform)
    (folder / "team.mbox").write_text(MBOX, encoding="utf-8")
    (tmp_path / "secret.csv").write_bytes(BROKEN_CSV)
    (folder / "escape.csv").unlink(missing_ok=True)
    (folder / "escape.csv").symlink_to(tmp_path / "secret.csv")
    jobs = _job_count(platform)
    answer = _ingest_source(platform, name)
    assert answer.status_code == code, answer.text
    assert _job_count(platform) == jobs
    absolute = _ingest_source(platform, str((folder / "team.mbox").resolve()))
    assert absolute.status_code == 422
    assert _job_count(platform) == jobs


def test_a_broken_csv_source_is_a_400_with_line_and_field(platform: Platform) -> None:
    (_sources(platform) / "broken-source.csv").write_bytes(BROKEN_CSV)
    parts, jobs = _lake(platform).parts(), _job_count(platform)
    answer = _ingest_source(platform, "broken-source.csv")
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert (detail["source"], detail["line"], detail["field"]) == (
        "broken-source.csv",
        3,
        "timestamp",
    )
    assert _lake(platform).parts() == parts
    assert _job_count(platform) == jobs


def test_sources_are_for_hr_and_admins_of_their_own_organisation(platform: Platform) -> None:
    (_sources(platform) / "team.mbox").write_text(MBOX, encoding="utf-8")
    jobs = _job_count(platform)
    employee = platform.bearer(Role.EMPLOYEE)
    assert employee.get("/api/v1/sources").status_code == 403
    assert _ingest_source(platform, "team.mbox", Role.EMPLOYEE).status_code == 403
    other = platform.bearer(platform.other_hr)
    assert other.get("/api/v1/sources").json() == []
    assert _ingest_source(platform, "team.mbox", platform.other_hr).status_code == 404
    assert _job_count(platform) == jobs


def test_runs_page_offers_the_listed_sources_and_follows_the_job(platform: Platform) -> None:
    (_sources(platform) / "page.mbox").write_text(MBOX, encoding="utf-8")
    browser = platform.browser(Role.HR)
    page = browser.get("/runs")
    assert page.status_code == 200
    assert 'action="/runs/source"' in page.text
    assert '<option value="page.mbox">page.mbox (mbox file' in page.text
    answer = browser.post("/runs/source", data={"name": "page.mbox"})
    assert answer.status_code == 303, answer.text
    assert re.fullmatch(r"/jobs/\d+", answer.headers["location"])
    job_page = browser.get(answer.headers["location"])
    assert "Adding page.mbox to the lake" in job_page.text
    assert 'data-status="done"' in job_page.text
    assert "Source <code>page.mbox</code>" in browser.get("/runs").text


def test_runs_page_says_where_sources_go_when_there_are_none(platform: Platform) -> None:
    page = platform.browser(platform.other_hr).get("/runs")
    assert page.status_code == 200
    assert "No sources on the server yet" in page.text
    assert "<code>sources/other</code> inside renown's home folder" in page.text
    assert 'action="/runs/source"' not in page.text


def test_source_form_needs_csrf_and_shows_refusals(platform: Platform) -> None:
    (_sources(platform) / "broken-form.csv").write_bytes(BROKEN_CSV)
    jobs = _job_count(platform)
    without = platform.browser(Role.HR, with_csrf=False).post(
        "/runs/source", data={"name": "broken-form.csv"}
    )
    assert without.status_code == 403
    browser = platform.browser(Role.HR)
    broken = browser.post("/runs/source", data={"name": "broken-form.csv"})
    assert broken.status_code == 400
    assert "broken-form.csv, line 3, field &#39;timestamp&#39;" in broken.text
    assert browser.post("/runs/source", data={"name": "../x"}).status_code == 422
    assert browser.post("/runs/source", data={"name": "gone.csv"}).status_code == 404
    assert _job_count(platform) == jobs
