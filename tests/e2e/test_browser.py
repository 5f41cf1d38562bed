"""The product in a real browser: sign in, leaderboard, a profile with its trend chart.

Run with ``make e2e``. Console errors fail the tests, and so do Content-Security-Policy
violations (chromium reports them on the console), so a page that only works with inline
scripts or eval cannot pass.
"""

from __future__ import annotations

import json
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


def test_an_employee_gives_feedback_that_the_colleague_finds_under_my_feedback(
    live: Any, watched: Any
) -> None:
    """Two colleagues get accounts (made by the demo administrator through the API); one
    picks the other with the htmx search, rates and writes, and the other reads it."""
    from renown.core.roles import Role
    from renown.demo.platform import DEMO_DOMAIN, demo_password

    page = watched.page
    base = live.base_url
    sign_in(page, base, f"admin@{DEMO_DOMAIN}", demo_password(Role.ADMIN))
    csrf = json.loads(page.get_attribute("body", "hx-headers") or "{}")["X-CSRF-Token"]
    headers = {"X-CSRF-Token": csrf}
    framework = page.request.post(f"{base}/api/v1/feedback/framework/default", headers=headers)
    assert framework.ok, framework.text()
    people = page.request.get(f"{base}/api/v1/people?limit=200").json()["items"]
    password = "e2e-feedback-password"
    # Demo accounts hold some people already (one account per person): take free ones.
    receiver = _account_for_one_of(
        page,
        base,
        headers,
        [p for p in reversed(people) if p["public_profile"]],
        "receiver@e2e.example",
        password,
    )  # public, so the giver sees them
    giver = _account_for_one_of(
        page,
        base,
        headers,
        [p for p in reversed(people) if p["id"] != receiver["id"]],
        "giver@e2e.example",
        password,
    )
    page.click("form.signout button[type=submit]")

    sign_in(page, base, "giver@e2e.example", password)
    page.click("nav[aria-label=Main] a[href='/feedback']")
    page.click("a[href='/feedback/give']")
    page.fill("input[name=q]", receiver["name"])
    page.click(f"#picker-results a[href='/feedback/give?to={receiver['id']}']")
    page.wait_for_selector("#give-form textarea[name=text]")
    assert page.locator("[data-relationship]").inner_text().strip() in {
        "peer",
        "other",
        "report",
        "manager",
    }
    page.fill("#give-form textarea[name=text]", "Your code review saved the release.")
    page.select_option("#give-form select[name=rating] >> nth=0", index=5)
    page.click("#give-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/feedback/given\?sent=1$"))
    assert "Your code review saved the release." in page.inner_text("main")
    page.click("form.signout button[type=submit]")

    sign_in(page, base, "receiver@e2e.example", password)
    page.wait_for_selector(".notifications-link .badge")
    page.click("nav[aria-label=Main] a[href='/feedback']")
    item = page.locator(".fb-item", has_text="Your code review saved the release.")
    assert item.count() == 1
    assert giver["name"] in item.inner_text()
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_an_employee_gives_kudos_and_reacts_to_it_on_the_wall(live: Any, watched: Any) -> None:
    """An employee (account made by the demo administrator through the API) finds a
    colleague with the htmx search, thanks them, sees the kudos on the wall and reacts to it
    (an htmx POST carrying the CSRF header from <body hx-headers>)."""
    from renown.core.roles import Role
    from renown.demo.platform import DEMO_DOMAIN, demo_password

    page = watched.page
    base = live.base_url
    sign_in(page, base, f"admin@{DEMO_DOMAIN}", demo_password(Role.ADMIN))
    csrf = json.loads(page.get_attribute("body", "hx-headers") or "{}")["X-CSRF-Token"]
    people = page.request.get(f"{base}/api/v1/people?limit=200").json()["items"]
    receiver = next(p for p in people if p["public_profile"])  # the giver can find them
    _account_for_one_of(
        page,
        base,
        {"X-CSRF-Token": csrf},
        [p for p in people if p["id"] != receiver["id"] and not p["public_profile"]],
        "kudos-giver@e2e.example",
        "e2e-kudos-password",
    )
    page.click("form.signout button[type=submit]")

    sign_in(page, base, "kudos-giver@e2e.example", "e2e-kudos-password")
    page.click("nav[aria-label=Main] a[href='/kudos']")
    page.click("#give-kudos summary")  # the give form is folded away until opened
    page.fill(".kudos-receiver input[name=q]", receiver["name"])
    page.check(f"#kudos-picker input[name=receiver_id][value='{receiver['id']}']")
    message = "Thank you for pairing on the flaky test all afternoon."
    page.fill("textarea[name=message]", message)
    page.click(".kudos-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/kudos\?given=1$"))
    card = page.locator(".kudos-card", has_text=message)
    assert card.count() == 1
    assert receiver["name"] in card.inner_text()
    card.locator("button[data-reaction=clap]").click()
    pressed = card.locator("button[data-reaction=clap][aria-pressed=true]")
    pressed.wait_for()
    assert pressed.inner_text().split()[-1] == "1"
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def _account_for_one_of(
    page: Any,
    base: str,
    headers: dict[str, str],
    candidates: list[dict[str, Any]],
    email: str,
    password: str,
) -> dict[str, Any]:
    """The first of ``candidates`` still without an account, now given an employee account
    (made by the signed-in administrator through the API)."""
    for person in candidates:
        made = page.request.post(
            f"{base}/api/v1/accounts",
            headers=headers,
            data={
                "email": email,
                "password": password,
                "role": "employee",
                "person_id": person["id"],
            },
        )
        if made.status == 201:
            return person
        assert made.status == 422 and "already has an account" in made.text(), made.text()
    raise AssertionError("every candidate already has an account")
