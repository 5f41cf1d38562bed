"""The home page's to-dos and the main menu in a real browser, on the demo organisation.

Things to answer are made through the product's own functions on the served database: the
demo manager asks their report, the demo employee, for feedback; HR opens a round of
everyone with a calibration session (the demo manager has candidates in it); a second round
is signed off and the employee appeals. Each then appears on the home page of whoever
answers it, and following its link opens the page where it is answered. HR reaches the
feedback overview from the menu. At 390 px the menu is folded behind its button: opening it
(by mouse and keyboard) shows the links, sets ``aria-expanded``, and nothing scrolls
sideways. Console errors and Content-Security-Policy violations fail every test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import pytest
import sqlalchemy as sa

from renown.accounts.actions import principal_of
from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.demo.platform import demo_password
from renown.feedback.requests import check_request_feedback
from renown.store.engine import make_engine, session_factory
from renown.store.tables.accounts import Account
from renown.talent.board import board
from renown.talent.calibration import check_open_session
from renown.talent.decisions import check_file_appeal, check_sign_off
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from scripts.screenshots import sign_in
from tests.e2e.conftest import watch_problems

pytestmark = pytest.mark.e2e

PHONE: Final = {"width": 390, "height": 844}
REQUEST_MESSAGE: Final = "Browser test: how did the quarterly review go?"
CALIBRATION: Final = "Browser test calibration"
APPEAL: Final = "Browser test: please look at my evidence again."


@dataclass(frozen=True)
class Seeded:
    """What the tests made, and how to sign in as each role."""

    logins: dict[Role, tuple[str, str]]
    request_id: int
    calibration_round: int
    calibration_id: int
    appeal_round: int


def _principal(session: Any, role: Role) -> Principal:
    account = session.scalar(
        sa.select(Account).where(Account.role == role.value).order_by(Account.id).limit(1)
    )
    assert account is not None, role
    return principal_of(account)


def _round(session: Any, hr: Principal, name: str, clock: FixedClock) -> int:
    opened = check_open_round(
        session,
        hr,
        name=name,
        target="Senior",
        eligibility=Eligibility(),
        config=RoundConfig(transparency="no_one", top_n=3),
        clock=clock,
    )
    return int(opened.id)


@pytest.fixture(scope="module")
def seeded(live: Any) -> Iterator[Seeded]:
    assert live.settings is not None
    engine = make_engine(live.settings.database)
    sessions = session_factory(engine)
    clock = FixedClock(datetime.now(UTC))
    with sessions.begin() as session:
        hr = _principal(session, Role.HR)
        employee = _principal(session, Role.EMPLOYEE)
        logins = {
            role: (_principal(session, role).email, demo_password(role))
            for role in (Role.EMPLOYEE, Role.MANAGER, Role.HR)
        }
        asked = check_request_feedback(
            session,
            _principal(session, Role.MANAGER),
            person_ids=[employee.person_id or 0],
            expires_at=clock.now() + timedelta(days=14),
            message=REQUEST_MESSAGE,
            clock=clock,
        )
        calibration_round = _round(session, hr, "Browser test calibration round", clock)
        opened = check_open_session(session, hr, calibration_round, CALIBRATION, clock=clock)
        appeal_round = _round(session, hr, "Browser test appeal round", clock)
        check_sign_off(
            session,
            hr,
            appeal_round,
            promoted=list(board(session, hr, appeal_round).recommended),
            reason="Browser test: the recommendation",
            clock=clock,
        )
        seeded = Seeded(
            logins, int(asked.request.id), calibration_round, int(opened.id), appeal_round
        )
    with sessions.begin() as session:
        check_file_appeal(
            session, _principal(session, Role.EMPLOYEE), appeal_round, APPEAL, clock=clock
        )
    engine.dispose()
    yield seeded


def _as(page: Any, live: Any, seeded: Seeded, role: Role) -> None:
    email, password = seeded.logins[role]
    sign_in(page, live.base_url, email, password)


def _todo(page: Any) -> Any:
    return page.locator("section.home-todo")


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"


def test_the_employee_answers_a_feedback_request_from_the_home_page(
    live: Any, seeded: Seeded, watched: Any
) -> None:
    page = watched.page
    _as(page, live, seeded, Role.EMPLOYEE)
    todo = _todo(page)
    link = todo.locator(f"a[href='/feedback/requests/{seeded.request_id}/answer']")
    assert link.count() == 1
    assert link.inner_text().endswith("asks for your feedback")
    assert "Feedback requests to answer (" in todo.inner_text()
    link.click()
    page.wait_for_url(re.compile(rf".*/feedback/requests/{seeded.request_id}/answer$"))
    assert REQUEST_MESSAGE in page.inner_text("main")
    assert page.locator("main form textarea").count() >= 1
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_manager_joins_the_open_calibration_from_the_home_page(
    live: Any, seeded: Seeded, watched: Any
) -> None:
    page = watched.page
    _as(page, live, seeded, Role.MANAGER)
    todo = _todo(page)
    link = todo.locator("a", has_text=CALIBRATION)
    assert link.count() == 1
    assert "Calibration sessions open" in todo.inner_text()
    assert todo.locator(f"a[href*='/feedback/requests/{seeded.request_id}/']").count() == 0
    link.click()
    page.wait_for_url(re.compile(rf".*/talent/rounds/{seeded.calibration_round}/ninebox\?.*"))
    assert "9-box: Browser test calibration round" in page.inner_text("h1")
    assert CALIBRATION in page.inner_text("main")
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_hr_answers_an_appeal_from_the_home_page_and_reaches_the_feedback_overview(
    live: Any, seeded: Seeded, watched: Any
) -> None:
    page = watched.page
    _as(page, live, seeded, Role.HR)
    todo = _todo(page)
    link = todo.locator(f"a[href='/talent/rounds/{seeded.appeal_round}#appeals']")
    assert link.inner_text() == "1 appeal in Browser test appeal round"
    assert "Promotion appeals to answer" in todo.inner_text()
    assert page.locator("section[aria-label=Start] h2", has_text="Feedback").count() == 1
    link.click()
    page.wait_for_url(re.compile(rf".*/talent/rounds/{seeded.appeal_round}#appeals$"))
    assert APPEAL in page.locator("#appeals").inner_text()
    page.click("nav[aria-label=Main] a:text-is('Feedback')")
    page.wait_for_url(re.compile(r".*/feedback/overview$"))
    assert page.inner_text("h1") == "Feedback overview"
    current = page.locator("nav[aria-label=Main] a[aria-current=page]")
    assert current.inner_text() == "Feedback"
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_menu_is_open_on_a_wide_screen_and_its_button_hidden(
    live: Any, seeded: Seeded, watched: Any
) -> None:
    page = watched.page
    _as(page, live, seeded, Role.EMPLOYEE)
    assert not page.locator("summary.nav-toggle").is_visible()
    assert page.locator("nav[aria-label=Main] a[href='/kudos']").is_visible()
    assert watched.problems == []


def test_the_phone_menu_opens_and_closes_without_sideways_scrolling(
    live: Any, seeded: Seeded, browser: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems = watch_problems(page)
    try:
        _as(page, live, seeded, Role.HR)
        button = page.locator("summary.nav-toggle")
        links = page.locator("nav[aria-label=Main] a")
        assert button.is_visible()
        assert button.get_attribute("aria-expanded") == "false"
        assert not links.first.is_visible()
        _no_sideways_scroll(page)

        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")  # set on the toggle event
        shown = [a.inner_text() for a in links.all() if a.is_visible()]
        assert {"Home", "People", "Feedback", "Kudos", "Scoring runs", "Account"} <= set(shown)
        for link in links.all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        _no_sideways_scroll(page)

        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(links.first).to_be_hidden()
        page.keyboard.press("Space")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(links.first).to_be_visible()
        _no_sideways_scroll(page)
        page.wait_for_load_state("networkidle")
        assert problems == []
    finally:
        context.close()
