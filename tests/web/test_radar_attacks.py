"""Attacks on the recruiter radar, as a determined user or insider would try them.

Role escalation (a recruiter, or any other role, reaching members' radar data through every
route), cross-organisation IDOR, CSRF on every form, the opt-out race against an older
scoring job, the consent policy, stored XSS from snapshot fields and the charts' JSON,
hostile uploads, two identical imports at once, and audit completeness of every read.

Predictions are written straight to the store under a finished radar job (the model's fit is
:mod:`tests.radar`'s business; these tests are about who sees what).
"""

from __future__ import annotations

import io
import json
import tempfile
import threading
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.audit import AuditEntry
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.radar import (
    RadarOptOut,
    RadarPrediction,
    RadarSnapshot,
    RadarSubject,
)

XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
END_SCRIPT = "</script><script>alert(3)</script>"
READS = ("radar.read", "radar.audit.report")


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


def _upload(client: Any, data: bytes, name: str, url: str = "/api/v1/radar/imports") -> Any:
    return client.post(url, files={"file": (name, data, "application/octet-stream")})


def _employee_id(platform: Any, person_id: int) -> str:
    with platform.sessions() as session:
        found = session.scalar(sa.select(Person.employee_id).where(Person.id == person_id))
    assert found is not None
    return str(found)


def _member_subject(platform: Any, person_id: int) -> int:
    """The radar subject of an acme person (imported by HR, two snapshots)."""
    employee_id = _employee_id(platform, person_id)
    rows = [
        {"subject": employee_id, "captured_at": "2025-01-01T00:00:00Z", "title": "Analyst"},
        {"subject": employee_id, "captured_at": "2025-02-01T00:00:00Z", "title": "Lead"},
    ]
    answer = _upload(platform.bearer(Role.HR), _jsonl(rows), f"m{person_id}.jsonl")
    assert answer.status_code == 200, answer.text
    with platform.sessions() as session:
        found = session.scalar(
            sa.select(RadarSubject.id).where(
                RadarSubject.person_id == person_id, RadarSubject.org_id == platform.acme_id
            )
        )
    assert found is not None
    return int(found)


def _prospect(platform: Any, **fields: Any) -> tuple[str, int]:
    handle = fields.pop("subject", f"linkedin:atk-{uuid.uuid4().hex[:10]}")
    rows = [
        {"subject": handle, "captured_at": "2025-01-01T00:00:00Z", "title": "Engineer"},
        {"subject": handle, "captured_at": "2025-03-01T00:00:00Z", **fields},
    ]
    answer = _upload(platform.bearer(Role.RECRUITER), _jsonl(rows), "p.jsonl")
    assert answer.status_code == 200, answer.text
    with platform.sessions() as session:
        found = session.scalar(
            sa.select(RadarSubject.id)
            .where(RadarSubject.org_id == platform.acme_id, RadarSubject.person_id.is_(None))
            .order_by(RadarSubject.id.desc())
            .limit(1)
        )
    assert found is not None
    return handle, int(found)


def _scored(platform: Any, org_id: int, subject_ids: list[int], reason: str = "tenure") -> int:
    """A finished radar job of ``org_id`` with enough history, predicting ``subject_ids``."""
    now = datetime.now(UTC)
    with platform.sessions() as session, session.begin():
        job = Job(
            org_id=org_id,
            kind="radar",
            status="done",
            progress=1.0,
            stage="done",
            finished_at=now,
            result={
                "enough": True,
                "as_of": now.isoformat(),
                "horizon_days": 180,
                "rows": 100,
                "positives": 40,
                "message": "Fitted.",
                "backtest": None,
            },
        )
        session.add(job)
        session.flush()
        for i, subject_id in enumerate(subject_ids):
            session.add(
                RadarPrediction(
                    org_id=org_id,
                    subject_id=subject_id,
                    job_id=job.id,
                    as_of=now,
                    probability=0.9 - i / 100,
                    low=0.5,
                    high=0.95,
                    reasons=[
                        {
                            "feature": "company",
                            "label": reason,
                            "value": reason,
                            "contribution": 0.7,
                            "text": reason,
                        }
                    ],
                )
            )
        return int(job.id)


