"""Issue 12 in a real browser: an upload keyed by e-mail addresses matches the org chart's
people, and the one identifier that matches nobody is shown on the upload's page, before
any scoring, and mapped to a person there; the table stays usable on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e

STRANGER = "night.owl@personal.example"
PHONE = {"width": 375, "height": 800}


def _people(page: Any, base: str) -> list[dict[str, Any]]:
    """Three people of the demo organisation with their e-mail addresses (HR's API view)."""
    answer = page.request.get(f"{base}/api/v1/people", params={"limit": 20})
    assert answer.ok, answer.text()
    people = [p for p in answer.json()["items"] if p.get("email")]
    assert len(people) >= 3
    return people[:3]


def _events_csv(people: list[dict[str, Any]]) -> bytes:
    """Events naming people by e-mail (in another case, padded) and by employee id, plus
    three from someone the org chart has never heard of."""
    first, second, third = (str(p["email"]) for p in people)
    rows = [
        f" {first.upper()} ,{second},2026-03-02T09:00:00Z",
        f"{second},{first.title()},2026-03-02T10:00:00Z",
        f"{str(people[2]['employee_id']).upper()},{first},2026-03-03T09:00:00Z",
        f"{third},{second},2026-03-03T11:00:00Z",
    ] + [f"{STRANGER},{first},2026-03-0{day}T08:00:00Z" for day in (4, 5, 6)]
    return ("actor,target,timestamp\n" + "\n".join(rows) + "\n").encode()


def test_an_email_keyed_upload_shows_its_stranger_before_scoring_and_maps_it(
    live: Any, browser: Any
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        sign_in(page, live.base_url, live.email, live.password)
        people = _people(page, live.base_url)
        page.goto(f"{live.base_url}/runs")
        page.set_input_files(
            "form[action='/runs/upload'] input[type=file]",
            {"name": "signin-mail.csv", "mimeType": "text/csv", "buffer": _events_csv(people)},
        )
        page.click("form[action='/runs/upload'] button[type=submit]")
        page.wait_for_url("**/jobs/*")

        rows = page.locator("table.unmatched tbody tr")
        assert rows.count() == 1, "every address of the org chart matched; one stranger"
        row = page.locator(f"table.unmatched tr[data-identifier='{STRANGER}']")
        assert row.get_attribute("data-status") == "unmatched"
        assert row.locator("td.num").inner_text().strip().startswith("3")

        # Usable at 375 px: nothing wider than the screen, the form's controls on screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
        button = row.locator("button[type=submit]").bounding_box()
        assert button is not None and button["x"] + button["width"] <= PHONE["width"]

        row.locator("select[name=choice]").select_option("map")
        row.locator("input[name=person]").fill(str(people[1]["email"]))
        row.locator("button[type=submit]").click()
        page.wait_for_url("**#unmatched")
        decided = page.locator(f"table.unmatched tr[data-identifier='{STRANGER}']")
        assert decided.get_attribute("data-status") == "mapped"
        assert str(people[1]["name"]) in decided.inner_text()
        assert problems == []
    finally:
        context.close()
