"""The feedback request form's "About" picker: a manager finds the report a request is
about by typing part of a name, instead of choosing from a dropdown of their whole
reporting line (hundreds of people for a senior manager)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.org import Person
from tests.web.conftest import Platform

HTMX = {"HX-Request": "true"}
SEARCH = "/feedback/request/about-search"
SELECT = re.compile(r"<select\b[^>]*>(.*?)</select>", re.S)
OPTION_VALUE = re.compile(r'<option\b[^>]*value="(\d+)"')


def _name(platform: Platform, person_id: int) -> str:
    with platform.sessions() as session:
        return str(session.scalar(sa.select(Person.name).where(Person.id == person_id)))


def _picker(page: str) -> str:
    start = page.index('id="about-picker"')
    return page[start : page.index("<label>Message", start)]


def test_the_request_form_lists_no_reports_until_a_name_is_typed(platform: Platform) -> None:
    page = platform.browser(Role.MANAGER).get("/feedback/request")
    assert page.status_code == 200, page.text
    listed = {int(v) for body in SELECT.findall(page.text) for v in OPTION_VALUE.findall(body)}
    line = {platform.cast.report, platform.cast.second_level}
    assert not listed & line, "no dropdown may list the reporting line"
    picker = _picker(page.text)
    assert 'name="subject_id" value="" data-picker-value' in picker
    assert f'hx-get="{SEARCH}"' in picker and "the request is about you" in picker
    assert "data-picker-clear hidden>" in picker
    for role in (Role.EMPLOYEE, Role.HR):  # no one below them: every request is about them
        assert 'id="about-picker"' not in platform.browser(role).get("/feedback/request").text


def test_a_manager_finds_anyone_in_their_line_and_nobody_else(platform: Platform) -> None:
    manager = platform.browser(Role.MANAGER)
    second = _name(platform, platform.cast.second_level)
    found = manager.get(SEARCH, params={"q": second}, headers=HTMX)
    assert found.status_code == 200 and "<html" not in found.text
    assert f'data-pick-person="{platform.cast.second_level}"' in found.text
    assert "/feedback/request?picker=about&amp;q=" in found.text
    outsider = _name(platform, platform.cast.private)
    elsewhere = manager.get(SEARCH, params={"q": outsider}, headers=HTMX).text
    assert f'data-pick-person="{platform.cast.private}"' not in elsewhere
    blank = manager.get(SEARCH, params={"q": " "}, headers=HTMX).text
    assert "data-pick-person=" not in blank


def test_the_picker_chooses_without_javascript(platform: Platform) -> None:
    manager = platform.browser(Role.MANAGER)
    report = platform.cast.report
    name = _name(platform, report)
    searched = _picker(manager.get("/feedback/request", params={"picker": "about", "q": name}).text)
    assert f'data-pick-person="{report}"' in searched
    chosen = manager.get("/feedback/request", params={"picker": "about", "q": name, "pick": report})
    picker = _picker(chosen.text)
    assert f'name="subject_id" value="{report}" data-picker-value' in picker
    assert f"Chosen: <strong>{name}" in picker
    back = 'href="/feedback/request#about-picker" data-picker-clear>About me instead</a>'
    assert back in picker, "a way back to a request about oneself"
    search_form = chosen.text[chosen.text.index('id="about-search"') :].split("</form>", 1)[0]
    assert 'action="/feedback/request#about-picker"' in search_form
    outside = manager.get("/feedback/request", params={"pick": platform.cast.private}).text
    assert 'name="subject_id" value="" data-picker-value' in outside, "not in their line"


@pytest.mark.parametrize(
    "role", [Role.EMPLOYEE, Role.HR, Role.ADMIN, Role.RECRUITER, Role.SPONSOR, Role.MEMBER]
)
def test_only_managers_search_a_reporting_line(platform: Platform, role: Role) -> None:
    name = _name(platform, platform.cast.report)
    found = platform.browser(role).get(SEARCH, params={"q": name}, headers=HTMX)
    assert (
        found.status_code == 403 and f'data-pick-person="{platform.cast.report}"' not in found.text
    )