def _reads(platform: Any, org_id: int) -> int:
    with platform.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count()).where(
                    AuditEntry.org_id == org_id, AuditEntry.action.in_(READS)
                )
            )
            or 0
        )


def _opt(platform: Any, opted_out: bool) -> None:
    answer = platform.bearer(Role.EMPLOYEE).put(
        "/api/v1/radar/me/opt-out", json={"opted_out": opted_out}
    )
    assert answer.status_code == 200, answer.text


# --------------------------------------------------------------------- role escalation


def test_a_recruiter_never_reaches_a_member_through_any_route(platform: Any) -> None:
    member = _member_subject(platform, platform.cast.private)
    _scored(platform, platform.acme_id, [member])
    api, page = platform.bearer(Role.RECRUITER), platform.browser(Role.RECRUITER)
    assert api.get(f"/api/v1/radar/subjects/{member}").status_code == 404
    assert page.get(f"/radar/subjects/{member}").status_code == 404
    out = api.post(f"/api/v1/radar/subjects/{member}/outreach", json={"status": "contacted"})
    assert out.status_code == 404
    assert (
        page.post(f"/radar/subjects/{member}/outreach", data={"status": "contacted"}).status_code
        == 404
    )
    assert api.get("/api/v1/radar/flight-risk").status_code == 403
    assert api.get("/api/v1/radar/flight-risk/audit").status_code == 403
    assert page.get("/radar/flight-risk").status_code == 403
    assert api.post("/api/v1/radar/score").status_code == 403
    listed = api.get("/api/v1/radar/prospects", params={"limit": 500}).json()
    assert member not in [r["subject_id"] for r in listed["items"]]
    assert all(r["kind"] == "prospect" for r in listed["items"])
    assert f'data-subject="{member}"' not in page.get("/radar").text
    with platform.sessions() as session:
        name = session.scalar(sa.select(Person.name).where(Person.id == platform.cast.private))
    assert name and name not in page.get("/radar").text


def test_a_recruiter_cannot_write_snapshots_onto_a_colleague(platform: Any) -> None:
    """A recruiter's file naming a member would feed HR's flight-risk view with whatever the
    recruiter typed (a fake "open to work", a fake move): recruiters bring prospects only."""
    employee_id = _employee_id(platform, platform.cast.report)
    rows = [
        {"subject": employee_id, "captured_at": "2025-01-01T00:00:00Z", "open_to_work": True},
    ]
    answer = _upload(platform.bearer(Role.RECRUITER), _jsonl(rows), "poison.jsonl")
    assert answer.status_code == 400, answer.text
    assert "poison.jsonl" in answer.text and "subject" in answer.text
    with platform.sessions() as session:
        held = session.scalar(
            sa.select(sa.func.count())
            .select_from(RadarSubject)
            .where(RadarSubject.person_id == platform.cast.report)
        )
    assert held == 0


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.SPONSOR, Role.MEMBER])
def test_other_roles_are_refused_on_every_radar_output(platform: Any, role: Role) -> None:
    member = _member_subject(platform, platform.cast.private)
    _, prospect = _prospect(platform)
    api, page = platform.bearer(role), platform.browser(role)
    for url in (
        "/api/v1/radar/prospects",
        "/api/v1/radar/activity",
        "/api/v1/radar/model",
        f"/api/v1/radar/subjects/{member}",
        f"/api/v1/radar/subjects/{prospect}",
        "/api/v1/radar/flight-risk",
        "/api/v1/radar/flight-risk/audit",
        "/api/v1/radar/policy",
        "/radar",
        f"/radar/subjects/{member}",
        f"/radar/subjects/{prospect}",
        "/radar/flight-risk",
    ):
        client = api if url.startswith("/api") else page
        assert client.get(url).status_code == 403, (role, url)
    assert api.post("/api/v1/radar/imports", files={"file": ("a.jsonl", b"{}")}).status_code == 403
    assert page.post("/radar/import", files={"file": ("a.jsonl", b"{}")}).status_code == 403
    assert api.put("/api/v1/radar/policy", json={"members_see_radar": True}).status_code == 403
    assert page.post("/radar/policy", data={"members_see_radar": "true"}).status_code == 403


