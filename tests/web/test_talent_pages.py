"""The promotion-board pages: opening a round through the form, the explained board, the
external-prominence warning, the what-if chart and table, sign-off with overrides, the
candidate's own view, appeals and HR's answers, and who may see what.

Five people of a "Promotions Lab" department carry known evidence, so every number on the
board is known: performance 1 of 5 (0 points) for Ada and Ben, 5 of 5 (100) for Cai and
Dee, none for Eve; internal prominence 90, 80, 10, 20 and 50 (added to the installation's
scoring run); external prominence 70 for Ada and 60 for Ben. With performance weighted 50
and internal prominence 100, the top 2 is Ada (60) and Ben (53.3) ahead of Eve (50, ranked
on prominence alone), Dee (46.7) and Cai (40); at prominence weight 0 it is Cai and Dee.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.store.tables.org import Person
from renown.store.tables.talent import ExternalProminence, PerformanceRating
from renown.talent.board import board as board_of
from renown.talent.composite import WeightedCriterion
from renown.talent.decisions import check_sign_off
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round, check_set_candidate
from tests.web.conftest import Platform, add_department, add_score, csrf_of, principal_of_account

HTMX = {"HX-Request": "true"}
CSRF_VALUE = re.compile(r'name="csrf_token"\s+value="[^"]*"')
"""A form's CSRF token (pages are compared without it)."""
LAB = "Promotions Lab"
PEOPLE = {
    # first name: (public profile, performance rating, internal prominence, external)
    "Ada": (True, 1, 90, 70),
    "Ben": (False, 1, 80, 60),
    "Cai": (True, 5, 10, None),
    "Dee": (False, 5, 20, None),
    "Eve": (True, None, 50, None),
}
WEIGHTS = {
    "performance": "50",
    "prominence_internal": "100",
    "feedback": "0",
    "badges": "0",
    "tenure": "0",
    "prominence_external": "0",
}


@dataclass(frozen=True)
class Lab:
    """Person ids of the lab by first name."""

    ids: dict[str, int]

    def name(self, first: str) -> str:
        return f"{first} Lab"


@pytest.fixture(scope="module")
def lab(platform: Platform) -> Lab:
    ids = {}
    with platform.sessions() as session, session.begin():
        department, _ = add_department(session, platform.acme_id, LAB)
        for number, (first, (public, rating, internal, external)) in enumerate(PEOPLE.items()):
            person = Person(
                org_id=platform.acme_id,
                employee_id=f"lab-{number}",
                name=f"{first} Lab",
                title="Lab Engineer",
                department_id=department,
                hired_on=date(2020, 1, 1),
                public_profile=public,
            )
            session.add(person)
            session.flush()
            ids[first] = person.id
            add_score(session, platform.run_id, person.id, internal, 1000 + number)
            if rating is not None:
                session.add(
                    PerformanceRating(
                        org_id=platform.acme_id, person_id=person.id, period="2026", rating=rating
                    )
                )
            if external is not None:
                session.add(
                    ExternalProminence(
                        org_id=platform.acme_id,
                        person_id=person.id,
                        network="mastodon",
                        score=external,
                        observed_on=date(2026, 10, 1),
                    )
                )
    return Lab(ids)


def open_lab_round(
    platform: Platform,
    *,
    transparency: str = "no_one",
    external: float = 0.0,
    top_n: int = 2,
) -> int:
    """A round of the lab opened through the domain (tests of the other pages need one)."""
    criteria = (
        WeightedCriterion("performance", 50.0),
        WeightedCriterion("prominence_internal", 100.0),
        WeightedCriterion("prominence_external", external),
    )
    with platform.sessions() as session, session.begin():
        created = check_open_round(
            session,
            principal_of_account(session, platform.members[Role.HR].account_id),
            name="Lab round",
            target="Senior Lab Engineer",
            eligibility=Eligibility(departments=(LAB,)),
            config=RoundConfig(
                criteria=criteria,
                top_n=top_n,
                performance_criteria=("performance",),
                potential_criteria=("prominence_internal",),
                transparency=transparency,
                acknowledge_external_risk=external > 0,
            ),
            clock=FixedClock(datetime.now(UTC)),
        )
        return int(created.id)


