"""The recruiter radar in a real browser, on the demo organisation (``renown.demo.radar``
seeds its snapshot histories, scores them and records a few outreach steps).

In file order: a recruiter imports a generated snapshot file through the radar's page (the
same file twice adds nothing; a file with one bad row is refused whole, naming file, line
and field); HR scores the radar; the recruiter opens one of the imported prospects (its
timeline, reasons and their chart) and moves them to *contacted* with a note, which the
subject page and the list keep; HR sees the flight-risk view that the recruiter is refused;
and at 375 px the list, a prospect's page and the flight-risk view do not scroll sideways
(nor do their tables), with who, how likely and the outreach step on screen. Console errors and
Content-Security-Policy violations (chromium reports them on the console) fail every test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Final

import pytest

from renown.core.roles import Role
from renown.demo.org import DEFAULT_END
from renown.demo.platform import DEMO_DOMAIN, demo_password
from renown.radar.snapshots import snapshot_to_dict
from renown.radar.synthetic import synthetic_histories
from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e

PHONE: Final = {"width": 375, "height": 800}
CHART_WAIT: Final = 20_000
"""Milliseconds to wait for a chart to draw (vega loads and compiles in the page)."""
SCORING_WAIT: Final = 180_000
"""Milliseconds to wait for the scoring job (it runs inside the request in the tests)."""
PROSPECTS: Final = tuple(f"linkedin:e2e-prospect-{number:02d}" for number in range(6))
JUST_MOVED: Final = PROSPECTS[0]
"""The one prospect whose generated history (seed 29) ends with a company change inside the
radar's 180-day horizon: the radar gives them no estimate."""
READ: Final = PROSPECTS[1]
"""The prospect the recruiter reads and contacts."""
NOTE: Final = "Browser test: wrote about the platform team opening."


@pytest.fixture(scope="module")
def snapshot_file() -> bytes:
    """Two and a half years of roughly monthly snapshots of :data:`PROSPECTS`, as JSONL,
    ending with the demo's history (so the radar's as-of stays where it was); every one of
    them changes company once, so each has changes on their timeline."""
    histories = synthetic_histories(
        list(PROSPECTS),
        start=DEFAULT_END - timedelta(days=900),
        end=DEFAULT_END,
        seed=29,
        movers=1.0,
    )
    return "".join(json.dumps(snapshot_to_dict(s)) + "\n" for s in histories).encode()


def _as(page: Any, live: Any, role: Role) -> None:
    """Sign in as the demo account of ``role`` (HR's sign-in is the live server's)."""
    if role is Role.HR:
        sign_in(page, live.base_url, live.email, live.password)
    else:
        sign_in(page, live.base_url, f"{role.value}@{DEMO_DOMAIN}", demo_password(role))


def _upload(page: Any, name: str, data: bytes) -> None:
    form = page.locator("form[action='/radar/import']")
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/x-ndjson", "buffer": data}
    )
    form.locator("button[type=submit]").click()


def _total(page: Any) -> int:
    """The number of prospects the list says it holds."""
    text = page.locator("[data-prospects-total]").inner_text()
    found = re.match(r"\s*(\d+) prospect", text)
    assert found is not None, text
    return int(found.group(1))


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} scrolls sideways ({width}px)"


def _fits(page: Any, table: str) -> None:
    """The table's columns fit its box: nothing to scroll sideways to find."""
    wrap = page.locator(".table-wrap", has=page.locator(table))
    widths = wrap.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"{table} scrolls sideways in its box ({widths})"