def test_a_member_sees_only_their_own_radar(platform: Any) -> None:
    _member_subject(platform, platform.cast.private)
    mine = platform.bearer(Role.EMPLOYEE).get("/api/v1/radar/me").json()
    assert set(mine) == {"opted_out", "told", "on_radar", "snapshots"}
    exported = platform.bearer(Role.EMPLOYEE).get("/api/v1/me/export").json()["radar"]
    assert all(s["person_id"] == platform.cast.employee for s in exported["subjects"])


# ---------------------------------------------------------------- cross-organisation


def test_another_organisations_hr_gets_404_for_every_acme_subject(platform: Any) -> None:
    member = _member_subject(platform, platform.cast.private)
    _, prospect = _prospect(platform)
    _scored(platform, platform.acme_id, [member, prospect])
    other = platform.bearer(platform.other_hr)
    for subject in (member, prospect):
        assert other.get(f"/api/v1/radar/subjects/{subject}").status_code == 404
        step = other.post(f"/api/v1/radar/subjects/{subject}/outreach", json={"status": "hired"})
        assert step.status_code == 404
    risk = other.get("/api/v1/radar/flight-risk", params={"limit": 500}).json()
    assert {r["subject_id"] for r in risk["items"]}.isdisjoint({member, prospect})
    listed = other.get("/api/v1/radar/prospects", params={"limit": 500}).json()
    assert prospect not in [r["subject_id"] for r in listed["items"]]


# ------------------------------------------------------------------------------ CSRF


def test_every_radar_form_needs_the_csrf_token(platform: Any) -> None:
    _, prospect = _prospect(platform)
    forms: list[tuple[Role, str, dict[str, Any]]] = [
        (Role.RECRUITER, "/radar/import", {"files": {"file": ("c.jsonl", b"{}")}}),
        (Role.HR, "/radar/score", {}),
        (Role.RECRUITER, f"/radar/subjects/{prospect}/outreach", {"data": {"status": "hired"}}),
        (Role.EMPLOYEE, "/radar/me/opt-out", {"data": {"opted_out": "true"}}),
        (Role.ADMIN, "/radar/policy", {"data": {"members_see_radar": "true"}}),
        (Role.HR, f"/radar/subjects/{prospect}/erase", {"data": {"confirm_handle": "x"}}),
    ]
    for role, url, body in forms:
        bare = platform.browser(role, with_csrf=False)
        assert bare.post(url, **body).status_code == 403, url
        wrong = platform.browser(role, with_csrf=False)
        data = {**body.get("data", {}), "csrf_token": "forged"}
        assert wrong.post(url, data=data, files=body.get("files")).status_code == 403, url
    with platform.sessions() as session:
        assert session.get(RadarOptOut, platform.cast.employee) is None


# ------------------------------------------------------------------------ opt-out race


