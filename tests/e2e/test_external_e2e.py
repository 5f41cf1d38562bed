"""External prominence in a real browser, on the demo organisation.

The demo employee opens Networks from the menu and links a GitHub account (the consent box
ticked); the page shows the claim's code; the test then writes what GitHub would answer
once the person put the code in their bio (a recording in the served installation's
``connectors_replay`` folder, read at each use), the employee presses Verify, and the page
shows the account proven with its pulled activity and their external scores. At 375 px the
networks page, the card settings and the public card do not scroll sideways. Console errors
and Content-Security-Policy violations fail every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.platform import demo_password
from renown.store.engine import make_engine
from renown.store.tables.accounts import Account
from scripts.screenshots import sign_in
from tests.web.external_recordings import record_github

pytestmark = pytest.mark.e2e

PHONE: Final = {"width": 375, "height": 800}
HANDLE: Final = "e2e-networks-ana"
JOB_WAIT: Final = 120_000
"""Milliseconds to wait for the proof and the refresh (it runs inside the request here)."""


def _demo_employee(live: Any) -> tuple[str, str]:
    """The demo employee's sign-in (their account carries their person's e-mail)."""
    assert live.settings is not None
    engine = make_engine(live.settings.database)
    try:
        with engine.connect() as connection:
            email = connection.scalar(
                sa.select(Account.email)
                .where(Account.role == Role.EMPLOYEE, Account.person_id.is_not(None))
                .order_by(Account.id)
                .limit(1)
            )
    finally:
        engine.dispose()
    assert email is not None
    return str(email), demo_password(Role.EMPLOYEE)


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} scrolls sideways ({width}px)"


@pytest.fixture
def problems(watched: Any) -> Iterator[list[str]]:
    """The page's console errors; the test fails if there are any once it has settled."""
    yield watched.problems
    watched.page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_the_employee_links_proves_and_sees_the_external_score(
    live: Any, watched: Any, problems: list[str]
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    sign_in(page, live.base_url, *_demo_employee(live))
    page.click("nav[aria-label=Main] a[href='/me/networks']")
    form = page.locator("form[data-link-form]")
    form.locator("select[name=network]").select_option("github")
    form.locator("input[name=handle]").fill(f"https://github.com/{HANDLE}")
    form.locator("button[type=submit]").click()
    # the consent box is required: the browser keeps the form until it is ticked
    assert page.url.endswith("/me/networks")
    form.locator("input[name=consent]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-done=linked]")).to_be_visible()

    item = page.locator("[data-account]", has_text=HANDLE)
    expect(item).to_have_attribute("data-status", "pending")
    code = item.locator("[data-code]").inner_text().strip()
    assert code.startswith("renown-")
    expect(item).to_contain_text(f"Put {code} in the public bio")

    folder = live.settings.connectors_replay
    assert folder is not None
    record_github(Path(folder), HANDLE, f"Platform engineer. {code}")
    item.locator("button", has_text="Verify").click()
    expect(page.locator("[data-done=verified]")).to_be_visible(timeout=JOB_WAIT)
    item = page.locator("[data-account]", has_text=HANDLE)
    expect(item).to_have_attribute("data-status", "verified")
    expect(item).to_contain_text("3 interactions pulled")
    expect(item.locator(f"a[href='https://github.com/{HANDLE}']")).to_be_visible()
    expect(page.locator("[data-combined]")).to_be_visible()
    expect(page.locator("[data-network-score=github]")).to_be_visible()
    expect(page.locator("[data-external-scores]")).to_contain_text("drove it most")


def test_networks_card_settings_and_the_public_card_fit_a_phone(
    live: Any, watched: Any, problems: list[str]
) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.set_viewport_size(PHONE)
    sign_in(page, live.base_url, *_demo_employee(live))
    page.goto(f"{live.base_url}/me/networks")
    expect(page.locator("h1")).to_have_text("Your networks")
    _no_sideways_scroll(page)
    page.goto(f"{live.base_url}/me/card")
    _no_sideways_scroll(page)
    form = page.locator("form[data-card-form]")
    form.locator("input[name=enabled]").check()
    form.locator("input[name=show_external]").check()
    form.locator("input[name=show_networks]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-card-state=on]")).to_be_visible()
    _no_sideways_scroll(page)
    address = page.locator("[data-card-address]").get_attribute("href")
    assert address is not None
    page.click("form.signout button[type=submit]")
    page.goto(address)
    expect(page.locator("[data-public-card] h1")).to_be_visible()
    expect(page.locator("[data-part=external]")).to_be_visible()
    _no_sideways_scroll(page)
