"""The radar through the API: imports are idempotent and all-or-nothing with file, line and
field; recruiters see prospects only; outreach moves; opting out hides a member; reads are
audited."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.radar import RadarOutreach, RadarSnapshot, RadarSubject


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


def _import(platform: Any, role: Role, data: bytes, name: str = "snaps.jsonl") -> Any:
    return platform.bearer(role).post(
        "/api/v1/radar/imports", files={"file": (name, data, "application/octet-stream")}
    )


PROSPECT = [
    {
        "subject": "linkedin:radar-test-ana",
        "captured_at": "2025-01-01T00:00:00Z",
        "title": "Engineer",
        "company": "Acme",
        "skills": ["Go", "Python"],
        "location": "Lisbon",
    },
    {
        "subject": "linkedin:radar-test-ana",
        "captured_at": "2025-03-01T00:00:00Z",
        "title": "Senior engineer",
        "company": "Acme",
        "skills": ["Go", "Python", "Rust"],
        "location": "Lisbon",
    },
]


def test_import_is_idempotent_and_recruiters_see_the_prospect(platform: Any) -> None:
    first = _import(platform, Role.RECRUITER, _jsonl(PROSPECT))
    assert first.status_code == 200, first.text
    assert first.json()["added"] == 2 and first.json()["prospects"] == 1
    again = _import(platform, Role.RECRUITER, _jsonl(PROSPECT))
    assert again.json()["added"] == 0 and again.json()["duplicates"] == 2
    listed = platform.bearer(Role.RECRUITER).get(
        "/api/v1/radar/prospects", params={"skill": "rust"}
    )
    assert listed.status_code == 200
    handles = [row["handle"] for row in listed.json()["items"]]
    assert "linkedin:radar-test-ana" in handles
    assert listed.json()["model"]["enough_history"] is False  # never scored: no numbers
    subject_id = next(
        r["subject_id"] for r in listed.json()["items"] if r["handle"] == "linkedin:radar-test-ana"
    )
    detail = platform.bearer(Role.RECRUITER).get(f"/api/v1/radar/subjects/{subject_id}").json()
    assert any("Senior engineer" in change["detail"] for change in detail["timeline"])
    moved = platform.bearer(Role.RECRUITER).post(
        f"/api/v1/radar/subjects/{subject_id}/outreach",
        json={"status": "contacted", "note": "wrote on Monday"},
    )
    assert moved.status_code == 200, moved.text
    detail = platform.bearer(Role.RECRUITER).get(f"/api/v1/radar/subjects/{subject_id}").json()
    assert detail["row"]["outreach"] == "contacted"
    recruiter = platform.bearer(Role.RECRUITER)
    for chosen, listed_there in (("contacted", True), ("none", False), ("hired", False)):
        page = recruiter.get("/api/v1/radar/prospects", params={"outreach": chosen}).json()
        assert (subject_id in [r["subject_id"] for r in page["items"]]) is listed_there, chosen
    assert recruiter.get("/api/v1/radar/prospects", params={"outreach": "x"}).status_code == 422
    with platform.sessions() as session:
        reads = session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.action == "radar.read",
                AuditEntry.subject == f"radar_subject:{subject_id}",
            )
        )
    assert reads and reads >= 2


def test_a_bad_row_refuses_the_file_with_its_line_and_field(platform: Any) -> None:
    bad = [*PROSPECT, {"subject": "linkedin:radar-test-bo", "captured_at": "not a time"}]
    answer = _import(platform, Role.RECRUITER, _jsonl(bad), name="bad.jsonl")
    assert answer.status_code == 400
    assert "bad.jsonl" in answer.text and "line 3" in answer.text and "captured_at" in answer.text
    assert "/tmp" not in answer.text
    with platform.sessions() as session:
        assert (
            session.scalar(
                sa.select(RadarSubject.id).where(RadarSubject.key == "linkedin:radar-test-bo")
            )
            is None
        )


def test_an_unknown_subject_is_refused_rather_than_made_a_stranger(platform: Any) -> None:
    rows = [{"subject": "no-such-employee", "captured_at": "2025-01-01T00:00:00Z", "title": "X"}]
    answer = _import(platform, Role.HR, _jsonl(rows), name="typo.jsonl")
    assert answer.status_code == 400
    assert "typo.jsonl" in answer.text and "subject" in answer.text


def test_members_are_hrs_only_and_opting_out_hides_them(platform: Any) -> None:
    with platform.sessions() as session:
        employee_id = session.scalar(
            sa.select(Person.employee_id).where(Person.id == platform.cast.employee)
        )
    rows = [
        {"subject": employee_id, "captured_at": "2025-01-01T00:00:00Z", "title": "Analyst"},
        {"subject": employee_id, "captured_at": "2025-02-01T00:00:00Z", "title": "Lead"},
    ]
    answer = _import(platform, Role.HR, _jsonl(rows), name="members.jsonl")
    assert answer.status_code == 200, answer.text
    assert answer.json()["members"] == 1
    with platform.sessions() as session:
        subject_id = session.scalar(
            sa.select(RadarSubject.id).where(RadarSubject.person_id == platform.cast.employee)
        )
    assert (
        platform.bearer(Role.RECRUITER).get(f"/api/v1/radar/subjects/{subject_id}").status_code
        == 404
    )
    assert platform.bearer(Role.HR).get(f"/api/v1/radar/subjects/{subject_id}").status_code == 200
    assert platform.bearer(Role.RECRUITER).get("/api/v1/radar/flight-risk").status_code == 403
    opted = platform.bearer(Role.EMPLOYEE).put("/api/v1/radar/me/opt-out", json={"opted_out": True})
    assert opted.status_code == 200 and opted.json()["opted_out"] is True
    assert platform.bearer(Role.HR).get(f"/api/v1/radar/subjects/{subject_id}").status_code == 404
    exported = platform.bearer(Role.EMPLOYEE).get("/api/v1/me/export").json()
    assert exported["radar"]["opt_out"]["person_id"] == platform.cast.employee
    assert exported["radar"]["subjects"][0]["snapshots"]
    platform.bearer(Role.EMPLOYEE).put("/api/v1/radar/me/opt-out", json={"opted_out": False})


def test_the_list_page_filters_by_outreach_and_a_blank_choice_means_any(platform: Any) -> None:
    _import(platform, Role.RECRUITER, _jsonl(PROSPECT))
    page = platform.browser(Role.RECRUITER)
    anything = page.get("/radar", params={"outreach": ""})
    assert anything.status_code == 200
    assert "linkedin:radar-test-ana" in anything.text
    untouched = page.get("/radar", params={"outreach": "hired"})
    assert untouched.status_code == 200
    assert "linkedin:radar-test-ana" not in untouched.text
    assert page.get("/radar", params={"outreach": "bogus"}).status_code == 422


def _subject_of(platform: Any, handle: str) -> int:
    listed = platform.bearer(Role.HR).get("/api/v1/radar/prospects", params={"limit": 500})
    return int(next(r["subject_id"] for r in listed.json()["items"] if r["handle"] == handle))


PROSPECT_HANDLE = "linkedin:radar-test-ana"


def test_an_erased_prospect_is_gone_and_a_later_import_skips_them(platform: Any) -> None:
    _import(platform, Role.RECRUITER, _jsonl(PROSPECT))
    subject_id = _subject_of(platform, PROSPECT_HANDLE)
    platform.bearer(Role.RECRUITER).post(
        f"/api/v1/radar/subjects/{subject_id}/outreach", json={"status": "watchlist", "note": ""}
    )
    refused = platform.bearer(Role.RECRUITER).delete(f"/api/v1/radar/subjects/{subject_id}")
    assert refused.status_code == 403
    erased = platform.bearer(Role.HR).delete(f"/api/v1/radar/subjects/{subject_id}")
    assert erased.status_code == 204, erased.text
    assert platform.bearer(Role.HR).get(f"/api/v1/radar/subjects/{subject_id}").status_code == 404
    with platform.sessions() as session:
        for table in (RadarSnapshot, RadarOutreach):
            left = session.scalar(
                sa.select(sa.func.count()).select_from(table).where(table.subject_id == subject_id)
            )
            assert left == 0, table
        assert session.get(RadarSubject, subject_id) is None
        entry = session.scalar(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "radar.erase")
            .order_by(AuditEntry.id.desc())
        )
        assert entry is not None and PROSPECT_HANDLE not in str(entry.payload)
    again = _import(platform, Role.RECRUITER, _jsonl(PROSPECT))
    assert again.status_code == 200, again.text
    assert again.json()["added"] == 0 and again.json()["erased"] == 2
    listed = platform.bearer(Role.HR).get("/api/v1/radar/prospects", params={"limit": 500})
    assert PROSPECT_HANDLE not in [r["handle"] for r in listed.json()["items"]]


def test_the_erase_form_wants_the_handle_typed(platform: Any) -> None:
    handle = "linkedin:radar-test-bea"
    _import(platform, Role.RECRUITER, _jsonl([{**row, "subject": handle} for row in PROSPECT]))
    subject_id = _subject_of(platform, handle)
    page = platform.browser(Role.HR)
    shown = page.get(f"/radar/subjects/{subject_id}")
    assert "data-erase" in shown.text
    assert (
        "data-erase"
        not in platform.browser(Role.RECRUITER).get(f"/radar/subjects/{subject_id}").text
    )
    wrong = page.post(
        f"/radar/subjects/{subject_id}/erase", data={"confirm_handle": "linkedin:someone-else"}
    )
    assert wrong.status_code == 422
    assert page.get(f"/radar/subjects/{subject_id}").status_code == 200
    done = page.post(
        f"/radar/subjects/{subject_id}/erase",
        data={"confirm_handle": handle},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert page.get(f"/radar/subjects/{subject_id}").status_code == 404