def _on_screen(locator: Any) -> None:
    """Visible, and not cut off by the right edge of a phone's screen."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


@pytest.fixture
def problems(watched: Any) -> Iterator[list[str]]:
    """The page's console errors; the test fails if there are any once it has settled."""
    yield watched.problems
    watched.page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_a_recruiter_imports_a_file_once_and_a_bad_row_refuses_it_whole(
    live: Any, watched: Any, problems: list[str], snapshot_file: bytes
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    _as(page, live, Role.RECRUITER)
    page.goto(f"{live.base_url}/radar")
    before = _total(page)
    rows = snapshot_file.count(b"\n")

    _upload(page, "e2e-prospects.jsonl", snapshot_file)
    page.wait_for_url(re.compile(r".*/radar\?imported=\d+"))
    expect(page.locator("[data-imported]")).to_have_text(
        f"Imported {rows} new snapshot(s); 0 were already held."
    )
    assert _total(page) == before + len(PROSPECTS)

    _upload(page, "e2e-prospects.jsonl", snapshot_file)
    page.wait_for_url(re.compile(r".*/radar\?imported=0"))
    expect(page.locator("[data-imported]")).to_have_text(
        f"Imported 0 new snapshot(s); {rows} were already held."
    )
    assert _total(page) == before + len(PROSPECTS)

    good = {"subject": "linkedin:e2e-never-kept", "title": "Data engineer", "connections": 120}
    bad = (
        json.dumps(good | {"captured_at": "2026-03-01T09:00:00Z"}),
        json.dumps(good | {"captured_at": "2026-04-01T09:00:00Z"}),
        json.dumps(good | {"captured_at": "2026-05-01T09:00:00Z", "connections": "lots"}),
    )
    _upload(page, "e2e-bad.jsonl", ("\n".join(bad) + "\n").encode())
    error = page.locator(".notice.error")
    expect(error).to_contain_text("e2e-bad.jsonl, line 3, field 'connections'")
    assert page.locator("[data-imported]").count() == 0
    assert _total(page) == before + len(PROSPECTS), "a refused file keeps none of its rows"
    page.goto(f"{live.base_url}/radar?limit=500")
    assert page.locator("table[data-prospects] a", has_text="e2e-never-kept").count() == 0
    # The console reports the refused upload's 400; that is the page working as designed.
    problems[:] = [p for p in problems if "400" not in p]


def test_hr_scores_the_radar_and_the_imported_prospects_get_estimates(
    live: Any, watched: Any, problems: list[str]
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    _as(page, live, Role.HR)
    page.goto(f"{live.base_url}/radar")
    expect(page.locator("a[href='/radar/flight-risk']").first).to_be_visible()
    page.locator("form[action='/radar/score'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/radar\?scoring=1$"), timeout=SCORING_WAIT)
    expect(page.locator("p[role=status]", has_text="Scoring started")).to_be_visible()
    page.goto(f"{live.base_url}/radar?limit=500")
    for handle in PROSPECTS:
        row = page.locator("table[data-prospects] tr[data-subject]", has_text=handle)
        expect(row).to_have_count(1)
        if handle == JUST_MOVED:
            # Changed company inside the horizon: no estimate, the date of the move instead.
            expect(row.locator("[data-moved]")).to_have_count(1)
            expect(row.locator("[data-likelihood]")).to_have_count(0)
        else:
            expect(row.locator("[data-likelihood]")).to_have_count(1)
    page.get_by_role("link", name=JUST_MOVED, exact=True).click()
    expect(page.locator("[data-prediction] [data-moved]")).to_contain_text("Moved")


def test_a_recruiter_reads_a_prospect_and_records_contact_with_a_note(
    live: Any, watched: Any, problems: list[str]
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    _as(page, live, Role.RECRUITER)
    page.goto(f"{live.base_url}/radar?limit=500")
    page.get_by_role("link", name=READ, exact=True).click()
    page.wait_for_url(re.compile(r".*/radar/subjects/\d+$"))
    subject = page.url.rsplit("/", 1)[1]
    assert READ in page.locator("h1").inner_text()

    timeline = page.locator("[data-timeline] li")
    assert timeline.locator("time").count() >= 1, "every generated prospect changed company"
    assert timeline.first.inner_text().strip()
    expect(page.locator("[data-prediction] [data-likelihood]")).to_have_count(1)
    assert page.locator("[data-wording]").inner_text().strip()
    reasons = page.locator("[data-reasons] li")
    assert reasons.count() >= 1
    for text in reasons.all_inner_texts():
        assert text.strip()
        assert not re.match(r"\w+_\w+ is ", text), f"a column name, not words: {text}"
    chart = page.wait_for_selector("#radar-reasons[data-chart-ready]", timeout=CHART_WAIT)
    assert chart is not None and chart.query_selector("svg, canvas") is not None
    expect(page.locator("#radar-reasons svg .mark-rect path").first).to_be_attached()

    form = page.locator("[data-outreach] form")
    form.locator("select[name=status]").select_option("contacted")
    form.locator("textarea[name=note]").fill(NOTE)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/radar/subjects/{subject}\?outreach=contacted$"))
    expect(page.locator("[data-saved]")).to_contain_text("Contacted")

    page.reload()
    expect(page.locator("[data-outreach-status]")).to_have_text("Contacted")
    expect(page.locator("[data-outreach] select[name=status]")).to_have_value("contacted")
    latest = page.locator(".radar-steps li").first
    expect(latest).to_contain_text("Contacted")
    expect(latest).to_contain_text(NOTE)
    expect(latest).to_contain_text(f"recruiter@{DEMO_DOMAIN}")

    page.goto(f"{live.base_url}/radar?limit=500")
    row = page.locator(f"table[data-prospects] tr[data-subject='{subject}']")
    expect(row.locator("[data-outreach]")).to_have_text("Contacted")


def test_hr_sees_the_flight_risk_view_and_the_recruiter_is_refused(
    live: Any, browser: Any, watched: Any, problems: list[str]
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    _as(page, live, Role.HR)
    page.goto(f"{live.base_url}/radar")
    page.locator("a[href='/radar/flight-risk']").first.click()
    page.wait_for_url(re.compile(r".*/radar/flight-risk$"))
    expect(page.locator("h1")).to_have_text("Flight risk")
    members = page.locator("table[data-flight-risk] tbody tr")
    assert members.count() >= 10
    expect(members.first.locator("[data-likelihood]")).to_have_count(1)
    expect(page.locator("[data-bias-audit]")).to_be_visible()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    recruiter = context.new_page()
    try:
        _as(recruiter, live, Role.RECRUITER)
        recruiter.goto(f"{live.base_url}/radar")
        expect(recruiter.locator("table[data-prospects]")).to_be_visible()
        assert recruiter.locator("a[href='/radar/flight-risk']").count() == 0
        assert recruiter.locator("form[action='/radar/score']").count() == 0
        answer = recruiter.goto(f"{live.base_url}/radar/flight-risk")
        assert answer is not None and answer.status == 403
        assert recruiter.locator("table[data-flight-risk]").count() == 0
        api = recruiter.request.get(f"{live.base_url}/api/v1/radar/flight-risk")
        assert api.status == 403
    finally:
        context.close()


def test_the_list_and_a_prospect_fit_a_phone(live: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        _as(page, live, Role.RECRUITER)
        page.goto(f"{live.base_url}/radar")
        page.wait_for_selector("#radar-activity[data-chart-ready]", timeout=CHART_WAIT)
        _no_sideways_scroll(page)
        filters = page.locator("form.radar-filters")
        for control in ("input[name=skill]", "input[name=location]", "button[type=submit]"):
            _on_screen(filters.locator(control))
        _fits(page, "table[data-prospects]")
        first = page.locator("table[data-prospects] tbody tr").first
        for cell in ("a", "[data-likelihood]", "td[data-outreach]"):
            _on_screen(first.locator(cell))
        _on_screen(page.locator("form[action='/radar/import'] button[type=submit]"))

        page.locator("table[data-prospects] tbody tr a").first.click()
        page.wait_for_url(re.compile(r".*/radar/subjects/\d+$"))
        page.wait_for_selector("#radar-reasons[data-chart-ready]", timeout=CHART_WAIT)
        _no_sideways_scroll(page)
        _on_screen(page.locator("h1"))
        _on_screen(page.locator("[data-prediction] [data-likelihood]"))
        form = page.locator("[data-outreach] form")
        for control in ("select[name=status]", "textarea[name=note]", "button[type=submit]"):
            _on_screen(form.locator(control))
        expect(page.locator("[data-timeline]")).to_be_visible()

        page.click("form.signout button[type=submit]")
        _as(page, live, Role.HR)
        page.goto(f"{live.base_url}/radar/flight-risk")
        _no_sideways_scroll(page)
        _fits(page, "table[data-flight-risk]")
        first = page.locator("table[data-flight-risk] tbody tr").first
        for cell in ("a", "[data-likelihood]"):
            _on_screen(first.locator(cell))
        page.wait_for_load_state("networkidle")
        assert problems == []
    finally:
        context.close()
