"""The promotion-board API end to end: a whole round as HR (open, configure, what-if,
calibration, sign-off with an override, a candidate's explanation and appeal, HR's answer),
bias audits as JSON, CSV and PDF, the external-prominence acknowledgement, transparency,
other organisations' rounds, imports, one's own demographics and succession charts.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from renown import audit
from renown.core.roles import Role
from renown.store.tables.org import Department, Person
from renown.store.tables.talent import Demographics, PerformanceRating
from renown.talent.board import HIDDEN
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.web.policy import served_routes
from tests.web.conftest import Platform

API = "/api/v1"
RATINGS_PERIOD = "2025"
OBSERVED_ON = date(2025, 6, 1)


def acme_people(platform: Platform) -> dict[int, str]:
    """Person id -> employee id of every acme person."""
    with platform.sessions() as session:
        rows = session.execute(
            sa.select(Person.id, Person.employee_id).where(Person.org_id == platform.acme_id)
        ).all()
    return {int(pid): str(eid) for pid, eid in rows}


def current_people(platform: Platform) -> set[int]:
    """Acme's people who have not left (everyone else is not even listed in a round)."""
    today = date.today()
    with platform.sessions() as session:
        rows = session.execute(
            sa.select(Person.id, Person.left_on).where(Person.org_id == platform.acme_id)
        ).all()
    return {int(pid) for pid, left_on in rows if left_on is None or left_on > today}