def test_opting_out_after_a_scoring_job_hides_and_forgets_the_prediction(platform: Any) -> None:
    member = _member_subject(platform, platform.cast.employee)
    others = [_member_subject(platform, p) for p in (platform.cast.private, platform.cast.report)]
    _scored(platform, platform.acme_id, [member, *others])
    hr = platform.bearer(Role.HR)
    risk = hr.get("/api/v1/radar/flight-risk", params={"limit": 500}).json()
    assert member in [r["subject_id"] for r in risk["items"]]
    _opt(platform, True)
    try:
        risk = hr.get("/api/v1/radar/flight-risk", params={"limit": 500}).json()
        assert member not in [r["subject_id"] for r in risk["items"]]
        assert hr.get(f"/api/v1/radar/subjects/{member}").status_code == 404
        assert platform.browser(Role.HR).get(f"/radar/subjects/{member}").status_code == 404
        page = platform.browser(Role.HR).get("/radar/flight-risk").text
        assert f'/radar/subjects/{member}"' not in page
        with platform.sessions() as session:
            kept = session.scalar(
                sa.select(sa.func.count())
                .select_from(RadarPrediction)
                .where(RadarPrediction.subject_id == member)
            )
        assert kept == 0, "an opted-out member's older prediction is still stored"
        exported = platform.bearer(Role.EMPLOYEE).get("/api/v1/me/export").json()["radar"]
        assert exported["opt_out"] is not None
        assert all(not s["predictions"] for s in exported["subjects"])
        # Opting back in does not bring back an estimate made before the opt-out.
        _opt(platform, False)
        risk = hr.get("/api/v1/radar/flight-risk", params={"limit": 500}).json()
        assert member not in [r["subject_id"] for r in risk["items"]]
    finally:
        _opt(platform, False)


