"""The product in a real browser: sign in, leaderboard, a profile with its trend chart.

Run with ``make e2e``. Console errors fail the tests, and so do Content-Security-Policy
violations (chromium reports them on the console), so a page that only works with inline
scripts or eval cannot pass.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e

CHART = "#trend-chart svg, #trend-chart canvas"


def test_sign_in_page_loads_cleanly(live: Any, watched: Any) -> None:
    watched.page.goto(f"{live.base_url}/signin")
    assert watched.page.locator("input[name=email]").is_visible()
    watched.page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_wrong_password_is_refused_in_the_browser(live: Any, watched: Any) -> None:
    page = watched.page
    page.goto(f"{live.base_url}/signin")
    page.fill("input[name=email]", live.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("form[action='/signin'] button[type=submit]")
    assert page.locator("[role=alert]").inner_text().strip() == "Wrong email or password."
    assert page.url.endswith("/signin")


def test_hr_opens_the_leaderboard_and_a_profile_with_its_chart(live: Any, watched: Any) -> None:
    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    page.goto(f"{live.base_url}/leaderboard")
    rows = page.locator("#board tbody tr")
    assert rows.count() > 0
    first = page.locator("#board a[href^='/people/']").first
    name = first.inner_text().strip()
    first.click()
    page.wait_for_url(re.compile(r".*/people/\d+$"))
    assert name in page.locator("h1").inner_text()
    chart = page.wait_for_selector(CHART, state="attached", timeout=15_000)
    assert chart is not None
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_network_map_draws_without_errors(live: Any, watched: Any) -> None:
    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    page.goto(f"{live.base_url}/network")
    page.wait_for_selector("#network-map canvas", state="attached", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert watched.problems == []
