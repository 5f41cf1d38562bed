"""Account security in a real browser, on a phone-sized screen: sign-out ends the session
for good, and a password change signs the other browser out."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from renown.core.roles import Role
from renown.demo.platform import DEMO_DOMAIN, demo_password
from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
NEW_PASSWORD = "violet-harbour-compass-drift"


def _new_account(live: Any, browser: Any, email: str) -> str:
    """An employee account made by the demo administrator through the API; its password."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live.base_url, f"admin@{DEMO_DOMAIN}", demo_password(Role.ADMIN))
    csrf = json.loads(page.get_attribute("body", "hx-headers") or "{}")["X-CSRF-Token"]
    password = "amber-quarry-lattice-fern"
    made = page.request.post(
        f"{live.base_url}/api/v1/accounts",
        headers={"X-CSRF-Token": csrf},
        data={"email": email, "password": password, "role": "employee"},
    )
    assert made.ok, made.text()
    context.close()
    return password


def _fits_the_screen(page: Any) -> bool:
    width: int = page.evaluate("document.scrollingElement.scrollWidth")
    return width <= PHONE["width"]


def test_a_password_change_signs_the_other_browser_out(live: Any, browser: Any) -> None:
    email = "phone@e2e.example"
    old = _new_account(live, browser, email)
    phone = browser.new_context(viewport=PHONE).new_page()
    laptop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    phone.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        sign_in(laptop, live.base_url, email, old)
        sign_in(phone, live.base_url, email, old)
        phone.goto(f"{live.base_url}/account")
        assert _fits_the_screen(phone)
        assert phone.locator("text=this session").count() == 1
        assert phone.get_by_role("button", name="Sign out this session").count() >= 1
        phone.fill("input[name=current_password]", old)
        phone.fill("input[name=new_password]", NEW_PASSWORD)
        phone.fill("input[name=repeat_password]", NEW_PASSWORD)
        phone.click("form[action='/account/password'] button[type=submit]")
        assert "Your password is changed" in phone.locator("[role=status]").inner_text()
        laptop.goto(f"{live.base_url}/leaderboard")
        laptop.wait_for_url(re.compile(r".*/signin\?next=.*"))
        assert problems == []
    finally:
        phone.context.close()
        laptop.context.close()


def test_after_sign_out_the_back_button_shows_nothing(live: Any, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        email = "back-button@e2e.example"
        sign_in(page, live.base_url, email, _new_account(live, browser, email))
        page.goto(f"{live.base_url}/leaderboard")
        cookies = context.cookies()
        page.click("form.signout button[type=submit]")
        page.wait_for_url(re.compile(r".*/signin$"))
        other = browser.new_context()
        other.add_cookies(cookies)  # a copy of the cookie taken before signing out
        replay = other.new_page()
        replay.goto(f"{live.base_url}/leaderboard")
        assert "/signin" in replay.url
        other.close()
    finally:
        context.close()
