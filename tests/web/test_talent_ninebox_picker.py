"""The 9-box's move form at real size: the person is found by typing part of a name.

The form listed every candidate the viewer may calibrate in one dropdown (hundreds for HR,
namesakes included). A "Grid Lab" department of 40 rated people, two of them called Sam
Rivera in different teams (the north one reporting to the test manager), is added to the
test organisation and a round with an open calibration session is opened over it; the
tests search, choose and move through the pages like a person would, with and without
JavaScript, and check who may search.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.store.tables.org import Person
from renown.talent.board import board
from renown.talent.calibration import nine_box
from renown.talent.decisions import check_sign_off
from renown.talent.imports import check_import_talent_records
from renown.talent.ninebox import BOX_NAMES, Box
from renown.talent.pool_search import MATCHES
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from tests.web.conftest import Platform, add_department, add_score, principal_of_account

LAB = "Grid Lab"
SIZE = 40
HTMX = {"HX-Request": "true"}
SELECT = re.compile(r"<select\b[^>]*>(.*?)</select>", re.S)
OPTION_VALUE = re.compile(r'<option\b[^>]*value="(\d+)"')


@dataclass(frozen=True)
class GridLab:
    round_id: int
    session_id: int
    rivera_north: int
    rivera_south: int
    ids: tuple[int, ...]


def _add_lab(platform: Platform) -> tuple[list[int], list[str]]:
    with platform.sessions() as session, session.begin():
        department, (north, south) = add_department(
            session, platform.acme_id, LAB, ("North Grid", "South Grid")
        )
        ids, employees = [], []
        for number in range(SIZE):
            person = Person(
                org_id=platform.acme_id,
                employee_id=f"grid-lab-{number}",
                name="Sam Rivera" if number < 2 else f"Grid Tester {number:02d}",
                title="Grid Engineer",
                hired_on=date(2020, 1, 1),
                department_id=department,
                team_id=north if number % 2 == 0 else south,
                manager_id=platform.cast.manager if number == 0 else None,
            )
            session.add(person)
            session.flush()
            ids.append(person.id)
            employees.append(person.employee_id)
            add_score(session, platform.run_id, person.id, 99 - 2 * number, 3000 + number)
    return ids, employees


@pytest.fixture(scope="module")
def lab(platform: Platform) -> GridLab:
    ids, employees = _add_lab(platform)
    ratings = ["employee_id,period,performance_rating"]
    ratings += [f"{e},2026,{1 + n % 5}" for n, e in enumerate(employees)]
    with platform.sessions() as session, session.begin():
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        check_import_talent_records(
            session,
            hr,
            "\n".join(ratings),
            "grid.csv",
            clock=FixedClock(datetime.now(UTC) - timedelta(days=1)),
        )
        round_ = check_open_round(
            session,
            hr,
            name="Grid leads",
            target="Grid lead",
            eligibility=Eligibility(departments=(LAB,)),
            config=RoundConfig(
                top_n=3,
                performance_criteria=("performance",),
                potential_criteria=("prominence_internal",),
            ),
            clock=FixedClock(datetime.now(UTC)),
        )
        round_id = int(round_.id)
    opened = platform.browser(Role.HR).post(
        f"/talent/rounds/{round_id}/calibration", data={"name": "Grid session"}
    )
    assert opened.status_code == 303, opened.text
    found = re.search(r"session_id=(\d+)", opened.headers["location"])
    assert found
    return GridLab(round_id, int(found.group(1)), ids[0], ids[1], tuple(ids))


def _boxes(platform: Platform, lab: GridLab) -> dict[int, Box]:
    with platform.sessions() as session:
        principal = principal_of_account(session, platform.members[Role.HR].account_id)
        view = nine_box(session, principal, lab.round_id)
        return {row.person_id: row.box for row in view.rows if row.box is not None}


def _ninebox(lab: GridLab) -> str:
    return f"/talent/rounds/{lab.round_id}/ninebox"


def _search(lab: GridLab, q: str) -> str:
    return f"{_ninebox(lab)}/people-search?session_id={lab.session_id}&q={q}"


def _picker(page: str) -> str:
    """The move picker of a 9-box page (up to the end of its matches)."""
    start = page.index('id="move-picker"')
    return page[start : page.index('<div class="move-levels">', start)]


def test_the_move_form_lists_nobody_until_a_name_is_typed(platform: Platform, lab: GridLab) -> None:
    boxes = _boxes(platform, lab)
    assert set(lab.ids) <= set(boxes), "every lab candidate should be placed"
    page = platform.browser(Role.HR).get(f"{_ninebox(lab)}?session_id={lab.session_id}")
    assert page.status_code == 200, page.text
    listed = {int(v) for body in SELECT.findall(page.text) for v in OPTION_VALUE.findall(body)}
    assert not listed & set(boxes), "no dropdown may list the candidates"
    picker = _picker(page.text)
    assert 'name="person_id" value="" data-picker-value' in picker
    assert f'hx-get="{_ninebox(lab)}/people-search?session_id={lab.session_id}"' in picker
    assert "data-pick-person=" not in picker
    assert f"({len(boxes)} you may move)" in picker


def test_the_picker_tells_namesakes_apart_by_team_and_cell(
    platform: Platform, lab: GridLab
) -> None:
    boxes = _boxes(platform, lab)
    hr = platform.browser(Role.HR)
    found = hr.get(_search(lab, "sam+rivera"), headers=HTMX)
    assert found.status_code == 200 and "<html" not in found.text
    assert found.text.count("data-pick-person=") == 2
    for person, team in ((lab.rivera_north, "North Grid"), (lab.rivera_south, "South Grid")):
        cell = BOX_NAMES[boxes[person]]
        assert f'data-pick-person="{person}"' in found.text
        words = f"Sam Rivera (Grid Engineer, {team} team, {LAB}) · {cell}"
        assert f'data-pick-text="{words}"' in found.text
        back = (
            f"{_ninebox(lab)}?session_id={lab.session_id}&amp;picker=move"
            f"&amp;q=sam%20rivera&amp;pick={person}#move-picker"
        )
        assert back in found.text
    assert "in the pool" not in found.text  # the board's pool picker says that, not this one
    many = hr.get(_search(lab, "grid+tester"), headers=HTMX).text
    assert many.count("data-pick-person=") == MATCHES
    assert f"{MATCHES} of {SIZE - 2} matches shown: type more of the name" in many
    nobody = hr.get(_search(lab, "zzz"), headers=HTMX).text
    assert "No one matches “zzz”." in nobody


def test_the_picker_chooses_and_moves_without_javascript(platform: Platform, lab: GridLab) -> None:
    boxes = _boxes(platform, lab)
    person = lab.rivera_south
    hr = platform.browser(Role.HR)
    at = f"{_ninebox(lab)}?session_id={lab.session_id}&picker=move"
    searched = _picker(hr.get(f"{at}&q=rivera").text)
    assert searched.count("data-pick-person=") == 2
    assert 'value="rivera"' in searched  # the search box keeps what was typed

    chosen = hr.get(f"{at}&q=rivera&pick={person}").text
    picker = _picker(chosen)
    assert f'name="person_id" value="{person}" data-picker-value' in picker
    cell = BOX_NAMES[boxes[person]]
    words = html.escape(f"Sam Rivera (Grid Engineer, South Grid team, {LAB}) · {cell}")
    assert f"Chosen: <strong>{words}</strong>" in picker
    form = chosen[chosen.index("data-calibration-form") :]
    for field, level in zip(("performance", "potential"), boxes[person], strict=True):
        levels = form[form.index(f'name="{field}"') : form.index("</select>", form.index(field))]
        assert f'<option value="{level}" selected>' in levels, field

    search_form = chosen[chosen.index('id="move-search"') :].split("</form>", 1)[0]
    assert f'action="{_ninebox(lab)}#move-picker"' in search_form
    assert f'name="session_id" value="{lab.session_id}"' in search_form

    target = (1, 1) if boxes[person] != (1, 1) else (3, 3)
    moved = hr.post(
        f"/talent/rounds/{lab.round_id}/calibration/{lab.session_id}/moves",
        data={
            "person_id": str(person),
            "performance": str(target[0]),
            "potential": str(target[1]),
            "reason": "Found through the picker",
        },
    )
    assert moved.status_code == 303, moved.text
    assert _boxes(platform, lab)[person] == target


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admins_search_every_candidate(platform: Platform, lab: GridLab, role: Role) -> None:
    found = platform.browser(role).get(_search(lab, "rivera"), headers=HTMX)
    assert found.status_code == 200 and found.text.count("data-pick-person=") == 2


def test_a_manager_searches_only_their_own_line(platform: Platform, lab: GridLab) -> None:
    manager = platform.browser(Role.MANAGER)
    found = manager.get(_search(lab, "rivera"), headers=HTMX)
    assert found.status_code == 200
    assert found.text.count("data-pick-person=") == 1
    assert f'data-pick-person="{lab.rivera_north}"' in found.text
    assert str(lab.rivera_south) not in found.text
    page = manager.get(f"{_ninebox(lab)}?session_id={lab.session_id}&picker=move&q=rivera")
    assert _picker(page.text).count("data-pick-person=") == 1
    outside = manager.get(f"{_ninebox(lab)}?session_id={lab.session_id}&pick={lab.rivera_south}")
    assert 'name="person_id" value="" data-picker-value' in outside.text, "not theirs to move"


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.RECRUITER, Role.SPONSOR, Role.MEMBER])
def test_nobody_else_may_search_the_candidates(
    platform: Platform, lab: GridLab, role: Role
) -> None:
    found = platform.browser(role).get(_search(lab, "rivera"), headers=HTMX)
    assert found.status_code == 403 and "Sam Rivera" not in found.text


def test_hr_of_another_organisation_finds_no_round(platform: Platform, lab: GridLab) -> None:
    found = platform.browser(platform.other_hr).get(_search(lab, "rivera"), headers=HTMX)
    assert found.status_code == 404 and "Sam Rivera" not in found.text


def test_a_decided_round_has_nobody_to_move(platform: Platform, lab: GridLab) -> None:
    """Once the round is signed off no search finds anyone to move (checked last: it
    decides the lab's round)."""
    with platform.sessions() as session, session.begin():
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        recommended = board(session, hr, lab.round_id).recommended
        check_sign_off(
            session,
            hr,
            lab.round_id,
            promoted=list(recommended),
            reason="The grid is settled",
            clock=FixedClock(datetime.now(UTC)),
        )
    hr = platform.browser(Role.HR)
    found = hr.get(_search(lab, "rivera"), headers=HTMX)
    assert found.status_code == 200 and "data-pick-person=" not in found.text
    assert "No one matches “rivera”." in found.text
