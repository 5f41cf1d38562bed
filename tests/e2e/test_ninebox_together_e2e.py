"""Two people on one calibration session, each in their own browser: HR and a manager.

A reviewer found the manager's 9-box stale after HR moved someone: the grid and the table
kept the old cell, choosing the person preset the move form from it, and the manager's
move went through over HR's without a word. Here HR opens a round of everyone with a
session on the served demo; both sign in, in two browser contexts, and open it. The
manager chooses one of their reports; HR moves that person; the manager's grid, table and
chart show the new cell within the page's poll (waited for, never slept on); the manager's
move, chosen on the old cell, is refused with a sentence naming HR's move and the form
comes back preset to the new cell with the reason kept; chosen again, the person's levels
are preset from the new cell and the move goes through, and HR's page shows it in turn.
Console errors and Content-Security-Policy violations fail the test (but for the refused
move's own 422, which chromium reports on the console).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import pytest
import sqlalchemy as sa

from renown.accounts.actions import principal_of
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.store.engine import make_engine, session_factory
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from renown.talent.calibration import check_open_session, movable_boxes
from renown.talent.ninebox import BOX_NAMES, BOXES, Box
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from tests.e2e.conftest import sign_in_as_role, watch_problems

pytestmark = pytest.mark.e2e

CHART_WAIT: Final = 20_000
"""Milliseconds to wait for the chart to draw (vega loads and compiles in the page)."""
POLL_WAIT: Final = 15_000
"""Milliseconds to wait for the other person's move to reach a page: the page polls every
5 seconds, so this is a bound on waiting, not a duration anything is assumed to take."""


@dataclass(frozen=True)
class Room:
    """The round and session both people open, and the person they both may move."""

    url: str
    person: int
    name: str
    cell: Box


@pytest.fixture(scope="module")
def room(live: Any) -> Iterator[Room]:
    assert live.settings is not None
    engine = make_engine(live.settings.database)
    sessions = session_factory(engine)
    clock = FixedClock(datetime.now(UTC))
    with sessions.begin() as session:

        def principal(role: Role) -> Any:
            account = session.scalar(
                sa.select(Account).where(Account.role == role.value).order_by(Account.id).limit(1)
            )
            assert account is not None, role
            return principal_of(account)

        hr, manager = principal(Role.HR), principal(Role.MANAGER)
        round_id = check_open_round(
            session,
            hr,
            name="Two-browser calibration round",
            target="Senior",
            eligibility=Eligibility(),
            config=RoundConfig(transparency="no_one", top_n=3),
            clock=clock,
        ).id
        opened = check_open_session(session, hr, round_id, "Two-browser session", clock=clock)
        _, boxes = movable_boxes(session, manager, round_id)
        assert boxes, "the demo manager has placed candidates in the round"
        person = min(boxes)
        name = session.get(Person, person).name  # type: ignore[union-attr]
        url = f"{live.base_url}/talent/rounds/{round_id}/ninebox?session_id={opened.id}"
        made = Room(url, person, name, boxes[person])
    engine.dispose()
    yield made


def _other_cell(*avoid: Box) -> Box:
    return next(box for box in reversed(BOXES) if box not in avoid)


def _open(browser: Any, live: Any, room: Room, role: Role, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch_problems(page, role.value, problems)
    sign_in_as_role(page, live, role)
    page.goto(room.url)
    page.wait_for_selector("#ninebox-chart[data-chart-ready]", timeout=CHART_WAIT)
    return page


def _choose(page: Any, room: Room) -> Any:
    """Choose the room's person in the move form through the picker; the form."""
    from playwright.sync_api import expect

    form = page.locator("form[data-calibration-form]")
    form.locator("#move-q").fill(room.name)
    match = form.locator(f'#move-results [data-pick-person="{room.person}"]')
    expect(match).to_be_visible()
    match.click()
    expect(form.locator("input[name=person_id][data-picker-value]")).to_have_value(str(room.person))
    return form


