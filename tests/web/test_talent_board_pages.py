"""The board at real size: pages of the ranking, sign-off without the ranking again, and
the searchable person picker (its search endpoint, who may use it, and the path without
JavaScript).

A "Board Lab" department of 62 people (two of them called Kim Park, in different teams)
is added to the test organisation, with a third Kim Park elsewhere; rounds are opened over
the lab so every page count is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.store.tables.org import Person
from renown.store.tables.talent import TalentProfile
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from tests.web.conftest import Platform, add_department, add_score, principal_of_account

LAB = "Board Lab"
SIZE = 62
"""Candidates in the lab: a first page of 50 and a second of 12. Even numbers are level L2,
odd ones L3 (so Kim Park of the north team is L2, of the south team L3)."""


@dataclass(frozen=True)
class BoardLab:
    round_id: int
    kim_north: int
    kim_south: int
    kim_outside: int


def _person(session: object, platform: Platform, number: int, name: str, **fields: object) -> int:
    person = Person(
        org_id=platform.acme_id,
        employee_id=f"board-lab-{number}",
        name=name,
        title="Lab Analyst",
        hired_on=date(2020, 1, 1),
        **fields,
    )
    session.add(person)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return person.id


@pytest.fixture(scope="module")
def lab(platform: Platform) -> BoardLab:
    with platform.sessions() as session, session.begin():
        department, (north, south) = add_department(
            session, platform.acme_id, LAB, ("North Lab", "South Lab")
        )
        ids = []
        for number in range(SIZE):
            name = {0: "Kim Park", 1: "Kim Park"}.get(number, f"Analyst {number:02d} Lab")
            team = north if number % 2 == 0 else south
            pid = _person(session, platform, number, name, department_id=department, team_id=team)
            ids.append(pid)
            level = "L3" if number % 2 else "L2"
            session.add(TalentProfile(org_id=platform.acme_id, person_id=pid, level=level))
            add_score(session, platform.run_id, pid, 99 - number, 2000 + number)
        outside = _person(session, platform, 999, "Kim Park")
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        round_ = check_open_round(
            session,
            hr,
            name="Lab leads",
            target="Lab lead",
            eligibility=Eligibility(departments=(LAB,)),
            config=RoundConfig(top_n=3),
            clock=FixedClock(datetime.now(UTC)),
        )
        return BoardLab(round_.id, ids[0], ids[1], outside)


def _rows(html: str) -> int:
    ranking = html[
        html.index('id="ranking"') : html.index("</section>", html.index('id="ranking"'))
    ]
    return ranking.count("data-person=")


def test_the_board_shows_fifty_candidates_a_page_with_the_rank_range(
    platform: Platform, lab: BoardLab
) -> None:
    hr = platform.browser(Role.HR)
    board = f"/talent/rounds/{lab.round_id}"
    first = hr.get(board).text
    assert _rows(first) == 50
    assert "Ranks 1–50 of 62 candidates, page 1 of 2." in first
    assert f'href="{board}?page=2#ranking" rel="next"' in first
    assert 'rel="prev"' not in first
    second = hr.get(f"{board}?page=2").text
    assert _rows(second) == 12
    assert "Ranks 51–62 of 62 candidates, page 2 of 2." in second
    assert f'href="{board}#ranking" rel="prev"' in second
    past_the_end = hr.get(f"{board}?page=9").text
    assert "page 2 of 2" in past_the_end


def test_sorting_and_filtering_are_kept_across_pages(platform: Platform, lab: BoardLab) -> None:
    hr = platform.browser(Role.HR)
    board = f"/talent/rounds/{lab.round_id}"
    by_name = hr.get(f"{board}?sort=name&per=25").text
    assert _rows(by_name) == 25
    assert f'href="{board}?page=2&amp;per=25&amp;sort=name#ranking" rel="next"' in by_name
    names = [
        n.strip()
        for n in re.findall(
            r'data-person="\d+">\s*<td class="num"[^>]*>\d+</td>\s*<td[^>]*>([^<]+)', by_name
        )
    ]
    assert names == sorted(names, key=str.casefold), names
    assert names[0] == "Analyst 02 Lab"
    third = hr.get(f"{board}?page=3&per=25&sort=name").text
    assert _rows(third) == 12 and "Candidates 51–62 of 62 candidates" in third
    assert "Kim Park" in third  # K comes after every "Analyst"
    other = hr.get(f"{board}?department=Engineering").text
    assert _rows(other) == 0 and "No candidate in Engineering" in other
    # A hand-edited address falls back instead of failing: unknown order, odd page sizes.
    unknown_order = hr.get(f"{board}?sort=age")
    assert unknown_order.status_code == 200 and _rows(unknown_order.text) == 50
    assert "Ranks 1–50 of 62 candidates" in unknown_order.text
    assert _rows(hr.get(f"{board}?per=0").text) == 25
    assert _rows(hr.get(f"{board}?per=abc").text) == 50
    assert _rows(hr.get(f"{board}?per=5000").text) == 62


def test_sign_off_summarises_instead_of_repeating_the_ranking(
    platform: Platform, lab: BoardLab
) -> None:
    page = platform.browser(Role.HR).get(f"/talent/rounds/{lab.round_id}").text
    signoff = page[page.index('id="signoff"') :].split("</section>", 1)[0]
    assert "62 candidates are in the pool; the recommended top 3 are listed below" in signoff
    assert signoff.count('name="promoted"') == 3 + 1  # the top 3 and the outsider row template
    assert f'href="/talent/rounds/{lab.round_id}#ranking">on the board above' in signoff
    assert 'for="outsider-q">Candidate</label>' in signoff


def test_a_round_admitting_every_level_says_so(platform: Platform, lab: BoardLab) -> None:
    page = platform.browser(Role.HR).get(f"/talent/rounds/{lab.round_id}").text
    assert "data-breadth-warning" in page
    assert "This round&#39;s rules admit people of every level" in page


def test_the_picker_tells_namesakes_apart(platform: Platform, lab: BoardLab) -> None:
    hr = platform.browser(Role.HR)
    url = f"/talent/rounds/{lab.round_id}/people-search?picker=pool&q=kim+park"
    found = hr.get(url, headers={"HX-Request": "true"}).text
    assert found.count("data-pick-person=") == 3
    assert "North Lab team · Board Lab · level L2 · in the pool" in found
    assert "South Lab team · Board Lab · level L3 · in the pool" in found
    assert "not in the pool" in found  # the third Kim Park, outside the lab
    south = "Kim Park (Lab Analyst, South Lab team, Board Lab)"
    assert f'data-pick-person="{lab.kim_south}" data-pick-text="{south}"' in found
    pool_only = hr.get(
        f"/talent/rounds/{lab.round_id}/people-search?picker=outsider&q=kim",
        headers={"HX-Request": "true"},
    ).text
    assert pool_only.count("data-pick-person=") == 2 and str(lab.kim_outside) not in pool_only
    nobody = hr.get(f"/talent/rounds/{lab.round_id}/people-search?q=zzz").text
    assert "No one matches “zzz”." in nobody
    many = hr.get(f"/talent/rounds/{lab.round_id}/people-search?q=analyst").text
    assert many.count("data-pick-person=") == 8
    assert "8 of 63 matches shown: type more of the name" in many
    answer = platform.bearer(Role.HR).get(
        f"/api/v1/talent/rounds/{lab.round_id}/people", params={"q": "kim park", "scope": "pool"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 2
    assert sorted(m["team"] for m in body["items"]) == ["North Lab", "South Lab"]


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admins_may_search_the_organisation(
    platform: Platform, lab: BoardLab, role: Role
) -> None:
    page = platform.browser(role).get(f"/talent/rounds/{lab.round_id}/people-search?q=kim+park")
    assert page.status_code == 200 and page.text.count("data-pick-person=") == 3
    api = platform.bearer(role).get(f"/api/v1/talent/rounds/{lab.round_id}/people?q=kim+park")
    assert api.status_code == 200 and api.json()["total"] == 3


@pytest.mark.parametrize(
    "role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER, Role.SPONSOR, Role.MEMBER]
)
def test_nobody_else_may_search_people_for_a_round(
    platform: Platform, lab: BoardLab, role: Role
) -> None:
    page = platform.browser(role).get(f"/talent/rounds/{lab.round_id}/people-search?q=kim")
    assert page.status_code == 403 and "Kim Park" not in page.text
    api = platform.bearer(role).get(f"/api/v1/talent/rounds/{lab.round_id}/people?q=kim")
    assert api.status_code == 403 and "Kim Park" not in api.text


def test_hr_of_another_organisation_finds_no_round(platform: Platform, lab: BoardLab) -> None:
    page = platform.browser(platform.other_hr).get(
        f"/talent/rounds/{lab.round_id}/people-search?q=kim"
    )
    assert page.status_code == 404 and "Kim Park" not in page.text
    api = platform.bearer(platform.other_hr).get(
        f"/api/v1/talent/rounds/{lab.round_id}/people?q=kim"
    )
    assert api.status_code == 404


def test_the_picker_works_without_javascript(platform: Platform, lab: BoardLab) -> None:
    hr = platform.browser(Role.HR)
    board = f"/talent/rounds/{lab.round_id}"
    searched = hr.get(f"{board}?picker=pool&q=kim+park").text
    picker = searched[searched.index('id="pool-picker"') :].split("</form>", 1)[0]
    assert picker.count("data-pick-person=") == 3
    assert f"{board}?picker=pool&amp;q=kim%20park&amp;pick={lab.kim_outside}#pool-picker" in picker
    chosen = hr.get(f"{board}?picker=pool&q=kim+park&pick={lab.kim_outside}").text
    assert f'name="person_id" value="{lab.kim_outside}" data-picker-value' in chosen
    assert "Chosen: <strong>Kim Park (Lab Analyst)</strong>" in chosen
    added = hr.post(
        f"{board}/candidates",
        data={"person_id": str(lab.kim_outside), "included": "yes", "reason": "Acting lab lead"},
    )
    assert added.status_code == 303
    page = hr.get(added.headers["location"]).text
    assert "Kim Park (Lab Analyst) is now in the pool." in page
    blank = hr.post(f"{board}/candidates", data={"person_id": "", "reason": "Acting lab lead"})
    assert blank.status_code == 422 and "Choose a person" in blank.text


FORM_CONFIG = {
    "criterion_key": ["performance", "prominence_internal"],
    "criterion_weight": ["50", "50"],
    "performance_criteria": "performance",
    "potential_criteria": "prominence_internal",
}


def test_a_round_opened_with_the_role_level_admits_the_level_below(
    platform: Platform, lab: BoardLab
) -> None:
    body = {
        "name": "Lab leads by level",
        "target": "Lab lead",
        "target_level": "L4",
        "eligibility": {"departments": [LAB]},
    }
    opened = platform.bearer(Role.HR).post("/api/v1/talent/rounds", json=body)
    assert opened.status_code == 201, opened.text
    assert opened.json()["candidates"] == SIZE // 2  # the L3 half of the lab
    hr = platform.browser(Role.HR)
    page = hr.get(f"/talent/rounds/{opened.json()['id']}").text
    assert "data-breadth-warning" not in page
    assert "Ranks 1–31 of 31 candidates, page 1 of 1." in page
    form = hr.get("/talent").text
    assert '<select name="target_level"' in form and '<option value="L3">L3</option>' in form
    by_form = hr.post(
        "/talent/rounds",
        data={
            "name": "Lab leads by form",
            "target": "Lab lead",
            "target_level": "L3",
            "departments": LAB,
        }
        | FORM_CONFIG,
    )
    assert by_form.status_code == 303, re.findall(r'role="alert">([^<]*)', by_form.text)
    board = hr.get(by_form.headers["location"]).text
    assert "Ranks 1–31 of 31 candidates" in board  # L2: the even half of the lab
    assert "Kim Park" in board and "data-breadth-warning" not in board
    unknown = hr.post(
        "/talent/rounds",
        data={
            "name": "Lab leads",
            "target": "Lab lead",
            "target_level": "Principal",
            "departments": LAB,
        }
        | FORM_CONFIG,
    )
    assert unknown.status_code == 422
    assert "The role&#39;s level Principal has no number to place it" in unknown.text