def round_form(weights: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    """The open-a-round form as a browser sends it."""
    typed = WEIGHTS | (weights or {})
    return {
        "name": "Lab seniors",
        "target": "Senior Lab Engineer",
        "min_tenure_months": "0",
        "min_months_in_role": "0",
        "departments": [LAB],
        "criterion_key": list(typed),
        "criterion_weight": list(typed.values()),
        "top_n": "2",
        "performance_criteria": ["performance"],
        "potential_criteria": ["prominence_internal"],
        "missing_policy": "reweigh",
        "transparency": "no_one",
    } | fields


def explanation_of(html: str, name: str) -> str:
    """The <details> explanation of one candidate on a board."""
    start = html.index(f"<summary>Why {name} ")
    return html[start : html.index("</details>", start)]


def published_row_of(html: str, name: str) -> str:
    """The row of one candidate on a published board (ranks and names, no explanations)."""
    end = html.index(f"{name}")
    start = html.rindex("<tr", 0, end)
    return html[start : html.index("</tr>", end)]


def round_id_of(location: str) -> int:
    found = re.fullmatch(r"/talent/rounds/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_rounds_page_offers_the_form_to_hr_only(platform: Platform, lab: Lab) -> None:
    employee = platform.browser(Role.EMPLOYEE).get("/talent")
    assert employee.status_code == 200
    assert "Promotion rounds" in employee.text and 'action="/talent/rounds"' not in employee.text
    hr = platform.browser(Role.HR).get("/talent")
    assert hr.status_code == 200 and 'action="/talent/rounds"' in hr.text
    # one weight per criterion, the default weights, and the 360 competencies at 0
    assert hr.text.count('name="criterion_weight"') == hr.text.count('name="criterion_key"') > 6
    assert re.search(
        r'value="performance">\s*<label[^>]*>[^<]*</label>\s*<input[^>]*value="40"', hr.text
    )
    assert re.search(
        r'value="feedback:[^"]+">\s*<label[^>]*>360: [^<]*</label>\s*<input[^>]*value="0"', hr.text
    )
    assert f'<option value="{LAB}">' in hr.text and "Lab Engineer" in hr.text
    assert "I understand the legal risk" in hr.text
    assert re.search(r"data-external-warning\s+hidden", hr.text)


def test_hr_opens_a_round_through_the_form(platform: Platform, lab: Lab) -> None:
    client = platform.browser(Role.HR, with_csrf=False)
    token = csrf_of(client.get("/talent").text)
    refused = client.post("/talent/rounds", data=round_form())
    assert refused.status_code == 403 and "CSRF" in refused.text
    opened = client.post("/talent/rounds", data=round_form(csrf_token=token))
    assert opened.status_code == 303
    board = client.get(opened.headers["location"])
    assert board.status_code == 200
    rows = re.findall(r'<tr class="(recommended)?" data-person="(\d+)">', board.text)
    assert [int(pid) for _, pid in rows] == [
        lab.ids[n] for n in ("Ada", "Ben", "Eve", "Dee", "Cai")
    ]
    assert [flag for flag, _ in rows] == ["recommended", "recommended", "", "", ""]
    ada = explanation_of(board.text, "Ada Lab")
    assert "1 of 5 (2026)" in ada and "90 (run of" in ada and "<strong>60.0</strong>" in ada
    eve = explanation_of(board.text, "Eve Lab")
    assert '<span class="missing-tag">missing</span>' in eve and "no performance rating" in eve
    assert "ranked on 1 of 2 criteria" in eve and "<strong>50.0</strong>" in eve
    assert 'class="talent-bar"' in board.text and 'class="crit-0" style="width: ' in board.text
    assert "considered and left out" in board.text  # everyone outside the lab, with reasons
    assert f"department {LAB}" not in board.text and "is not in the round" in board.text
    for link in ("whatif", "ninebox", "audit"):
        assert f'href="{opened.headers["location"]}/{link}"' in board.text
    # the header states the date the evidence is read as of, and that it is kept
    assert "data-evidence-as-of=" in board.text and "UTC</span> (measured " in board.text
    assert "later scoring runs, badges and ratings do not change it" in board.text


def test_a_refused_round_keeps_what_was_typed(platform: Platform, lab: Lab) -> None:
    client = platform.browser(Role.HR)
    blank = client.post("/talent/rounds", data=round_form(name=" ", target="Staff Engineer"))
    assert blank.status_code == 422
    assert "A round&#39;s name must be 1 to 200 characters." in blank.text
    assert 'value="Staff Engineer"' in blank.text
    assert f'<option value="{LAB}" selected>' in blank.text
    weird = client.post("/talent/rounds", data=round_form({"performance": "lots"}))
    assert weird.status_code == 422 and "The weight of performance must be a number." in weird.text
    too_much = client.post("/talent/rounds", data=round_form({"badges": "101"}))
    assert too_much.status_code == 422 and "between 0 and 100" in too_much.text
    empty = client.post("/talent/rounds", json={})
    assert empty.status_code == 422


def test_external_prominence_needs_the_acknowledgement(platform: Platform, lab: Lab) -> None:
    client = platform.browser(Role.HR)
    weighted = round_form({"prominence_external": "10"}, name="External lab round")
    refused = client.post("/talent/rounds", data=weighted)
    assert refused.status_code == 422
    assert "Article 5(1)(c)" in refused.text
    assert EXTERNAL_PROMINENCE_WARNING.replace("'", "&#39;") in refused.text
    assert re.search(r"data-external-warning\s+role=", refused.text)  # shown, not hidden
    assert re.search(r"data-external-ack\s+required", refused.text)
    opened = client.post("/talent/rounds", data=weighted | {"acknowledge_external_risk": "yes"})
    assert opened.status_code == 303
    board = client.get(opened.headers["location"]).text
    assert "data-external-banner" in board
    listed = client.get("/talent").text
    row = listed[listed.index("External lab round") :].split("</tr>", 1)[0]
    assert "data-external-flag" in row


def test_what_if_chart_and_table(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform)
    client = platform.browser(Role.HR)
    page = client.get(f"/talent/rounds/{round_id}/whatif")
    assert page.status_code == 200
    assert (
        "At the configured weight 100, counting internal prominence brings in Ada Lab and "
        "Ben Lab and leaves out Cai Lab and Dee Lab compared with weight 0."
    ) in page.text
    found = re.search(r'<script type="application/json" id="whatif-spec">(.*?)</script>', page.text)
    assert found and 'data-vega-spec="whatif-spec"' in page.text
    spec = json.loads(found.group(1))
    rows = spec["data"]["values"]
    assert len(rows) == 4 * 21  # Eve is never in the top 2: four lines, 21 weights
    assert {r["name"] for r in rows} == {"Ada Lab", "Ben Lab", "Cai Lab", "Dee Lab"}

    def ranks_at(weight: float) -> dict[str, int]:
        return {r["name"]: r["rank"] for r in rows if r["weight"] == weight}

    assert ranks_at(0.0) == {"Cai Lab": 1, "Dee Lab": 1, "Ada Lab": 3, "Ben Lab": 3}
    assert ranks_at(100.0) == {"Ada Lab": 1, "Ben Lab": 2, "Dee Lab": 4, "Cai Lab": 5}
    ada = next(r for r in rows if r["name"] == "Ada Lab" and r["weight"] == 100.0)
    assert ada["composite"] == pytest.approx(60.0) and ada["in_top"] is True
    layers = spec["layer"]
    assert layers[0]["encoding"]["y"]["scale"]["reverse"] is True
    assert layers[1]["data"]["values"][0]["rank"] == 2.5  # the cut under rank 2
    assert layers[3]["data"]["values"][0]["weight"] == 100.0  # the configured weight
    assert layers[3]["mark"]["color"] == "#009e73"  # internal prominence's colour everywhere

    table = client.get(f"/talent/rounds/{round_id}/whatif/table?weight=100", headers=HTMX)
    assert table.status_code == 200 and "<html" not in table.text
    assert re.findall(r"<td[^>]*>(\w+ Lab)</td>", table.text) == ["Ada Lab", "Ben Lab"]
    assert table.text.count("enters") == 2
    left = table.text[table.text.index("data-left") :]
    assert "Cai Lab" in left and "Dee Lab" in left
    zero = client.get(f"/talent/rounds/{round_id}/whatif/table?weight=0", headers=HTMX).text
    assert re.findall(r"<td[^>]*>(\w+ Lab)</td>", zero) == ["Cai Lab", "Dee Lab"]
    assert "Nobody leaves the top 2" in zero
    snapped = client.get(f"/talent/rounds/{round_id}/whatif/table?weight=3", headers=HTMX)
    assert 'data-weight="5"' in snapped.text  # the nearest of the 21 steps
    coarse = client.get(f"/talent/rounds/{round_id}/whatif?max_weight=60&steps=4")
    assert coarse.status_code == 200 and 'step="20"' in coarse.text
    assert client.get(f"/talent/rounds/{round_id}/whatif?key=nope").status_code == 422
    assert client.get(f"/talent/rounds/{round_id}/whatif?steps=1").status_code == 422
    employee = platform.browser(Role.EMPLOYEE).get(f"/talent/rounds/{round_id}/whatif")
    assert employee.status_code == 403


def test_sign_off_needs_a_reason_for_every_override(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform)
    client = platform.browser(Role.HR)
    ada, ben, cai = lab.ids["Ada"], lab.ids["Ben"], lab.ids["Cai"]
    board = client.get(f"/talent/rounds/{round_id}").text
    assert re.search(rf'value="{ada}"[^>]*data-recommended="true" checked', board)
    # sign-off lists the recommended top N only, not the ranking again
    assert not re.search(rf'value="{cai}"[^>]*data-recommended', board)
    assert re.search(rf'data-override-for="{ben}"\s+hidden', board)
    # someone from outside the top N is added through the candidate picker (without JS: a link)
    picked = client.get(f"/talent/rounds/{round_id}?picker=outsider&q=cai&pick={cai}").text
    assert re.search(rf'value="{cai}"[^>]*data-recommended="false" checked', picked)
    decision = f"/talent/rounds/{round_id}/decision"
    chosen = {"promoted": [str(ada), str(cai)], "reason": "Panel of 3 agreed"}
    refused = client.post(decision, data=chosen)
    assert refused.status_code == 422 and "this override needs a reason" in refused.text
    assert re.search(rf'value="{cai}"[^>]*data-recommended="false" checked', refused.text)
    assert re.search(rf'value="{ben}"[^>]*data-recommended="true">', refused.text)
    for person in (ben, cai):  # both departures now show their reason field
        assert re.search(rf'data-override-for="{person}">', refused.text)
    assert "Panel of 3 agreed" in refused.text
    no_reason = client.post(decision, data={"promoted": [str(ada), str(ben)]})
    assert (
        no_reason.status_code == 422 and "The decision&#39;s reason is required" in no_reason.text
    )
    signed = client.post(
        decision,
        data=chosen
        | {
            "override_person": [str(ben), str(cai)],
            "override_reason": ["Moving teams next quarter", "Led the data migration"],
        },
    )
    assert signed.status_code == 303
    page = client.get(signed.headers["location"]).text
    assert "The decision has been signed off" in page
    promoted = page[page.index("data-promoted>") :].split("</dd>", 1)[0]
    assert "Ada Lab" in promoted and "Cai Lab" in promoted and "Ben Lab" not in promoted
    assert "hr@acme.example" in page[page.index("data-signer>") :].split("</dd>", 1)[0]
    assert "not promoted from the top N" in page and "Moving teams next quarter" in page
    assert "promoted outside the top N" in page and "Led the data migration" in page
    assert "Frozen ranking" in page and f'action="{decision}"' not in page
    again = client.post(decision, data=chosen)
    assert again.status_code == 422 and "signed off" in again.text


def test_candidate_view_appeal_and_answer(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform)
    hr = platform.browser(Role.HR)
    me = platform.cast.employee
    add = f"/talent/rounds/{round_id}/candidates"
    missing = hr.post(add, data={"person_id": str(me), "included": "yes", "reason": ""})
    assert missing.status_code == 422 and "A reason is required" in missing.text
    added = hr.post(add, data={"person_id": str(me), "included": "yes", "reason": "Acting lead"})
    assert added.status_code == 303
    assert f'data-person="{me}"' in hr.get(f"/talent/rounds/{round_id}").text

    employee = platform.browser(Role.EMPLOYEE)
    unpublished = employee.get(f"/talent/rounds/{round_id}")
    assert unpublished.status_code == 200 and "data-unpublished" in unpublished.text
    assert f'href="/talent/rounds/{round_id}/me"' in unpublished.text
    mine = employee.get(f"/talent/rounds/{round_id}/me")
    assert mine.status_code == 200 and "How the board weighed your evidence" in mine.text
    assert "still open" in mine.text and 'action="/talent/rounds' not in mine.text
    early = employee.post(f"/talent/rounds/{round_id}/appeals", data={"text": "Please look"})
    assert early.status_code == 422
    assert "Appeals open once the round has been decided." in early.text

    with platform.sessions() as session, session.begin():
        principal = principal_of_account(session, platform.members[Role.HR].account_id)
        recommended = [
            pid for pid in board_of(session, principal, round_id).recommended if pid != me
        ]
        check_sign_off(
            session,
            principal,
            round_id,
            promoted=recommended,
            reason="The recommendation",
            override_reasons={me: "Acting lead for one quarter only"},
            clock=FixedClock(datetime.now(UTC)),
        )
    decided = employee.get(f"/talent/rounds/{round_id}/me").text
    assert 'data-outcome="not-promoted"' in decided and 'name="text"' in decided
    filed = employee.post(
        f"/talent/rounds/{round_id}/appeals", data={"text": "My 360 was not counted"}
    )
    assert filed.status_code == 303
    after = employee.get(filed.headers["location"]).text
    assert "My 360 was not counted" in after and "HR has not answered yet" in after
    assert 'name="text"' not in after  # one open appeal at a time

    board = hr.get(f"/talent/rounds/{round_id}").text
    answer = re.search(r'action="/talent/appeals/(\d+)/answer"', board)
    assert answer and "My 360 was not counted" in board
    url = f"/talent/appeals/{answer.group(1)}/answer"
    undecided = hr.post(url, data={"answer": "We checked the 360 data"})
    assert undecided.status_code == 422 and "upheld or rejected" in undecided.text
    assert "We checked the 360 data" in undecided.text
    answered = hr.post(url, data={"upheld": "no", "answer": "We checked the 360 data"})
    assert answered.status_code == 303
    final = employee.get(f"/talent/rounds/{round_id}/me").text
    assert "HR's answer:</strong> We checked the 360 data" in final
    assert "Rejected" in final and 'name="text"' in final  # may appeal again


def test_employees_do_not_see_unpublished_rounds(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform)
    employee = platform.browser(Role.EMPLOYEE)
    assert employee.get(f"/talent/rounds/{round_id}").status_code == 404
    assert employee.get(f"/talent/rounds/{round_id}/me").status_code == 404
    assert f'href="/talent/rounds/{round_id}"' not in employee.get("/talent").text


def test_published_rounds_hide_private_external_scores(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform, transparency="everyone", external=10.0)
    employee = platform.browser(Role.EMPLOYEE)
    assert f'href="/talent/rounds/{round_id}"' in employee.get("/talent").text
    page = employee.get(f"/talent/rounds/{round_id}")
    assert page.status_code == 200 and "data-external-banner" in page.text
    public, private = published_row_of(page.text, "Ada Lab"), published_row_of(page.text, "Ben Lab")
    assert "70 (1 network, latest 01 Oct 2026)" in public
    assert "None published: private profile" in private and "60 (1 network" not in private
    # Only prominence of people with a public profile is published; ratings, 360 and the
    # composite stay with HR and the candidate, and the page says so once per hidden column
    # instead of a column of dashes.
    assert "90 (run of" in public and "80 (run of" not in private
    note = page.text[page.text.index("data-hidden-columns") :].split("</div>", 1)[0]
    assert "<strong>Composite and contributions.</strong>" in note
    assert "confidential rating or 360 results" in note
    assert "<strong>Performance rating.</strong> Confidential evidence" in note
    assert "public social networks: shown only for people who chose to keep their profile" in note
    assert "Composite</th>" not in page.text and "Why Ada Lab" not in page.text
    for form in ("decision", "candidates", "config", "whatif"):
        assert f"/talent/rounds/{round_id}/{form}" not in page.text
    assert "considered and left out" not in page.text
    hr = platform.browser(Role.HR).get(f"/talent/rounds/{round_id}").text
    assert "60 (1 network, latest 01 Oct 2026)" in explanation_of(hr, "Ben Lab")
    outsider = employee.get(f"/talent/rounds/{round_id}/me")
    assert outsider.status_code == 200
    assert "You are not a candidate in this round" in outsider.text


def test_configure_an_open_round(platform: Platform, lab: Lab) -> None:
    round_id = open_lab_round(platform)
    client = platform.browser(Role.HR)
    url = f"/talent/rounds/{round_id}/config"
    form = {k: v for k, v in round_form(top_n="3").items() if k not in {"name", "target"}}
    assert client.post(url, data=form).status_code == 303
    board = client.get(f"/talent/rounds/{round_id}").text
    assert "top 3 recommended" in board and board.count('<tr class="recommended" data-person=') == 3
    refused = client.post(url, data=form | {"potential_criteria": []})
    assert refused.status_code == 422
    assert "The 9-box needs at least one performance and one potential criterion." in refused.text
    assert re.search(r"<details open>\s*<summary>Weights", refused.text)


def test_an_empty_pool_still_renders(platform: Platform, lab: Lab) -> None:
    client = platform.browser(Role.HR)
    opened = client.post("/talent/rounds", data=round_form(titles=["Nobody has this title"]))
    assert opened.status_code == 303
    board = client.get(opened.headers["location"])
    assert board.status_code == 200 and "Nobody is in this round's pool." in board.text
    whatif = client.get(opened.headers["location"] + "/whatif")
    assert whatif.status_code == 200 and "there is nothing to draw" in whatif.text
    assert 'data-vega-spec="whatif-spec"' not in whatif.text
    assert "changes nobody in the top 2" in whatif.text


def _employee_in_round(platform: Platform, transparency: str) -> int:
    """A lab round with the employee added to its pool (the employee has no rating)."""
    round_id = open_lab_round(platform, transparency=transparency)
    with platform.sessions() as session, session.begin():
        check_set_candidate(
            session,
            principal_of_account(session, platform.members[Role.HR].account_id),
            round_id,
            platform.cast.employee,
            included=True,
            reason="Acting lead of the lab",
            clock=FixedClock(datetime.now(UTC)),
        )
    return round_id


def _set_eve_rating(platform: Platform, lab: Lab, rating: int | None) -> None:
    with platform.sessions() as session, session.begin():
        session.execute(
            sa.delete(PerformanceRating).where(PerformanceRating.person_id == lab.ids["Eve"])
        )
        if rating is not None:
            session.add(
                PerformanceRating(
                    org_id=platform.acme_id, person_id=lab.ids["Eve"], period="2026", rating=rating
                )
            )


@pytest.mark.parametrize("transparency", ["candidates", "everyone"])
def test_a_candidate_cannot_tell_who_else_misses_an_input(
    platform: Platform, lab: Lab, transparency: str
) -> None:
    # Eve (public profile) has no rating: she is ranked on prominence alone (50). Rated 3 of
    # 5 (50 points) her composite is (50 x 50 + 50 x 100) / 150 = 50 too, so nobody's rank
    # moves; only her prominence share would (100 % unrated, 67 % rated). What a candidate
    # is shown, page or API, must be the same both ways.
    round_id = _employee_in_round(platform, transparency)
    page, api = platform.browser(Role.EMPLOYEE), platform.bearer(Role.EMPLOYEE)
    urls = (f"/talent/rounds/{round_id}", f"/talent/rounds/{round_id}/me")

    def shown() -> list[object]:
        pages = [CSRF_VALUE.sub("", page.get(url).text) for url in urls]
        return [*pages, *(api.get(f"/api/v1{url}").json() for url in urls)]

    unrated = shown()
    _set_eve_rating(platform, lab, 3)
    try:
        rated = shown()
    finally:
        _set_eve_rating(platform, lab, None)
    assert rated == unrated
    eve = published_row_of(unrated[0], "Eve Lab")
    assert "50 (run of" in eve and "%" not in eve  # her published score, but no share
    others = [row for row in unrated[2]["rows"] if row["person_id"] != platform.cast.employee]
    parts = [part for row in others for part in row["contributions"]]
    assert all(part["share"] is None and part["contribution"] is None for part in parts)


def test_a_decided_round_shows_its_candidate_and_appellant_no_one_else_s_shares(
    platform: Platform, lab: Lab
) -> None:
    round_id = _employee_in_round(platform, "candidates")
    with platform.sessions() as session, session.begin():
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        check_sign_off(
            session,
            hr,
            round_id,
            promoted=list(board_of(session, hr, round_id).recommended),
            reason="The recommendation",
            clock=FixedClock(datetime.now(UTC)),
        )
    page, api = platform.browser(Role.EMPLOYEE), platform.bearer(Role.EMPLOYEE)
    filed = page.post(f"/talent/rounds/{round_id}/appeals", data={"text": "Please look again"})
    assert filed.status_code == 303
    frozen = page.get(f"/talent/rounds/{round_id}").text
    assert "%" not in published_row_of(frozen, "Eve Lab")
    rows = api.get(f"/api/v1/talent/rounds/{round_id}").json()["rows"]
    others = [row for row in rows if row["person_id"] != platform.cast.employee]
    assert all(c["share"] is None for row in others for c in row["contributions"])
    mine = page.get(f"/talent/rounds/{round_id}/me").text
    assert "Please look again" in mine
    assert not any(lab.name(first) in mine for first in PEOPLE)
    appeals = api.get(f"/api/v1/talent/rounds/{round_id}/appeals").json()
    assert [a["person_id"] for a in appeals] == [platform.cast.employee]
    explained = api.get(f"/api/v1/talent/rounds/{round_id}/me").json()
    assert explained["row"]["person_id"] == platform.cast.employee