def _expect_levels(form: Any, cell: Box) -> None:
    from playwright.sync_api import expect

    expect(form.locator("select[name=performance]")).to_have_value(str(cell[0]))
    expect(form.locator("select[name=potential]")).to_have_value(str(cell[1]))


def _move(form: Any, to: Box, reason: str) -> None:
    form.locator("select[name=performance]").select_option(str(to[0]))
    form.locator("select[name=potential]").select_option(str(to[1]))
    form.locator("textarea[name=reason]").fill(reason)
    form.get_by_role("button", name="Move").click()


def _expect_drawn_in(page: Any, room: Room, cell: Box) -> None:
    """The page's table and chart place the person in ``cell`` (waiting for the poll)."""
    from playwright.sync_api import expect

    entry = page.locator(f'table.ninebox-table td[data-box="{cell[0]}-{cell[1]}"]').locator(
        f'[data-select-person="{room.person}"]'
    )
    expect(entry).to_have_count(1, timeout=POLL_WAIT)
    expect(entry).to_have_attribute("data-performance", str(cell[0]))
    chart = page.locator("#ninebox-chart[data-chart-ready]")
    expect(chart).to_have_count(1, timeout=CHART_WAIT)
    drawn = chart.evaluate(
        "(el, id) => JSON.parse(el.dataset.nineboxSpec).layer[2].data.values"
        ".find((p) => p.person_id === id).box",
        room.person,
    )
    assert drawn == BOX_NAMES[cell]


def test_hr_and_a_manager_calibrate_one_session_at_once(
    live: Any, browser: Any, room: Room
) -> None:
    from playwright.sync_api import expect

    problems: list[str] = []
    manager = _open(browser, live, room, Role.MANAGER, problems)
    hr = _open(browser, live, room, Role.HR, problems)

    # The manager chooses their report on the grid as it is, and starts writing.
    manager_form = _choose(manager, room)
    _expect_levels(manager_form, room.cell)
    hr_cell = _other_cell(room.cell)
    manager_cell = _other_cell(room.cell, hr_cell)

    # Meanwhile HR moves the same person.
    hr_form = _choose(hr, room)
    _move(hr_form, hr_cell, "Browser test: HR moves first.")
    expect(hr.locator("ol[data-moves] > li", has_text="HR moves first")).to_have_count(1)

    # The manager's page follows within its poll: table and chart.
    _expect_drawn_in(manager, room, hr_cell)
    expect(manager.locator("ol[data-moves] > li", has_text="HR moves first")).to_have_count(1)

    # The manager's move was chosen on the old cell: refused, saying so, nothing lost.
    reason = "Browser test: the manager's view of the year."
    _move(manager_form, manager_cell, reason)
    alert = manager.locator("#ninebox-workspace [role=alert]")
    expect(alert).to_contain_text(
        f"{room.name} was moved to {BOX_NAMES[hr_cell]} by", timeout=POLL_WAIT
    )
    expect(alert).to_contain_text("while you were choosing; check and move again.")
    manager_form = manager.locator("form[data-calibration-form]")
    expect(manager_form.locator("textarea[name=reason]")).to_have_value(reason)
    _expect_levels(manager_form, hr_cell)

    # Chosen again, the levels start from the cell the server knows; the move goes through.
    manager_form = _choose(manager, room)
    _expect_levels(manager_form, hr_cell)
    _move(manager_form, manager_cell, reason)
    expect(manager.locator("ol[data-moves] > li", has_text=reason)).to_have_count(1)
    _expect_drawn_in(manager, room, manager_cell)

    # And HR's page follows the manager's move in turn.
    _expect_drawn_in(hr, room, manager_cell)
    expect(hr.locator("ol[data-moves] > li", has_text=reason)).to_have_count(1)

    for page in (manager, hr):
        page.wait_for_load_state("networkidle")
        page.context.close()
    # The refused move answers 422 by design (htmx swaps it in), and chromium reports every
    # 4xx answer on the console: exactly that one is expected, nothing else.
    refused = [p for p in problems if p.startswith("manager ") and "status of 422" in p]
    assert len(refused) == 1, problems
    assert [p for p in problems if p not in refused] == []
