"""The promotion board at real size in a real browser: the searchable person picker and the
board's pages.

Two people called "Robin Namesake" are added to the demo organisation in two different
teams; HR finds them by typing part of the name into the board's "Person" picker, tells
them apart by team, chooses one with the keyboard, adds them to the pool and sees who was
added. Then HR pages through the ranking. Console errors and Content-Security-Policy
violations (chromium reports them on the console) fail every test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from renown.demo.talent import OPEN_ROUND
from renown.store.engine import make_engine
from renown.store.tables.org import Person, Team
from renown.store.tables.talent import PromotionRound
from tests.e2e.conftest import Live, open_board, served_demo, settled

pytestmark = pytest.mark.e2e

NAME = "Robin Namesake"


@dataclass(frozen=True)
class Namesakes:
    """The two namesakes: (person id, team name) each; the second is the one to pick."""

    first: tuple[int, str]
    second: tuple[int, str]


@pytest.fixture(scope="module")
def live(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A demo of this file's own: another file's browser test signs the demo's open round
    off, and these tests need it open whatever ran before them on their worker."""
    with served_demo(tmp_path_factory.mktemp("e2e-boards")) as served:
        yield served


@pytest.fixture(scope="module")
def namesakes(live: Any) -> Iterator[Namesakes]:
    assert live.settings is not None
    engine = make_engine(live.settings.database)
    try:
        with engine.begin() as connection:
            org_id = connection.scalar(
                sa.select(PromotionRound.org_id).where(PromotionRound.name == OPEN_ROUND)
            )
            teams = connection.execute(
                sa.select(Team.id, Team.name, Team.department_id)
                .where(Team.org_id == org_id)
                .order_by(Team.name)
                .limit(2)
            ).all()
            made = []
            for number, (team_id, team_name, department_id) in enumerate(teams):
                person_id = connection.scalar(
                    sa.insert(Person)
                    .values(
                        org_id=org_id,
                        employee_id=f"e2e-namesake-{number}",
                        name=NAME,
                        title="Analyst",
                        team_id=team_id,
                        department_id=department_id,
                        public_profile=False,
                    )
                    .returning(Person.id)
                )
                made.append((int(person_id), str(team_name)))
    finally:
        engine.dispose()
    yield Namesakes(made[0], made[1])


def test_hr_picks_a_namesake_by_team_and_adds_them_to_the_pool(
    live: Any, watched: Any, namesakes: Namesakes
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    open_board(page, live)
    wanted_id, wanted_team = namesakes.second
    search = page.get_by_role("searchbox", name="Person")
    search.fill("namesa")  # part of the name
    matches = page.locator("#pool-results [data-pick-person]")
    expect(matches).to_have_count(2)
    texts = matches.all_inner_texts()
    assert all(NAME in text for text in texts)
    assert any(f"{namesakes.first[1]} team" in t for t in texts)
    assert any(f"{wanted_team} team" in t for t in texts)
    # by keyboard: down into the list, down to the wanted team's namesake, Enter
    search.press("ArrowDown")
    position = next(i for i, t in enumerate(texts) if f"{wanted_team} team" in t)
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    expect(matches.nth(position)).to_be_focused()
    page.keyboard.press("Enter")
    form = page.locator("form[data-pool-form]")
    expect(form.locator("input[name=person_id]")).to_have_value(str(wanted_id))
    expect(page.locator("#pool-chosen")).to_contain_text(f"{wanted_team} team")
    expect(page.locator("#pool-results [data-pick-person]")).to_have_count(0)
    form.locator("textarea[name=reason]").fill("Browser test: acting lead of the team.")
    form.get_by_role("button", name="Change the pool").click()
    notice = page.locator("[data-pool-changed]")
    expect(notice).to_contain_text(f"{NAME} (Analyst, {wanted_team} team")
    expect(notice).to_contain_text("is now in the pool")
    settled(watched)


def test_hr_pages_through_the_ranking(live: Any, watched: Any) -> None:
    from playwright.sync_api import expect

    page = watched.page
    board = open_board(page, live)
    page.goto(f"{board}?per=25")
    rows = page.locator("table.talent-ranking tbody tr[data-person]")
    expect(rows).to_have_count(25)
    first_range = page.locator("[data-rank-range]").first.inner_text()
    found = re.match(r"Ranks 1–25 of (\d+) candidates, page 1 of (\d+)\.", first_range)
    assert found, first_range
    total = int(found.group(1))
    assert total > 25
    page.get_by_role("link", name="Next 25 →").first.click()
    page.wait_for_url(re.compile(r".*page=2&per=25#ranking$"))
    expect(rows).to_have_count(min(25, total - 25))
    assert page.locator("[data-rank-range]").first.inner_text().startswith("Ranks 26–")
    assert page.locator("select[name=per]").input_value() == "25"
    page.get_by_role("link", name="← Previous 25").first.click()
    expect(rows).to_have_count(25)
    page.locator("select[name=per]").select_option("50")  # shows itself: no "Show" press
    page.wait_for_url(re.compile(r".*per=50.*#ranking$"))
    expect(rows).to_have_count(min(50, total))
    settled(watched)


def test_sign_off_adds_a_candidate_from_outside_the_top_n_through_the_picker(
    live: Any, watched: Any, namesakes: Namesakes
) -> None:
    """After the first test, one namesake is in the pool (unranked: no evidence) and the
    other is not: the sign-off picker searches the pool only."""
    from playwright.sync_api import expect

    page = watched.page
    open_board(page, live)
    form = page.locator("form[data-signoff]")
    ticked = form.locator("input[data-promote]:checked")
    recommended = ticked.count()
    search = page.get_by_role("searchbox", name="Candidate")
    search.fill("robin name")
    matches = page.locator("#outsider-results [data-pick-person]")
    expect(matches).to_have_count(1)
    in_pool, team = namesakes.second
    assert f"{team} team" in matches.first.inner_text()
    matches.first.click()
    box = form.locator(f"input[data-promote='{in_pool}']")
    expect(box).to_be_checked()
    expect(ticked).to_have_count(recommended + 1)
    reason = form.locator(f"[data-override-for='{in_pool}'] input[name=override_reason]")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    assert reason.get_attribute("required") is not None
    expect(page.locator("#outsider-chosen")).to_contain_text(f"Added: {NAME}")
    settled(watched)
