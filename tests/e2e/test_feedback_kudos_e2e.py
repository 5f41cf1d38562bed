"""The 360 results and the kudos wall in a real browser, on the demo organisation.

The demo employee has an anonymous release of enough colleagues, named feedback and
private self-assessments (``renown.demo.social``): their 360 page draws the rater-group heat
map and the quarterly trend, and their manager sees the heat map too. The kudos wall shows
values by their labels (never a key such as ``customer_focus``), names reactions in words,
and keeps the give form folded until it is opened. Console errors and Content-Security-
Policy violations (chromium reports them on the console) fail every test.
"""

from __future__ import annotations

import re
from typing import Any, Final

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.platform import demo_password
from renown.store.engine import make_engine
from renown.store.tables.accounts import Account
from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e

CHART_WAIT: Final = 20_000
"""Milliseconds to wait for a chart to draw (vega loads and compiles in the page)."""
HEATMAP: Final = "#r360-chart[data-chart-ready=true] svg"
TREND: Final = "#competency-chart[data-chart-ready=true] svg"
RAW_KEY: Final = re.compile(r"\b[a-z]+_[a-z_]+\b")
"""A stored key written with underscores (``customer_focus``), which no page may show."""


def _account(live: Any, role: Role) -> tuple[str, int | None]:
    """The e-mail and person id of the demo account of ``role`` (the employee and the
    manager sign in with their person's e-mail address)."""
    engine = make_engine(live.settings.database)
    try:
        with engine.connect() as connection:
            email, person_id = connection.execute(
                sa.select(Account.email, Account.person_id)
                .where(Account.role == role.value)
                .order_by(Account.id)
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    return str(email), person_id


def _sign_in(page: Any, live: Any, role: Role) -> None:
    sign_in(page, live.base_url, _account(live, role)[0], demo_password(role))


def _drawn(page: Any, selector: str) -> Any:
    chart = page.wait_for_selector(selector, state="attached", timeout=CHART_WAIT)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80, box
    return chart


def test_the_employee_reads_their_360_with_a_heat_map_and_a_trend(live: Any, watched: Any) -> None:
    page = watched.page
    _sign_in(page, live, Role.EMPLOYEE)
    page.goto(f"{live.base_url}/feedback/received")
    _drawn(page, HEATMAP)
    _drawn(page, TREND)
    heatmap = page.locator("#r360-chart svg").text_content() or ""
    assert "Self" in heatmap and "Manager" in heatmap
    assert page.locator("#self-vs-others li").count() >= 1
    assert page.locator("#comments-by-competency details").count() >= 2
    text = page.locator("main").inner_text()
    assert not RAW_KEY.findall(text), RAW_KEY.findall(text)
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_manager_sees_the_employees_heat_map(live: Any, watched: Any) -> None:
    page = watched.page
    _sign_in(page, live, Role.MANAGER)
    me = _account(live, Role.EMPLOYEE)[1]
    page.goto(f"{live.base_url}/feedback/people/{me}")
    _drawn(page, HEATMAP)
    assert page.locator("h1").inner_text().startswith("Feedback about")
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_kudos_wall_shows_labels_and_the_give_form_opens(live: Any, watched: Any) -> None:
    page = watched.page
    _sign_in(page, live, Role.EMPLOYEE)
    page.click("nav[aria-label=Main] a[href='/kudos']")
    cards = page.locator(".kudos-card")
    assert cards.count() > 0
    text = page.locator("main").inner_text()
    assert not RAW_KEY.findall(text), RAW_KEY.findall(text)
    assert "thumbsup" not in text
    values = page.locator(".kudos-card .kudos-value")
    assert values.count() > 0 and values.first.inner_text().startswith("#")
    assert page.locator(".kudos-card .avatar").first.inner_text().strip()
    reaction = page.locator(".kudos-card button[data-reaction=clap]").first
    assert re.fullmatch(r"Applause \d+", reaction.get_attribute("aria-label") or "")
    form = page.locator("#give-kudos .kudos-form")
    assert not form.is_visible()  # folded away: the feed comes first
    page.click("#give-kudos summary")
    form.wait_for(state="visible")
    assert page.locator("#give-kudos textarea[name=message]").is_visible()
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_badges_page_shows_my_badges_and_progress(live: Any, watched: Any) -> None:
    page = watched.page
    _sign_in(page, live, Role.EMPLOYEE)
    page.goto(f"{live.base_url}/badges")
    assert page.locator("#my-badges li").count() >= 1
    progress = page.locator("#next-badges [role=progressbar]")
    assert progress.count() >= 1
    assert re.search(r"\d+ of \d+ .+ for ", page.locator("#next-badges").inner_text())
    assert watched.problems == []