def test_a_job_that_read_before_an_opt_out_stores_no_prediction_for_them(
    platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job reads the snapshots, the member opts out while it fits, then it stores."""
    from renown.radar import job as radar_job

    member = _member_subject(platform, platform.cast.employee)
    with platform.sessions() as session:
        key = session.scalar(sa.select(RadarSubject.key).where(RadarSubject.id == member))

    def fit_while_they_opt_out(
        snapshots: Any, facts: Any, *, report: Any = None
    ) -> tuple[dict[str, Any], list[Any], datetime]:
        # Straight to the store: the scoring request that runs this job holds the write turn.
        with platform.sessions() as session, session.begin():
            session.add(
                RadarOptOut(
                    person_id=platform.cast.employee, org_id=platform.acme_id, at=datetime.now(UTC)
                )
            )
        now = datetime.now(UTC)
        summary = {"enough": True, "as_of": now.isoformat(), "horizon_days": 180}
        return summary, [(key, 0.9, 0.5, 0.95, [])], now

    monkeypatch.setattr(radar_job, "fit_and_predict", fit_while_they_opt_out)
    try:
        started = platform.bearer(Role.HR).post("/api/v1/radar/score")
        assert started.status_code == 202, started.text
        with platform.sessions() as session:
            job = session.get(Job, started.json()["id"])
            assert job is not None and job.status == "done", job and job.error
            stored = session.scalar(
                sa.select(sa.func.count())
                .select_from(RadarPrediction)
                .where(RadarPrediction.subject_id == member)
            )
        assert stored == 0
    finally:
        _opt(platform, False)


# ---------------------------------------------------------------------- consent policy


def test_members_are_told_only_when_the_policy_says_so_and_can_always_export(
    platform: Any,
) -> None:
    _member_subject(platform, platform.cast.employee)
    admin = platform.bearer(Role.ADMIN)
    me = platform.bearer(Role.EMPLOYEE)
    page = platform.browser(Role.EMPLOYEE)
    assert admin.put("/api/v1/radar/policy", json={"members_see_radar": False}).status_code == 200
    quiet = me.get("/api/v1/radar/me").json()
    assert quiet["told"] is False and quiet["on_radar"] is None and quiet["snapshots"] is None
    assert "data-on-radar" not in page.get("/radar/me").text
    assert me.get("/api/v1/me/export").json()["radar"]["subjects"][0]["snapshots"]
    assert admin.put("/api/v1/radar/policy", json={"members_see_radar": True}).status_code == 200
    try:
        told = me.get("/api/v1/radar/me").json()
        assert told["told"] is True and told["on_radar"] is True and told["snapshots"] >= 2
        assert "data-on-radar" in page.get("/radar/me").text
    finally:
        admin.put("/api/v1/radar/policy", json={"members_see_radar": False})


# ----------------------------------------------------------------------------- XSS


def test_snapshot_fields_are_escaped_on_every_radar_page(platform: Any) -> None:
    _, prospect = _prospect(
        platform,
        subject=f"linkedin:x{uuid.uuid4().hex[:6]}{XSS}".replace(" ", ""),
        headline=XSS,
        summary=XSS,
        title=XSS,
        company=END_SCRIPT,
        location=XSS,
        skills=[XSS, END_SCRIPT],
    )
    member = _member_subject(platform, platform.cast.private)
    _scored(platform, platform.acme_id, [prospect, member], reason=END_SCRIPT + XSS)
    step = platform.bearer(Role.RECRUITER).post(
        f"/api/v1/radar/subjects/{prospect}/outreach", json={"status": "contacted", "note": XSS}
    )
    assert step.status_code == 200, step.text
    refused = _upload(
        platform.browser(Role.RECRUITER),
        _jsonl([{"subject": XSS, "captured_at": "2025-01-01T00:00:00Z"}]),
        "x.jsonl",
        "/radar/import",
    )
    assert refused.status_code == 400
    assert "<script>alert" not in refused.text and "<img src=x" not in refused.text
    for role, url in (
        (Role.RECRUITER, "/radar"),
        (Role.RECRUITER, f"/radar/subjects/{prospect}"),
        (Role.HR, "/radar/flight-risk"),
        (Role.HR, f"/radar/subjects/{member}"),
    ):
        html = platform.browser(role).get(url)
        assert html.status_code == 200, (url, html.text[:300])
        assert "<script>alert" not in html.text, url
        assert "<img src=x" not in html.text and XSS not in html.text, url
        assert END_SCRIPT not in html.text, url
        # Inside a <script type="application/json"> nothing may close the tag early.
        for block in html.text.split('<script type="application/json"')[1:]:
            body = block.split(">", 1)[1].split("</script>", 1)[0]
            assert "<" not in body, url
            json.loads(body)


# ------------------------------------------------------------------- hostile uploads


def _no_server_paths(text: str) -> None:
    # The server's own folders, read at run time: the temporary folder uploads are unpacked
    # in, the checkout, and the installed packages.
    here = str(Path(__file__).resolve().parents[2])
    for fragment in (tempfile.gettempdir(), "renown-radar-", "Traceback", here, "site-packages"):
        assert fragment not in text, fragment


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("latin.jsonl", '{"subject": "linkedin:caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
        ("nested.jsonl", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (
            "nested-object.jsonl",
            b'{"subject": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
            "nested too deeply",
        ),
        ("bad.zip", b"PK\x03\x04 not really a zip", "not a readable zip"),
        ("empty.csv", b"\n", "empty"),
        ("big.jsonl", b"{" + b" " * (51 * 2**20) + b"}", ""),
    ],
)
def test_hostile_uploads_are_refused_cleanly(
    platform: Any, name: str, data: bytes, why: str
) -> None:
    for url, client in (
        ("/api/v1/radar/imports", platform.bearer(Role.RECRUITER)),
        ("/radar/import", platform.browser(Role.RECRUITER)),
    ):
        answer = _upload(client, data, name, url)
        assert answer.status_code == (413 if name == "big.jsonl" else 400), (url, answer.text)
        assert why in answer.text, url
        _no_server_paths(answer.text)


def test_a_twenty_megabyte_field_is_refused_with_its_line_and_field(platform: Any) -> None:
    data = (
        b'{"subject": "linkedin:long", "captured_at": "2025-01-01T00:00:00Z", "summary": "'
        + b"a" * 20_000_000
        + b'"}'
    )
    answer = _upload(platform.bearer(Role.RECRUITER), data, "long.jsonl")
    assert answer.status_code == 400
    assert "line 1" in answer.text and "summary" in answer.text


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def test_zip_bombs_and_path_traversal_are_refused(platform: Any) -> None:
    bomb = _zip({"Profile.csv": b"a" * 200_000_000})
    traversal = _zip({"../../../../etc/evil/Profile.csv": b"First Name,Last Name\nA,B\n"})
    absolute = _zip({"/etc/Profile.csv": b"First Name,Last Name\nA,B\n"})
    for name, data in (("bomb.zip", bomb), ("trav.zip", traversal), ("abs.zip", absolute)):
        answer = _upload(platform.bearer(Role.RECRUITER), data, name)
        assert answer.status_code == 400, (name, answer.text)
        _no_server_paths(answer.text)


def test_a_formula_cell_is_kept_as_text_and_the_radar_exports_no_csv(platform: Any) -> None:
    handle = f"linkedin:f{uuid.uuid4().hex[:8]}"
    data = f'subject,captured_at,title\n{handle},2025-01-01,"=HYPERLINK(""http://e.x"",""go"")"\n'
    answer = _upload(platform.bearer(Role.RECRUITER), data.encode(), "cells.csv")
    assert answer.status_code == 200, answer.text
    listed = platform.bearer(Role.RECRUITER).get("/api/v1/radar/prospects", params={"limit": 500})
    row = next(r for r in listed.json()["items"] if r["handle"] == handle)
    assert row["title"] == '=HYPERLINK("http://e.x","go")'  # JSON and HTML only: inert
    routes = [getattr(r, "path", "") for r in platform.app.routes]
    assert not [p for p in routes if "radar" in p and ("csv" in p or "export" in p)]


# --------------------------------------------------------------------- concurrency


def test_two_identical_imports_at_once_add_the_file_once(platform: Any) -> None:
    handle = f"linkedin:race-{uuid.uuid4().hex[:8]}"
    rows = [
        {"subject": handle, "captured_at": f"2025-0{m}-01T00:00:00Z", "title": f"T{m}"}
        for m in range(1, 6)
    ]
    data = _jsonl(rows)
    clients = [platform.bearer(Role.RECRUITER), platform.bearer(Role.HR)]
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)

    def send(i: int) -> None:
        barrier.wait()
        answers[i] = _upload(clients[i], data, "race.jsonl")

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert sorted(a.json()["added"] for a in answers) == [0, 5]
    with platform.sessions() as session:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(RadarSnapshot)
            .join(RadarSubject, RadarSubject.id == RadarSnapshot.subject_id)
            .where(RadarSubject.key == handle)
        )
    assert count == 5


# ------------------------------------------------------------------ audit completeness


def test_every_read_of_radar_output_writes_one_audit_entry(platform: Any) -> None:
    member = _member_subject(platform, platform.cast.private)
    members = [member] + [
        _member_subject(platform, p) for p in (platform.cast.report, platform.cast.second_level)
    ]
    _, prospect = _prospect(platform)
    _scored(platform, platform.acme_id, [*members, prospect])
    reads: list[tuple[Role, str, int]] = [
        (Role.RECRUITER, "/api/v1/radar/prospects", 1),
        (Role.RECRUITER, "/api/v1/radar/activity", 1),
        (Role.RECRUITER, f"/api/v1/radar/subjects/{prospect}", 1),
        (Role.HR, f"/api/v1/radar/subjects/{member}", 1),
        (Role.HR, "/api/v1/radar/flight-risk", 1),
        (Role.EMPLOYEE, "/api/v1/radar/me", 1),
        (Role.RECRUITER, "/radar", 2),  # the prospects and their update activity
        (Role.RECRUITER, f"/radar/subjects/{prospect}", 1),
        (Role.HR, f"/radar/subjects/{member}", 1),
        (Role.EMPLOYEE, "/radar/me", 1),
    ]
    for role, url, expected in reads:
        before = _reads(platform, platform.acme_id)
        client = platform.bearer(role) if url.startswith("/api") else platform.browser(role)
        assert client.get(url).status_code == 200, url
        assert _reads(platform, platform.acme_id) - before == expected, url
    # The flight-risk page reads the list and, when there is enough to audit, the audit.
    before = _reads(platform, platform.acme_id)
    html = platform.browser(Role.HR).get("/radar/flight-risk")
    assert html.status_code == 200
    audited = "data-audit-unavailable" not in html.text
    assert _reads(platform, platform.acme_id) - before == 1 + audited
