"""Promotion boards in a real browser, as HR, on the demo's open round.

The demo seeds the round :data:`~renown.demo.talent.OPEN_ROUND` with an open calibration
session (``renown.demo.talent``). The tests follow HR through it in file order: the board
and an explanation, the what-if chart and slider, a calibration move on the 9-box, the
bias audit and its PDF, and last the sign-off, which freezes the round. Console errors and
Content-Security-Policy violations (chromium reports them on the console) fail every test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from renown.demo.talent import CALIBRATION, OPEN_ROUND
from scripts.screenshots import sign_in
from tests.e2e.conftest import open_board, settled

pytestmark = pytest.mark.e2e

CHART_WAIT = 20_000
"""Milliseconds to wait for a chart to draw (vega loads and compiles in the page)."""


def test_hr_reads_the_ranking_and_a_candidates_explanation(live: Any, watched: Any) -> None:
    from playwright.sync_api import expect

    page = watched.page
    open_board(page, live)
    assert OPEN_ROUND in page.locator("h1").inner_text()
    rows = page.locator("table.talent-ranking tbody tr[data-person]")
    assert rows.count() >= 30
    assert page.locator("table.talent-ranking tbody tr.recommended[data-person]").count() >= 8
    why = page.locator("table.talent-ranking details").first
    why.locator("summary").click()
    explanation = why.locator("table.talent-explain")
    expect(explanation).to_be_visible()
    text = explanation.inner_text()
    for words in ("Performance rating", "Internal prominence", "Composite"):
        assert words in text
    assert explanation.locator("tbody tr").count() >= 5
    settled(watched)


def test_the_what_if_chart_draws_and_the_slider_changes_the_table(live: Any, watched: Any) -> None:
    from playwright.sync_api import expect

    page = watched.page
    board = open_board(page, live)
    page.goto(f"{board}/whatif")
    chart = page.wait_for_selector("#whatif-chart[data-chart-ready]", timeout=CHART_WAIT)
    assert chart is not None and chart.query_selector("svg") is not None
    assert page.locator("[data-headline]").inner_text().strip()
    table = page.locator("#whatif-table")
    assert table.get_attribute("data-weight") == "20"  # the round's configured weight
    page.locator("[data-weight-slider]").fill("100")
    expect(page.locator("#whatif-table")).to_have_attribute("data-weight", "100")
    assert "at weight 100" in page.locator("#whatif-table h3").inner_text()
    assert page.locator("#whatif-table tbody tr").count() >= 8
    expect(page.locator("[data-weight-output]")).to_have_text("100")
    settled(watched)


def test_hr_moves_a_candidate_on_the_nine_box_with_a_reason(live: Any, watched: Any) -> None:
    from playwright.sync_api import expect

    page = watched.page
    board = open_board(page, live)
    page.goto(f"{board}/ninebox")
    page.wait_for_selector("#ninebox-chart[data-chart-ready]", timeout=CHART_WAIT)
    assert CALIBRATION in page.locator("select[name=session_id]").inner_text()
    moves = page.locator("ol[data-moves] > li")
    before = moves.count()
    assert before >= 3  # the demo's own moves
    form = page.locator("form[data-calibration-form]")
    chosen = form.locator("input[name=person_id][data-picker-value]")
    entry = page.locator("table.ninebox-table [data-select-person]").first
    person = entry.get_attribute("data-select-person") or ""
    name = entry.inner_text().strip()
    performance = int(entry.get_attribute("data-performance") or "1")
    potential = entry.get_attribute("data-potential") or "1"
    # Clicking a name in the table chooses that person in the picker.
    page.locator("table.ninebox-table [data-select-person]").nth(1).click()
    expect(chosen).not_to_have_value("")
    # Typing part of the name lists the matches; choosing one fills the form.
    form.locator("#move-q").fill(name[:-2])
    match = form.locator(f'#move-results [data-pick-person="{person}"]')
    expect(match).to_be_visible()
    assert name in match.inner_text()
    match.click()
    expect(chosen).to_have_value(person)
    expect(form.locator("[data-picker-chosen]")).to_contain_text(name)
    expect(form.locator("#move-results [data-pick-person]")).to_have_count(0)
    expect(form.locator("select[name=potential]")).to_have_value(potential)
    expect(form.locator("select[name=performance]")).to_have_value(str(performance))
    form.locator("select[name=performance]").select_option(str(performance % 3 + 1))
    reason = "Browser test: delivered the launch the rating predates."
    form.locator("textarea[name=reason]").fill(reason)
    form.get_by_role("button", name="Move").click()
    expect(moves).to_have_count(before + 1)
    latest = page.locator("ol[data-moves] > li", has_text=reason)
    expect(latest).to_have_count(1)
    assert name in latest.inner_text()
    total = page.locator("table[data-shift-table] tr.shift-total [data-moved]")
    expect(total).to_have_text(str(before + 1))
    settled(watched)


def test_the_bias_audit_page_has_its_tables_and_a_pdf(live: Any, watched: Any) -> None:
    page = watched.page
    board = open_board(page, live)
    page.goto(f"{board}/audit")
    sections = page.locator("section.audit-section")
    assert sections.count() >= 3
    assert sections.first.locator("table.audit-table tbody tr").count() >= 2
    headers = page.locator("table.audit-table").first.locator("thead").text_content() or ""
    assert "Impact ratio" in headers and "Four-fifths" in headers
    pdf = page.request.get(f"{board}/audit.pdf")
    assert pdf.ok
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")
    settled(watched)


def test_a_round_runs_from_opening_to_sign_off_in_the_browser(live: Any, watched: Any) -> None:
    """HR opens a new round through the form (the external-prominence warning appears as
    soon as it gets weight and must be acknowledged), lands on its board and signs it off."""
    from playwright.sync_api import expect

    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    page.goto(f"{live.base_url}/talent")
    form = page.locator("#open form")
    form.locator("input[name=name]").fill("Browser round 2026")
    form.locator("input[name=target]").fill("Staff engineer")
    form.locator("input[name=min_tenure_months]").fill("12")
    warning = page.locator("[data-external-warning]")
    expect(warning).to_be_hidden()
    external = form.locator("input[data-weight-input][data-external=true]").first
    external.fill("10")
    external.dispatch_event("input")
    expect(warning).to_be_visible()
    assert "Article 5(1)(c)" in warning.inner_text()
    form.locator("input[data-external-ack]").check()
    form.locator("button[type=submit]", has_text="Open the round").click()
    page.wait_for_url(re.compile(r".*/talent/rounds/\d+$"))
    assert "Browser round 2026" in page.locator("h1").inner_text()
    expect(page.locator("[data-external-banner]")).to_be_visible()
    assert page.locator("table.talent-ranking tbody tr[data-person]").count() >= 8
    signoff = page.locator("form[data-signoff]")
    signoff.locator("textarea[name=reason]").fill("Browser test: the recommendation stands.")
    signoff.locator("button[type=submit]").click()
    expect(page.locator("[data-round-status]")).to_have_text("decided")
    assert "the recommendation stands" in page.locator("#decision").inner_text()
    settled(watched)


def test_hr_signs_the_round_off_with_an_override_and_sees_the_decision(
    live: Any, watched: Any
) -> None:
    """Last in the file: signing off freezes the round the other tests use."""
    from playwright.sync_api import expect

    page = watched.page
    open_board(page, live)
    form = page.locator("form[data-signoff]")
    recommended = form.locator("input[data-promote][data-recommended=true]")
    assert recommended.count() >= 8
    passed_over = recommended.last
    person = passed_over.get_attribute("data-promote")
    passed_over.uncheck()
    override = form.locator(f"[data-override-for='{person}'] input[name=override_reason]")
    expect(override).to_be_visible()
    override.fill("Moving to another team next quarter; considered again in the next round.")
    form.locator("textarea[name=reason]").fill("Browser test: the panel's decision.")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-round-status]")).to_have_text("decided")
    decision = page.locator("#decision")
    assert "hr@" in decision.locator("[data-signer]").inner_text()
    assert "Browser test: the panel's decision." in decision.inner_text()
    assert "Moving to another team next quarter" in decision.inner_text()
    assert page.locator("form[data-signoff]").count() == 0
    settled(watched)