@pytest.fixture(scope="module")
def evidence(platform: Platform) -> dict[int, str]:
    """Performance ratings for everyone (1 to 5 by id) and external scores of two people,
    imported through the API as HR."""
    people = acme_people(platform)
    lines = ["employee_id,period,performance_rating"]
    lines += [f"{eid},{RATINGS_PERIOD},{pid % 5 + 1}" for pid, eid in sorted(people.items())]
    ratings = "\n".join(lines) + "\n"
    hr = platform.bearer(Role.HR)
    answer = hr.post(
        f"{API}/talent/records/import", content=ratings, headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == len(people)
    external = "employee_id,external_network,external_score,external_observed_on\n" + "".join(
        f"{people[pid]},github,{score},{OBSERVED_ON}\n"
        for pid, score in ((platform.cast.private, 80), (platform.cast.public, 40))
    )
    files = {"file": ("external.csv", io.BytesIO(external.encode()), "text/csv")}
    answer = hr.post(f"{API}/talent/records/import", files=files)
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == 2
    return people


def open_round(client: Any, **overrides: Any) -> Any:
    body: dict[str, Any] = {
        "name": "Senior engineers 2026",
        "target": "Senior engineer",
        "criteria": [
            {"key": "performance", "weight": 50},
            {"key": "prominence_internal", "weight": 30},
            {"key": "tenure", "weight": 20},
            {"key": "prominence_external", "weight": 0},
        ],
        "top_n": 3,
        "performance_criteria": ["performance"],
        "potential_criteria": ["prominence_internal"],
        "transparency": "candidates",
    }
    return client.post(f"{API}/talent/rounds", json=body | overrides)


def new_round(platform: Platform, **overrides: Any) -> int:
    answer = open_round(platform.bearer(Role.HR), **overrides)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_a_whole_round_through_the_api(platform: Platform, evidence: dict[int, str]) -> None:
    hr = platform.bearer(Role.HR)
    opened = open_round(hr)
    assert opened.status_code == 201, opened.text
    created = opened.json()
    round_id = created["id"]
    assert (created["external_weighted"], created["warning"]) == (False, None)
    assert created["candidates"] == len(current_people(platform))

    configured = hr.put(f"{API}/talent/rounds/{round_id}", json={"top_n": 2})
    assert configured.status_code == 200, configured.text
    assert configured.json()["top_n"] == 2
    assert configured.json()["transparency"] == "candidates"  # omitted: unchanged
    assert configured.json()["criteria"] == created["criteria"]

    whatif = hr.get(f"{API}/talent/rounds/{round_id}/whatif", params={"steps": 11}).json()
    assert [s["weight"] for s in whatif["steps"]] == [10.0 * i for i in range(11)]
    assert all(len(s["top"]) >= 2 for s in whatif["steps"])
    assert whatif["configured_weight"] == 30.0
    assert whatif["versus_configured"]["weight"] == 30.0
    assert {row["name"] for row in whatif["chart"]} >= {
        p["name"] for p in whatif["steps"][0]["top"]
    }

    nine = hr.get(f"{API}/talent/rounds/{round_id}/ninebox").json()
    placed = [row for row in nine["rows"] if row["box"] is not None]
    assert sum(cell["count"] for cell in nine["counts"]) == len(placed)
    calibration = hr.post(f"{API}/talent/rounds/{round_id}/calibration", json={"name": "Q1"})
    assert calibration.status_code == 201, calibration.text
    session_id = calibration.json()["id"]
    moved = placed[0]
    target = {"performance": 4 - moved["box"]["performance"], "potential": 2}
    if (target["performance"], target["potential"]) == (
        moved["box"]["performance"],
        moved["box"]["potential"],
    ):
        target["potential"] = 3
    moves = f"{API}/talent/rounds/{round_id}/calibration/{session_id}/moves"
    no_reason = hr.post(moves, json={"person_id": moved["person_id"], **target})
    assert no_reason.status_code == 422
    move = hr.post(
        moves,
        json={"person_id": moved["person_id"], **target, "reason": "Led the platform migration"},
    )
    assert move.status_code == 201, move.text
    assert move.json()["to_box"]["performance"] == target["performance"]
    after = hr.get(f"{API}/talent/rounds/{round_id}/ninebox", params={"session_id": session_id})
    assert [m["person_id"] for m in after.json()["moves"]] == [moved["person_id"]]
    assert after.json()["shift"][0]["group"] == "everyone"
    assert after.json()["shift"][0]["moved"] == 1

    board = hr.get(f"{API}/talent/rounds/{round_id}").json()
    recommended = board["recommended"]
    outsider = next(
        r["person_id"] for r in board["rows"] if r["rank"] and r["person_id"] not in recommended
    )
    passed_over = recommended[0]
    promoted = [*recommended[1:], outsider]
    decision_url = f"{API}/talent/rounds/{round_id}/decision"
    assert hr.get(decision_url).json() is None
    missing_override = hr.post(
        decision_url, json={"promoted": promoted, "reason": "The board, with one exception"}
    )
    assert missing_override.status_code == 422
    assert "needs a reason" in missing_override.json()["detail"]
    overrides = {
        str(outsider): "Carried the incident response all year",
        str(passed_over): "Moving to another role next month",
    }
    signed = hr.post(
        decision_url,
        json={
            "promoted": promoted,
            "reason": "The board, with one exception",
            "overrides": overrides,
        },
    )
    assert signed.status_code == 201, signed.text
    decision = signed.json()
    assert decision["verified"] is True
    assert sorted(o["person_id"] for o in decision["overrides"]) == sorted([outsider, passed_over])
    assert hr.get(decision_url).json()["audit_hash"] == decision["audit_hash"]
    frozen = hr.get(f"{API}/talent/rounds/{round_id}").json()
    assert frozen["round"]["status"] == "decided"
    assert frozen["decision"]["promoted"] == promoted

    employee = platform.bearer(Role.EMPLOYEE)
    mine = employee.get(f"{API}/talent/rounds/{round_id}/me")
    assert mine.status_code == 200, mine.text
    explanation = mine.json()
    assert explanation["decided"] is True
    assert explanation["promoted"] is (platform.cast.employee in promoted)
    assert explanation["row"]["person_id"] == platform.cast.employee
    assert {c["key"] for c in explanation["row"]["contributions"]} >= {"performance", "tenure"}
    appeal = employee.post(
        f"{API}/talent/rounds/{round_id}/appeals",
        json={"text": "My rating for 2025 was entered for the wrong period"},
    )
    assert appeal.status_code == 201, appeal.text
    appeal_id = appeal.json()["id"]
    assert [a["id"] for a in employee.get(f"{API}/talent/rounds/{round_id}/appeals").json()] == [
        appeal_id
    ]
    answer_url = f"{API}/talent/appeals/{appeal_id}/answer"
    assert hr.post(answer_url, json={"answer": "Checked the record"}).status_code == 422
    answered = hr.post(
        answer_url, json={"upheld": False, "answer": "The 2025 rating is the right period"}
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "rejected"
    assert hr.post(answer_url, json={"upheld": True, "answer": "Again"}).status_code == 422

    with platform.sessions() as session:
        assert audit.verify(session) == []


def test_bias_audits_answer_json_csv_and_pdf(platform: Platform, evidence: dict[int, str]) -> None:
    hr = platform.bearer(Role.HR)
    round_id = new_round(platform)
    report = hr.get(f"{API}/talent/rounds/{round_id}/audit")
    assert report.status_code == 200, report.text
    assert report.json()["pool_size"] == len(current_people(platform))
    assert report.json()["sections"]
    csv = hr.get(f"{API}/talent/rounds/{round_id}/audit.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.text.startswith("# title: Bias audit: Senior engineers 2026")
    assert "selection:sex" in csv.text
    pdf = hr.get(f"{API}/talent/rounds/{round_id}/audit.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    prominence = hr.get(f"{API}/talent/audit/prominence")
    assert prominence.status_code == 200, prominence.text
    assert prominence.json()["meta"]["title"] == "Bias audit: network prominence score"
    assert (
        hr.get(f"{API}/talent/audit/prominence.csv").headers["content-type"].startswith("text/csv")
    )
    assert hr.get(f"{API}/talent/audit/prominence.pdf").content.startswith(b"%PDF")
    assert platform.bearer(Role.MANAGER).get(
        f"{API}/talent/rounds/{round_id}/audit"
    ).status_code == (403)


def test_external_weight_needs_the_risk_acknowledged(
    platform: Platform, evidence: dict[int, str]
) -> None:
    hr = platform.bearer(Role.HR)
    weighted = [{"key": "performance", "weight": 60}, {"key": "prominence_external", "weight": 40}]
    refused = open_round(hr, criteria=weighted)
    assert refused.status_code == 422
    assert "acknowledge" in refused.json()["detail"]
    accepted = open_round(hr, criteria=weighted, acknowledge_external_risk=True)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["external_weighted"] is True
    assert accepted.json()["warning"] == EXTERNAL_PROMINENCE_WARNING
    round_id = accepted.json()["id"]
    board = hr.get(f"{API}/talent/rounds/{round_id}").json()
    assert board["warning"] == EXTERNAL_PROMINENCE_WARNING
    # The acknowledgement stands for later changes of the same round...
    assert hr.put(f"{API}/talent/rounds/{round_id}", json={"top_n": 4}).status_code == 200
    # ...but a round that never weighted it must acknowledge before it does.
    plain = new_round(platform)
    change = hr.put(f"{API}/talent/rounds/{plain}", json={"criteria": weighted})
    assert change.status_code == 422


def test_transparency_decides_who_sees_the_ranking(
    platform: Platform, evidence: dict[int, str]
) -> None:
    employee = platform.bearer(Role.EMPLOYEE)
    hidden = new_round(platform, transparency="no_one")
    assert employee.get(f"{API}/talent/rounds/{hidden}").status_code == 404
    assert employee.get(f"{API}/talent/rounds/{hidden}/me").status_code == 200

    published = new_round(platform, transparency="everyone")
    seen = employee.get(f"{API}/talent/rounds/{published}")
    assert seen.status_code == 200, seen.text
    rows = {row["person_id"]: row for row in seen.json()["rows"]}
    assert set(rows) == current_people(platform)
    assert seen.json()["full"] is False and seen.json()["excluded"] == []

    def external(row: dict[str, Any]) -> dict[str, Any]:
        return next(c for c in row["contributions"] if c["key"] == "prominence_external")

    private = external(rows[platform.cast.private])
    assert (private["points"], private["shown"]) == (None, HIDDEN)
    assert external(rows[platform.cast.public])["points"] == 40.0
    full = platform.bearer(Role.HR).get(f"{API}/talent/rounds/{published}").json()
    hr_rows = {row["person_id"]: row for row in full["rows"]}
    assert external(hr_rows[platform.cast.private])["points"] == 80.0


def test_non_candidates_and_other_organisations_get_404(
    platform: Platform, evidence: dict[int, str]
) -> None:
    with platform.sessions() as session:
        department = session.scalar(
            sa.select(Person.department_id).where(Person.id == platform.cast.employee)
        )
        other_department = session.scalar(
            sa.select(Person.department_id).where(
                Person.org_id == platform.acme_id, Person.department_id != department
            )
        )
        name = session.scalar(sa.select(Department.name).where(Department.id == other_department))
    round_id = new_round(platform, eligibility={"departments": [name]}, transparency="candidates")
    employee = platform.bearer(Role.EMPLOYEE)
    assert employee.get(f"{API}/talent/rounds/{round_id}").status_code == 404
    assert employee.get(f"{API}/talent/rounds/{round_id}/me").status_code == 404
    hr = platform.bearer(Role.HR)
    board = hr.get(f"{API}/talent/rounds/{round_id}").json()
    assert platform.cast.employee in [p["person_id"] for p in board["excluded"]]
    signed = hr.post(
        f"{API}/talent/rounds/{round_id}/decision",
        json={"promoted": board["recommended"], "reason": "As recommended by the board"},
    )
    assert signed.status_code == 201, signed.text
    appeal = employee.post(
        f"{API}/talent/rounds/{round_id}/appeals", json={"text": "I was not considered"}
    )
    assert appeal.status_code == 404  # the round is not published to a non-candidate
    other = platform.bearer(platform.other_hr)
    for path in ("", "/me", "/appeals", "/decision", "/audit", "/ninebox", "/whatif"):
        assert other.get(f"{API}/talent/rounds/{round_id}{path}").status_code == 404, path
    assert other.put(f"{API}/talent/rounds/{round_id}", json={}).status_code == 404
    assert round_id not in [r["id"] for r in other.get(f"{API}/talent/rounds").json()]


def test_missing_fields_are_422_on_own_objects(
    platform: Platform, evidence: dict[int, str]
) -> None:
    hr = platform.bearer(Role.HR)
    round_id = new_round(platform)
    person = platform.cast.private
    assert hr.put(f"{API}/talent/rounds/{round_id}/candidates/{person}", json={}).status_code == (
        422
    )
    taken_out = hr.put(
        f"{API}/talent/rounds/{round_id}/candidates/{person}",
        json={"included": False, "reason": "On leave for the whole period"},
    )
    assert taken_out.status_code == 200, taken_out.text
    assert taken_out.json()["candidates"] == len(current_people(platform)) - 1
    assert hr.post(f"{API}/talent/rounds/{round_id}/decision", json={}).status_code == 422
    opened = hr.post(f"{API}/talent/rounds/{round_id}/calibration", json={"name": "Q2"})
    session_id = opened.json()["id"]
    moves = f"{API}/talent/rounds/{round_id}/calibration/{session_id}/moves"
    assert hr.post(moves, json={}).status_code == 422
    closed = hr.post(f"{API}/talent/rounds/{round_id}/calibration/{session_id}/close")
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None


def test_a_round_nobody_is_eligible_for(platform: Platform, evidence: dict[int, str]) -> None:
    hr = platform.bearer(Role.HR)
    round_id = new_round(platform, eligibility={"titles": ["Chief Imagination Officer"]})
    board = hr.get(f"{API}/talent/rounds/{round_id}")
    assert board.status_code == 200, board.text
    assert board.json()["rows"] == []
    assert len(board.json()["excluded"]) == len(current_people(platform))
    assert hr.get(f"{API}/talent/rounds/{round_id}/whatif").status_code == 200
    assert hr.get(f"{API}/talent/rounds/{round_id}/ninebox").status_code == 200
    assert hr.get(f"{API}/talent/rounds/{round_id}/audit").status_code == 422


def test_imports_take_csv_bodies_and_files_and_locate_problems(
    platform: Platform, evidence: dict[int, str]
) -> None:
    hr = platform.bearer(Role.HR)
    first = sorted(evidence.values())[:3]
    ratings = "employee_id,period,performance_rating\n" + "".join(f"{e},2024,3\n" for e in first)
    url = f"{API}/talent/records/import"
    added = hr.post(url, content=ratings, headers={"content-type": "text/csv"})
    assert added.json() | {"source": ""} == {"added": 3, "updated": 0, "unchanged": 0, "source": ""}
    again = hr.post(url, files={"file": ("ratings.csv", io.BytesIO(ratings.encode()), "text/csv")})
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 3)
    broken = "employee_id,period,performance_rating\n" + f"{first[0]},2024,9\n"
    refused = hr.post(url, content=broken, headers={"content-type": "text/csv"})
    assert refused.status_code == 400
    assert (refused.json()["detail"]["line"], refused.json()["detail"]["field"]) == (
        2,
        "performance_rating",
    )
    assert hr.post(url, json={}).status_code == 400
    demographics = f"employee_id,sex,age_band\n{first[0]},Female,30-39\n{first[1]},,\n"
    imported = hr.post(
        f"{API}/talent/demographics/import",
        files={"file": ("answers.csv", io.BytesIO(demographics.encode()), "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == 2
    employee = platform.bearer(Role.EMPLOYEE)
    assert employee.post(
        url, content=ratings, headers={"content-type": "text/csv"}
    ).status_code == (403)


def test_malformed_talent_files_are_a_400_with_line_and_field_and_write_nothing(
    platform: Platform, evidence: dict[int, str]
) -> None:
    hr = platform.bearer(Role.HR)
    first, second = sorted(evidence.values())[:2]

    def rows() -> list[int]:
        with platform.sessions() as session:
            return [
                session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                for table in (PerformanceRating, Demographics)
            ]

    before = rows()
    records = f'employee_id,period,performance_rating\n{first},"2023,4\n{second},2023,5\n'.encode()
    answer = hr.post(
        f"{API}/talent/records/import", content=records, headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 400, answer.text
    assert (answer.json()["detail"]["line"], answer.json()["detail"]["field"]) == (2, "period")
    answers = f"employee_id,sex,age_band\n{first},female,30-39\n{second},male\n".encode()
    answer = hr.post(
        f"{API}/talent/demographics/import",
        files={"file": ("answers.csv", io.BytesIO(answers), "text/csv")},
    )
    assert answer.status_code == 400, answer.text
    assert (answer.json()["detail"]["line"], answer.json()["detail"]["field"]) == (3, "age_band")
    assert "has 2 fields" in answer.json()["detail"]["message"]
    assert rows() == before


def test_my_demographics_are_mine_only(platform: Platform) -> None:
    employee = platform.bearer(Role.EMPLOYEE)
    url = f"{API}/me/demographics"
    manager = platform.bearer(Role.MANAGER)
    managers_before = manager.get(url).json()
    assert employee.get(url).json()["sex"] is None
    answered = employee.put(url, json={"sex": "NON-BINARY", "age_band": "prefer not to say"})
    assert answered.status_code == 200, answered.text
    assert (answered.json()["sex"], answered.json()["age_band"]) == ("non-binary", None)
    assert "Asian" in answered.json()["allowed"]["race_ethnicity"]
    assert manager.get(url).json() == managers_before
    assert employee.put(url, json={"disability": "sometimes"}).status_code == 422
    assert employee.delete(url).status_code == 204
    assert employee.get(url).json()["sex"] is None
    paths = [r.path for r in served_routes(platform.app.routes) if "demographics" in r.path]
    assert paths and not any("{" in path for path in paths)


def test_succession_charts(platform: Platform, evidence: dict[int, str]) -> None:
    hr = platform.bearer(Role.HR)
    twice = [{"key": "performance", "weight": 1}, {"key": "performance", "weight": 2}]
    url = f"{API}/talent/succession"
    body = {"role_name": "Head of platform", "incumbent_id": platform.cast.manager}
    assert hr.post(url, json=body | {"criteria": twice}).status_code == 422
    created = hr.post(url, json=body)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["incumbent"]["id"] == platform.cast.manager and plan["warning"] is None
    assert plan["suggestions"]
    successors = f"{url}/{plan['id']}/successors"
    suggested = hr.post(successors, json={"person_id": platform.cast.report})
    assert suggested.status_code == 201, suggested.text
    assert suggested.json()["readiness"] == suggested.json()["suggested"]
    assert (
        hr.post(
            successors, json={"person_id": platform.cast.public, "readiness": "now"}
        ).status_code
        == 422
    )
    chosen = hr.post(
        successors,
        json={
            "person_id": platform.cast.public,
            "readiness": "now",
            "reason": "Ran the team for a year",
        },
    )
    assert chosen.status_code == 201, chosen.text
    changed = hr.put(
        f"{successors}/{platform.cast.report}",
        json={"readiness": "3y+", "reason": "Needs experience with budgets"},
    )
    assert changed.json()["readiness"] == "3y+"
    assert hr.put(f"{successors}/{platform.cast.report}", json={}).status_code == 422
    assert hr.delete(f"{successors}/{platform.cast.public}").status_code == 204
    chart = hr.get(f"{url}/{plan['id']}").json()
    assert [s["person_id"] for s in chart["successors"]] == [platform.cast.report]
    listed = {p["id"]: p for p in hr.get(url).json()}
    assert listed[plan["id"]]["successors"] == 1
    assert platform.bearer(platform.other_hr).get(f"{url}/{plan['id']}").status_code == 404
