"""The 9-box, what-if, bias audit and scoring runs pages on a phone (390 x 844), as HR, and
every main page of every role.

On a phone nothing may scroll sideways: neither the page (``scrollWidth`` of the document
against the window's width) nor a table inside its scrolling wrapper. Wide tables become
cards whose cells name their column; the 9-box table stacks into one column; the audit
opens with its summary and draws its impact-ratio chart inside the screen. Console errors
and Content-Security-Policy violations fail every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from scripts.main_pages import PAGES, ROLE_PAGES
from tests.e2e.conftest import open_board, sign_in_as_role, watch_problems

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CHART_WAIT = 20_000
"""Milliseconds to wait for a chart to draw (vega loads and compiles in the page)."""
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  window: window.innerWidth,
  wrappers: Array.from(document.querySelectorAll('.table-wrap'))
    .filter((wrap) => wrap.scrollWidth > wrap.clientWidth)
    .map((wrap) => wrap.scrollWidth + ' > ' + wrap.clientWidth + ': ' +
      (wrap.querySelector('table') || wrap).className),
})"""
"""The page's width, the window's, and every table wrapper that scrolls sideways."""
LABELS = """(selector) => Array.from(document.querySelector(selector)
    .querySelectorAll(':scope > tbody > tr:first-child > td[data-label]'))
  .map((cell) => getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''))"""
"""The labels a table's first row of cards shows (each cell's ``::before``)."""


@dataclass
class Phone:
    """A signed-in HR page at a phone's size, the demo round's board URL, and what the
    browser complained about."""

    page: Any
    board: str
    base_url: str
    problems: list[str]


@pytest.fixture(scope="module")
def phone(browser: Any, live: Any) -> Iterator[Phone]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = watch_problems(page)
    yield Phone(page, open_board(page, live), live.base_url, problems)
    context.close()


def _open(phone: Phone, url: str, chart: str | None = None) -> None:
    phone.problems.clear()
    phone.page.goto(url)
    if chart:
        phone.page.wait_for_selector(f"{chart}[data-chart-ready]", timeout=CHART_WAIT)
    phone.page.wait_for_load_state("networkidle")


def _assert_fits(phone: Phone) -> None:
    widths = phone.page.evaluate(WIDTHS)
    assert widths["window"] == PHONE["width"]
    assert widths["page"] <= widths["window"], f"the page scrolls sideways: {widths}"
    assert widths["wrappers"] == [], f"tables scroll sideways: {widths['wrappers']}"
    assert phone.problems == []


def _labels(phone: Phone, table: str) -> list[str]:
    """What the cells of ``table``'s first row show as their label (their ``::before``)."""
    return list(phone.page.evaluate(LABELS, table))


def test_the_scoring_runs_pages_fit_and_their_tables_are_cards(phone: Phone) -> None:
    _open(phone, f"{phone.base_url}/runs")
    _assert_fits(phone)
    labels = _labels(phone, "table.cards-sm")
    assert labels[:3] == ["Run", "As of", "Events"]
    run = phone.page.locator("table.cards-sm a[href^='/runs/']").first.get_attribute("href")
    _open(phone, f"{phone.base_url}{run}")
    _assert_fits(phone)
    assert "Score" in _labels(phone, "table.cards-sm")


def test_the_board_fits_and_its_ranking_is_cards(phone: Phone) -> None:
    _open(phone, phone.board)
    _assert_fits(phone)
    assert _labels(phone, "table.talent-ranking") == [
        "Rank",
        "Name",
        "Department",
        "Composite",
        "Contributions",
    ]


def test_the_what_if_page_fits_with_its_chart(phone: Phone) -> None:
    _open(phone, f"{phone.board}/whatif", chart="#whatif-chart")
    _assert_fits(phone)
    assert _labels(phone, "#whatif-table table") == [
        "Rank",
        "Name",
        "Composite",
        "Compared with weight 0",
    ]
    assert _labels(phone, "table.talent-changes")[0] == "Weight"


