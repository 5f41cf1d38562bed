"""Pages of the 9-box and calibration, bias audits, succession charts, self-reported
demographics and talent imports, driven through the browser session like a person would."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdfium2
import pytest
import sqlalchemy as sa

from renown.accounts.actions import do_create_account
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.store.tables.org import Person
from renown.talent.calibration import nine_box
from renown.talent.composite import WeightedCriterion
from renown.talent.imports import check_import_talent_records
from renown.talent.ninebox import BOX_NAMES, Box
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.report_csv import CSV_COLUMNS
from renown.talent.rounds import DEFAULT_CRITERIA, Eligibility, RoundConfig, check_open_round
from renown.web.policy import served_routes
from renown.web.talent.calibration import MOVED_EVENT
from renown.web.talent.present_ninebox import MOVED
from tests.web.conftest import PASSWORD, Member, Platform, principal_of_account

HTMX = {"HX-Request": "true"}
SPEC = re.compile(r"data-ninebox-spec='([^']*)'")
ANSWERS = {
    "sex": "non-binary",
    "race_ethnicity": "Native Hawaiian or Pacific Islander",
    "age_band": "50 and over",
    "disability": "yes",
}


@dataclass(frozen=True)
class Talent:
    """The rounds the tests work on (every acme person rated, so the 9-box has points)."""

    round_id: int
    external_round_id: int
    names: dict[int, str]
    employee_ids: dict[int, str]


def _hr_principal(platform: Platform, session: Any) -> Any:
    return principal_of_account(session, platform.members[Role.HR].account_id)


def _open_round(platform: Platform, name: str, config: RoundConfig) -> int:
    with platform.sessions() as session, session.begin():
        created = check_open_round(
            session,
            _hr_principal(platform, session),
            name=name,
            target="Senior",
            eligibility=Eligibility(),
            config=config,
            clock=FixedClock(datetime.now(UTC)),
        )
        return int(created.id)


@pytest.fixture(scope="module")
def talent(platform: Platform) -> Talent:
    with platform.sessions() as session:
        people = session.execute(
            sa.select(Person.id, Person.name, Person.employee_id).where(
                Person.org_id == platform.acme_id
            )
        ).all()
    lines = ["employee_id,period,performance_rating"]
    lines += [f"{employee},2026,{1 + pid % 5}" for pid, _, employee in people]
    with platform.sessions() as session, session.begin():
        check_import_talent_records(
            session,
            _hr_principal(platform, session),
            "\n".join(lines),
            "ratings.csv",
            clock=FixedClock(datetime.now(UTC) - timedelta(days=1)),
        )
    plain = _open_round(platform, "Calibration round", RoundConfig(top_n=10))
    external = _open_round(
        platform,
        "Round with external prominence",
        RoundConfig(
            criteria=(*DEFAULT_CRITERIA[:-1], WeightedCriterion("prominence_external", 10.0)),
            acknowledge_external_risk=True,
        ),
    )
    return Talent(
        round_id=plain,
        external_round_id=external,
        names={pid: name for pid, name, _ in people},
        employee_ids={pid: employee for pid, _, employee in people},
    )


def _spec_points(html: str) -> list[dict[str, Any]]:
    found = SPEC.search(html)
    assert found, "no 9-box spec on the page"
    spec = json.loads(found.group(1))
    layers = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    assert len(layers) == 1
    points: list[dict[str, Any]] = layers[0]["data"]["values"]
    return points


def _boxes(platform: Platform, role: Role, round_id: int) -> dict[int, Box]:
    """The cells the domain says ``role`` may see (the page must draw exactly these)."""
    with platform.sessions() as session:
        principal = principal_of_account(session, platform.members[role].account_id)
        view = nine_box(session, principal, round_id)
        return {row.person_id: row.box for row in view.rows if row.box is not None}


def _open_session(platform: Platform, round_id: int, name: str) -> int:
    answer = platform.browser(Role.HR).post(
        f"/talent/rounds/{round_id}/calibration", data={"name": name}
    )
    assert answer.status_code == 303, answer.text
    found = re.search(r"session_id=(\d+)", answer.headers["location"])
    assert found
    return int(found.group(1))


def _elsewhere(box: Box) -> Box:
    return (1, 1) if box != (1, 1) else (3, 3)


def _move(client: Any, round_id: int, session_id: int, person: int, to: Box, reason: str) -> Any:
    return client.post(
        f"/talent/rounds/{round_id}/calibration/{session_id}/moves",
        data={
            "person_id": str(person),
            "performance": str(to[0]),
            "potential": str(to[1]),
            "reason": reason,
        },
    )


# --- 9-box and calibration ----------------------------------------------------------------


def test_ninebox_chart_has_one_point_per_visible_candidate(
    platform: Platform, talent: Talent
) -> None:
    page = platform.browser(Role.HR).get(f"/talent/rounds/{talent.round_id}/ninebox")
    assert page.status_code == 200, page.text
    points = _spec_points(page.text)
    expected = _boxes(platform, Role.HR, talent.round_id)
    assert len(expected) > 20, "the fixture should place most of the organisation"
    assert sorted(p["person_id"] for p in points) == sorted(expected)
    for point in points:
        perf, pot = expected[point["person_id"]]
        assert point["box"] == BOX_NAMES[(perf, pot)]
        assert perf - 1 < point["x"] < perf and pot - 1 < point["y"] < pot
        assert point["name"] == talent.names[point["person_id"]]
        assert {"department", "composite"} <= point.keys()
    again = _spec_points(platform.browser(Role.HR).get(page.url).text)
    assert again == points, "the jitter must be the same on every draw"
    assert "data-ninebox-spec" in page.text and "<script>" not in page.text
    for name in BOX_NAMES.values():
        assert name in page.text  # the accessible table names every cell


def test_manager_sees_only_their_reports_and_employee_is_refused(
    platform: Platform, talent: Talent
) -> None:
    page = platform.browser(Role.MANAGER).get(f"/talent/rounds/{talent.round_id}/ninebox")
    assert page.status_code == 200, page.text
    shown = {p["person_id"] for p in _spec_points(page.text)}
    assert shown == set(_boxes(platform, Role.MANAGER, talent.round_id))
    assert platform.cast.private not in shown and platform.cast.employee not in shown
    assert (
        'action="/talent/rounds/'
        not in page.text.split("Calibration session", 1)[1].split("</section>", 1)[0]
    ), "a manager cannot open or close sessions"
    refused = platform.browser(Role.EMPLOYEE).get(f"/talent/rounds/{talent.round_id}/ninebox")
    assert refused.status_code == 403


def test_a_move_needs_a_reason_then_shows_in_moves_and_shift(
    platform: Platform, talent: Talent
) -> None:
    session_id = _open_session(platform, talent.round_id, "Reasons session")
    boxes = _boxes(platform, Role.HR, talent.round_id)
    person = platform.cast.public if platform.cast.public in boxes else min(boxes)
    target = _elsewhere(boxes[person])
    client = platform.browser(Role.HR)

    refused = _move(client, talent.round_id, session_id, person, target, "")
    assert refused.status_code == 422
    assert "A reason for the move is required" in refused.text
    assert f'name="person_id" value="{person}" data-picker-value' in refused.text

    reason = "Led the platform migration single-handedly"
    moved = _move(client, talent.round_id, session_id, person, target, reason)
    assert moved.status_code == 303
    page = client.get(moved.headers["location"])
    assert reason in page.text and "The move is recorded" in page.text
    point = next(p for p in _spec_points(page.text) if p["person_id"] == person)
    assert point["status"] == MOVED and point["box"] == BOX_NAMES[target]

    shift = client.get(
        f"/talent/rounds/{talent.round_id}/ninebox/shift",
        params={"session_id": session_id},
        headers=HTMX,
    )
    assert shift.status_code == 200
    assert reason in shift.text and talent.names[person] in shift.text
    everyone = re.search(r'data-group="everyone">.*?data-moved>(\d+)<', shift.text, re.S)
    assert everyone and everyone.group(1) == "1"
    assert "<html" not in shift.text  # a fragment for htmx, not a page
    assert 'hx-trigger="every 5s, calibration-moved from:body"' in page.text


def test_htmx_moves_swap_the_workspace_and_trigger_the_shift(
    platform: Platform, talent: Talent
) -> None:
    session_id = _open_session(platform, talent.round_id, "Live session")
    boxes = _boxes(platform, Role.HR, talent.round_id)
    person = sorted(boxes)[1]
    client = platform.browser(Role.HR)
    url = f"/talent/rounds/{talent.round_id}/calibration/{session_id}/moves"
    fields = {"person_id": str(person), "performance": "2", "potential": "2"}

    refused = client.post(url, data=fields | {"reason": "no"}, headers=HTMX)
    assert refused.status_code == 422
    assert 'id="ninebox-workspace"' in refused.text
    assert "<html" not in refused.text and "reason for the move" in refused.text

    target = _elsewhere(boxes[person])
    fields |= {"performance": str(target[0]), "potential": str(target[1])}
    moved = client.post(url, data=fields | {"reason": "Calibrated with peers"}, headers=HTMX)
    assert moved.status_code == 200
    assert moved.headers["HX-Trigger"] == MOVED_EVENT
    assert 'id="ninebox-workspace"' in moved.text and "<html" not in moved.text
    point = next(p for p in _spec_points(moved.text) if p["person_id"] == person)
    assert point["status"] == MOVED


def test_manager_moves_own_reports_only_and_closed_sessions_refuse(
    platform: Platform, talent: Talent
) -> None:
    session_id = _open_session(platform, talent.round_id, "Managers' session")
    mine = _boxes(platform, Role.MANAGER, talent.round_id)
    assert mine, "the manager should have placed reports in the round"
    report = min(mine)
    manager = platform.browser(Role.MANAGER)
    why = "Carried the team through the release"
    moved = _move(manager, talent.round_id, session_id, report, _elsewhere(mine[report]), why)
    assert moved.status_code == 303, moved.text

    everyone = _boxes(platform, Role.HR, talent.round_id)
    outsider = platform.cast.private
    assert outsider in everyone and outsider not in mine
    target = _elsewhere(everyone[outsider])
    foreign = _move(manager, talent.round_id, session_id, outsider, target, why)
    assert foreign.status_code in (404, 422)
    employee = _move(
        platform.browser(Role.EMPLOYEE), talent.round_id, session_id, report, (2, 2), why
    )
    assert employee.status_code == 403

    hr = platform.browser(Role.HR)
    closed = hr.post(f"/talent/rounds/{talent.round_id}/calibration/{session_id}/close")
    assert closed.status_code == 303
    late = _move(hr, talent.round_id, session_id, outsider, target, why)
    assert late.status_code == 422 and "closed" in late.text
    again = hr.post(f"/talent/rounds/{talent.round_id}/calibration/{session_id}/close")
    assert again.status_code == 422 and "already closed" in again.text
    unnamed = hr.post(f"/talent/rounds/{talent.round_id}/calibration", data={"name": " "})
    assert unnamed.status_code == 422 and "name must be 1 to 200" in unnamed.text


# --- Bias audits --------------------------------------------------------------------------


def _demographics_csv(talent: Talent) -> str:
    sexes = ("female", "male", "Female", "MALE", "non-binary", "")
    races = ("White", "Asian", "Black or African American", "Hispanic or Latino")
    lines = ["employee_id,sex,race_ethnicity"]
    for i, employee in enumerate(sorted(talent.employee_ids.values())):
        if i % 7 == 6:
            continue  # some people never answer
        race = "American Indian or Alaska Native" if i == 0 else races[i % len(races)]
        lines.append(f"{employee},{sexes[i % len(sexes)]},{race}")  # one person alone in a race
    return "\n".join(lines) + "\n"


def _csv_rows(text: str) -> list[list[str]]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        assert len(document) >= 1
        page = document[0]
        text_page = page.get_textpage()
        text = str(text_page.get_text_range())
        text_page.close()
        page.close()
        return text
    finally:
        document.close()


def test_round_audit_page_csv_and_pdf(platform: Platform, talent: Talent) -> None:
    hr = platform.browser(Role.HR)
    upload = hr.post(
        "/talent/imports/demographics",
        files={"file": ("answers.csv", _demographics_csv(talent).encode(), "text/csv")},
    )
    assert upload.status_code == 200, upload.text
    assert "added" in upload.text and "data-import-summary" in upload.text

    page = hr.get(f"/talent/rounds/{talent.round_id}/audit")
    assert page.status_code == 200, page.text
    for heading in (
        "Selection rates by sex",
        "Selection rates by race/ethnicity",
        "Scoring rates by sex and race/ethnicity (intersections)",
        "Prominence scoring rates by sex",
    ):
        assert heading in page.text
    for column in ("Impact ratio", "Four-fifths", "Fisher p", "z-test p", "Above median"):
        assert column in page.text
    for meta in ("Organisation", "Data source", "Period", "Generated", "Acme Corporation"):
        assert meta in page.text
    assert "compare with the reference category" in page.text
    assert "Unknown: " in page.text and "impact ratio" in page.text.lower()
    assert "No demographics reported for" in page.text  # the warnings box
    assert EXTERNAL_PROMINENCE_WARNING not in page.text

    csv_answer = hr.get(f"/talent/rounds/{talent.round_id}/audit.csv")
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["content-disposition"]
    rows = _csv_rows(csv_answer.text)
    assert tuple(rows[0]) == CSV_COLUMNS
    # a published selection rate by sex (which categories are published depends on who is
    # selected: categories too small to publish are merged into a "suppressed: ..." row)
    assert any(row[1] == "selection" and row[2] == "sex" and row[6] for row in rows[1:])
    assert all(row[6] == "" for row in rows[1:] if row[3].startswith("suppressed: "))
    # Next to the named list of who is promoted, a small category would reveal its people's
    # answers: none of fewer than 5 people is published, in any section or intersection.
    kept = ("unknown", "excluded: ", "suppressed: ")
    published = [int(row[4]) for row in rows[1:] if not row[3].startswith(kept)]
    assert published and min(published) >= 5
    assert any(row[3].startswith("suppressed: ") for row in rows[1:])
    assert "data-suppressed" in page.text and "fewer than 5 people" in page.text

    pdf = hr.get(f"/talent/rounds/{talent.round_id}/audit.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Bias audit" in _pdf_text(pdf.content)

    external = hr.get(f"/talent/rounds/{talent.external_round_id}/audit")
    assert external.status_code == 200 and EXTERNAL_PROMINENCE_WARNING in external.text
    assert (
        platform.browser(Role.MANAGER).get(f"/talent/rounds/{talent.round_id}/audit").status_code
        == 403
    )


def test_prominence_audit_and_an_organisation_without_a_run(platform: Platform) -> None:
    hr = platform.browser(Role.HR)
    page = hr.get("/talent/audit/prominence")
    assert page.status_code == 200
    assert "Prominence scoring rates by sex" in page.text and "top decile" in page.text
    assert _csv_rows(hr.get("/talent/audit/prominence.csv").text)[0] == list(CSV_COLUMNS)
    assert hr.get("/talent/audit/prominence.pdf").content.startswith(b"%PDF")

    with platform.sessions() as session, session.begin():
        org = do_create_org(session, "fresh", "Fresh Startup")
        account = do_create_account(
            session, org_id=org.id, email="hr@fresh.example", password=PASSWORD, role=Role.HR
        )
        fresh = Member(Role.HR, account.id, account.email, None, org.id)
    empty = platform.browser(fresh).get("/talent/audit/prominence")
    assert empty.status_code == 200 and "no scoring run yet" in empty.text
    assert platform.browser(fresh).get("/talent/audit/prominence.csv").status_code == 422


# --- Succession ---------------------------------------------------------------------------


def _column_of(html: str, person_id: int) -> str | None:
    for readiness, body in re.findall(
        r'<section aria-labelledby="col-\d" data-readiness="([^"]+)">(.*?)</section>', html, re.S
    ):
        if f'data-successor="{person_id}"' in body:
            return str(readiness)
    return None


def test_succession_flow(platform: Platform, talent: Talent) -> None:
    hr = platform.browser(Role.HR)
    listing = hr.get("/talent/succession")
    assert listing.status_code == 200 and 'name="criterion" value="performance"' in listing.text
    search = hr.get(
        "/talent/succession/people-search",
        params={"q": talent.names[platform.cast.manager], "field": "incumbent_id"},
        headers=HTMX,
    )
    assert f'name="incumbent_id" value="{platform.cast.manager}"' in search.text

    keys = ["performance", "feedback", "prominence_internal", "tenure"]
    created = hr.post(
        "/talent/succession",
        data={
            "role_name": "Head of Platform",
            "incumbent_id": str(platform.cast.manager),
            "criterion": keys,
            "weight": ["50", "0", "40", "10"],
        },
    )
    assert created.status_code == 303, created.text
    chart_url = created.headers["location"]
    chart = hr.get(chart_url)
    assert chart.status_code == 200
    assert talent.names[platform.cast.manager] in chart.text
    suggested = re.search(r'name="person_id" value="(\d+)"', chart.text)
    assert suggested, "the evidence should suggest successors"
    person = int(suggested.group(1))

    added = hr.post(f"{chart_url}/successors", data={"person_id": str(person), "readiness": ""})
    assert added.status_code == 303
    chart = hr.get(chart_url)
    assert _column_of(chart.text, person) is not None
    assert "suggested from the evidence" in chart.text and "set by hr@acme.example" in chart.text
    assert "Performance rating" in chart.text  # the evidence table

    url = f"{chart_url}/successors/{person}/readiness"
    no_reason = hr.post(url, data={"readiness": "now", "reason": ""})
    assert (
        no_reason.status_code == 422 and "A reason for the readiness is required" in no_reason.text
    )
    changed = hr.post(url, data={"readiness": "now", "reason": "Acting head during the leave"})
    assert changed.status_code == 303
    chart = hr.get(chart_url)
    assert _column_of(chart.text, person) == "now"
    assert "Acting head during the leave" in chart.text

    twice = hr.post(f"{chart_url}/successors", data={"person_id": str(person)})
    assert twice.status_code == 422 and "already a successor" in twice.text
    removed = hr.post(f"{chart_url}/successors/{person}/remove")
    assert removed.status_code == 303
    assert _column_of(hr.get(chart_url).text, person) is None
    assert "Head of Platform" in hr.get("/talent/succession").text
    assert platform.browser(Role.MANAGER).get("/talent/succession").status_code == 403


# --- Demographics -------------------------------------------------------------------------


def _checked(html: str, field: str) -> list[str]:
    return re.findall(rf'name="{field}" value="([^"]*)" checked', html)


def test_demographics_round_trip(platform: Platform) -> None:
    client = platform.browser(Role.EMPLOYEE)
    page = client.get("/me/demographics")
    assert page.status_code == 200
    assert "no one — not HR, not your manager — sees your individual answers" in page.text
    saved = client.post("/me/demographics", data=ANSWERS)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Your answers are saved" in page.text
    for field, value in ANSWERS.items():
        assert _checked(page.text, field) == [value]

    wrong = client.post("/me/demographics", data=ANSWERS | {"age_band": "ancient"})
    assert wrong.status_code == 422 and "not an allowed age_band" in wrong.text
    assert _checked(wrong.text, "sex") == ["non-binary"]  # what was typed is kept

    partly = client.post("/me/demographics", data={"sex": "female", "disability": ""})
    assert partly.status_code == 303
    page = client.get("/me/demographics")
    assert _checked(page.text, "sex") == ["female"] and _checked(page.text, "age_band") == [""]

    forgotten = client.post("/me/demographics/forget")
    assert forgotten.status_code == 303
    page = client.get(forgotten.headers["location"])
    assert "Your answers are deleted" in page.text and "You have not answered yet" in page.text
    assert all(_checked(page.text, field) == [""] for field in ANSWERS)


def test_accounts_without_a_person_get_an_explanation(platform: Platform) -> None:
    with platform.sessions() as session, session.begin():
        account = do_create_account(
            session,
            org_id=platform.acme_id,
            email="unlinked@acme.example",
            password=PASSWORD,
            role=Role.EMPLOYEE,
        )
        unlinked = Member(Role.EMPLOYEE, account.id, account.email, None, platform.acme_id)
    client = platform.browser(unlinked)
    page = client.get("/me/demographics")
    assert page.status_code == 200 and "data-unlinked" in page.text
    assert client.post("/me/demographics", data={"sex": "male"}).status_code == 422
    assert client.post("/me/demographics/forget").status_code == 422
    assert platform.browser(Role.SPONSOR).get("/me/demographics").status_code == 403


def test_hr_cannot_read_anyones_answers_through_any_page(
    platform: Platform, talent: Talent
) -> None:
    employee = platform.cast.employee
    assert platform.browser(Role.EMPLOYEE).post("/me/demographics", data=ANSWERS).status_code == 303
    hr = platform.browser(Role.HR)
    own = hr.get("/me/demographics", params={"person_id": employee})
    assert own.status_code == 200
    assert all(_checked(own.text, field) != [value] for field, value in ANSWERS.items())
    for url in (
        f"/people/{employee}",
        f"/talent/rounds/{talent.round_id}/ninebox",
        f"/talent/rounds/{talent.round_id}/ninebox/shift",
        "/talent/succession",
        "/talent/imports",
    ):
        page = hr.get(url)
        assert page.status_code == 200, url
        assert "50 and over" not in page.text or url == "/talent/imports", url
        assert "non-binary" not in page.text or url == "/talent/imports", url
    routes = [s.path for s in served_routes(platform.app.routes) if "demographics" in s.path]
    assert routes and all("{" not in path for path in routes), routes
    audit = hr.get(f"/talent/rounds/{talent.round_id}/audit").text
    assert talent.names[employee] not in audit  # aggregates only, never names


# --- Imports ------------------------------------------------------------------------------


def test_imports_report_the_line_and_field_of_a_bad_value(
    platform: Platform, talent: Talent
) -> None:
    hr = platform.browser(Role.HR)
    page = hr.get("/talent/imports")
    assert page.status_code == 200
    assert "performance_rating" in page.text and "Native Hawaiian or Pacific Islander" in page.text
    first, second = sorted(talent.employee_ids.values())[:2]
    bad = f"employee_id,period,performance_rating\n{first},2025,4\n{second},2025,seven\n"
    refused = hr.post(
        "/talent/imports/records", files={"file": ("ratings.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 422
    assert "line 3" in refused.text and "performance_rating" in refused.text
    assert "ratings.csv" in refused.text

    good = f"employee_id,period,performance_rating\n{first},2025,4\n"
    accepted = hr.post(
        "/talent/imports/records", files={"file": ("ratings.csv", good.encode(), "text/csv")}
    )
    assert accepted.status_code == 200 and "1 added" in accepted.text
    replay = hr.post(
        "/talent/imports/records", files={"file": ("ratings.csv", good.encode(), "text/csv")}
    )
    assert "0 added, 0 updated, 1 unchanged" in replay.text

    answers = f"employee_id,sex\n{first},female\n{second},sometimes\n"
    wrong = hr.post(
        "/talent/imports/demographics", files={"file": ("d.csv", answers.encode(), "text/csv")}
    )
    assert wrong.status_code == 422 and "line 3" in wrong.text and "&#39;sex&#39;" in wrong.text
    sheet = hr.post(
        "/talent/imports/records", files={"file": ("ratings.xlsx", b"PK\x03\x04", "x/y")}
    )
    assert sheet.status_code == 422 and "unsupported file type" in sheet.text
    assert platform.browser(Role.MANAGER).get("/talent/imports").status_code == 403