def test_the_nine_box_fits_and_its_cells_stack_in_one_column(phone: Phone) -> None:
    _open(phone, f"{phone.board}/ninebox", chart="#ninebox-chart")
    _assert_fits(phone)
    cells = phone.page.locator("td.ninebox-cell")
    assert cells.count() == 9
    boxes = [cells.nth(i).bounding_box() for i in range(9)]
    assert len({round(box["x"]) for box in boxes}) == 1, f"cells side by side: {boxes}"
    assert len({round(box["width"]) for box in boxes}) == 1
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops) and len(set(tops)) == 9, "each cell below the one before"
    assert boxes[0]["x"] + boxes[0]["width"] <= PHONE["width"]
    first = cells.first.evaluate("(cell) => getComputedStyle(cell, '::before').content")
    assert first == '"High potential, low performance"'


def test_the_round_audit_leads_with_its_summary_and_draws_its_chart(phone: Phone) -> None:
    _open(phone, f"{phone.board}/audit", chart="#impact-chart")
    _assert_fits(phone)
    page = phone.page
    summary = page.locator("[data-audit-summary]")
    assert summary.inner_text().count("The audit covers") == 1
    chart = page.locator("#impact-chart").bounding_box()
    first_table = page.locator("table.audit-table").first.bounding_box()
    assert summary.bounding_box()["y"] < chart["y"] < first_table["y"]
    svg = page.locator("#impact-chart svg").bounding_box()
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= PHONE["width"], f"chart: {svg}"
    bars = page.locator("#impact-chart svg g.mark-rect path").count()
    groups = page.evaluate(
        "() => JSON.parse(document.getElementById('impact-spec').textContent).data.values.length"
    )
    assert bars == groups >= 2
    assert _labels(phone, "table.audit-table")[:4] == ["Category", "n", "Selected", "Rate"]


def test_the_prominence_audit_fits(phone: Phone) -> None:
    _open(phone, f"{phone.base_url}/talent/audit/prominence", chart="#impact-chart")
    _assert_fits(phone)
    svg = phone.page.locator("#impact-chart svg").bounding_box()
    assert svg["x"] + svg["width"] <= PHONE["width"]


CUT_OFF = """() => Array.from(document.querySelectorAll('main *'))
  .filter((element) => !element.ownerSVGElement)
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((element) => {
    for (let up = element.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll'].includes(style.overflowX)) return false;
      if (style.overflowX === 'hidden' && up.getBoundingClientRect().width <= 1) return false;
    }
    return true;
  })
  .slice(0, 3)
  .map((element) => element.tagName.toLowerCase() + '.' + element.className +
    ' (in #' + (element.closest('[id]') || {id: '?'}).id + ') ends at ' +
    Math.round(element.getBoundingClientRect().right) + ' px')"""
"""Elements of ``main`` that end past the window's right edge outside any scrolling box:
cut off or pushing the page sideways, including the content of a closed ``<details>``
(it would when opened). Screen-reader-only text and the inside of a drawing (an SVG clips
what it draws) do not count."""


def test_no_main_page_of_any_role_is_wider_than_a_phone(browser: Any, live: Any) -> None:
    """Every main page of every role (``scripts/main_pages.py``) at 390 px: the page does
    not scroll sideways, nothing in it runs past the screen's edge (where it would be cut
    off), and no table scrolls sideways in its wrapper: tables become cards. The check can
    fail: a page given a 600 px box reports it."""
    found: list[str] = []
    for role in ROLE_PAGES:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        try:
            page = context.new_page()
            problems = watch_problems(page)
            sign_in_as_role(page, live, role)
            for name in ROLE_PAGES[role]:
                PAGES[name](page, live.base_url)
                page.wait_for_load_state("networkidle")
                widths = page.evaluate(WIDTHS)
                if widths["page"] > widths["window"]:
                    found.append(f"{role.value} {name}: page {widths['page']} px wide")
                found += [f"{role.value} {name}: table scrolls {w}" for w in widths["wrappers"]]
                found += [f"{role.value} {name}: {cut}" for cut in page.evaluate(CUT_OFF)]
            assert problems == [], problems
            page.evaluate(
                "() => document.querySelector('main').append(Object.assign("
                "document.createElement('div'), {style: 'width: 600px', className: 'planted'}))"
            )
            assert page.evaluate(CUT_OFF), "the check finds a planted 600 px box"
        finally:
            context.close()
    assert not found, "\n".join(found)
