"""``make screenshots``: PNGs of every main page of a seeded demo, for every role, for reviewers.

Seeds a small demo organisation in a temporary folder, serves it with uvicorn on a free
loopback port and drives Debian's chromium with Playwright. First HR's walk through the
product (the sign-in page, a ranking with one candidate's evidence opened, the demo
employee's own view of a decided round) into ``screenshots/``; then every role of the demo
signs in and every main page it is offered (``scripts/main_pages.py``) is saved at desktop
width (1360 px) and phone width (390 px) into ``screenshots/<role>/<viewport>/``. The
browser tests in ``tests/e2e`` reuse the server and browser helpers below and the same map
of pages (the accessibility test checks each of them), so what reviewers look at is what
the tests exercise. Run it as ``python -m scripts.screenshots`` from the repository.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from scripts.main_pages import CHART_WAIT, PAGES, ROLE_PAGES

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (``apt-get install chromium``); Playwright's own download is not used."""
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1360, "height": 900},
    "phone": {"width": 390, "height": 844},
}
"""The widths every main page is shot at (a laptop and a common phone)."""


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="renown-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium, headless (root in containers needs ``--no-sandbox``)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"]
    )


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{base_url}/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def seed_accounts(home: Path, people: int) -> tuple[Any, Any]:
    """A demo store under ``home``: (settings, the demo's sign-ins)."""
    from renown.demo.platform import seed_demo
    from renown.settings import Settings

    settings = Settings(home=home, jobs_immediate=True, connectors_replay=home / "demo-networks")
    return settings, seed_demo(settings, people=people)


def sign_in_of(accounts: Any, role: str) -> tuple[str, str]:
    """(email, password) of the demo account of ``role``."""
    account = next(account for account in accounts.accounts if account.role.value == role)
    return account.email, account.password


def seed(home: Path, people: int) -> tuple[Any, str, str]:
    """A demo store under ``home``: (settings, HR email, HR password)."""
    settings, accounts = seed_accounts(home, people)
    return (settings, *sign_in_of(accounts, "hr"))


def take_screenshots(
    base_url: str,
    email: str,
    password: str,
    out: Path,
    candidate: tuple[str, str] | None = None,
) -> list[Path]:
    """Sign in and save a full-page PNG of each main page into ``out``; with ``candidate``
    (the demo employee's email and password), also their own view of a promotion round."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1360, "height": 900})

        def shoot(name: str) -> None:
            page.wait_for_load_state("networkidle")
            path = out / f"{len(written) + 1:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)

        page.goto(f"{base_url}/signin")
        shoot("signin")
        sign_in(page, base_url, email, password)
        shoot("home")
        page.goto(f"{base_url}/leaderboard")
        shoot("leaderboard")
        page.click("#board a[href^='/people/']")
        page.wait_for_selector("#trend-chart svg, #trend-chart canvas")
        shoot("profile")
        team = page.locator("a[href^='/teams/']").first
        if team.count():
            team.click()
            shoot("team")
        page.goto(f"{base_url}/network")
        page.wait_for_selector("#network-map[data-ready='true']", state="attached", timeout=60_000)
        shoot("network")
        page.goto(f"{base_url}/runs")
        shoot("runs")
        _shoot_talent(page, base_url, shoot, candidate)
        browser.close()
    return written


def _shoot_talent(page: Any, base_url: str, shoot: Any, candidate: tuple[str, str] | None) -> None:
    """The promotion pages of the demo's open round, a succession chart, and (signed in as
    the candidate) the demo employee's own explanation in the decided round."""
    from renown.demo.talent import DECIDED_ROUND, OPEN_ROUND

    page.goto(f"{base_url}/talent")
    page.get_by_role("link", name=OPEN_ROUND, exact=True).click()
    page.wait_for_url(re.compile(r".*/talent/rounds/\d+$"))
    board = page.url
    page.locator("table.talent-ranking details summary").first.click()
    shoot("talent-board")
    page.goto(f"{board}/whatif")
    page.wait_for_selector("#whatif-chart[data-chart-ready]", timeout=CHART_WAIT)
    shoot("talent-whatif")
    page.goto(f"{board}/ninebox")
    page.wait_for_selector("#ninebox-chart[data-chart-ready]", timeout=CHART_WAIT)
    shoot("talent-ninebox")
    page.goto(f"{board}/audit")
    shoot("talent-audit")
    page.goto(f"{base_url}/talent/succession")
    page.locator("a[href^='/talent/succession/']").first.click()
    page.wait_for_url(re.compile(r".*/talent/succession/\d+$"))
    shoot("talent-succession")
    if candidate is None:
        return
    page.click("form.signout button[type=submit]")
    sign_in(page, base_url, *candidate)
    page.goto(f"{base_url}/talent")
    decided = page.get_by_role("link", name=DECIDED_ROUND, exact=True).get_attribute("href")
    page.goto(f"{base_url}{decided}/me")
    shoot("talent-candidate")


def take_role_screenshots(
    base_url: str, sign_ins: dict[str, tuple[str, str]], out: Path
) -> tuple[list[Path], list[str]]:
    """For each role of ``sign_ins`` (role -> email, password), sign in and save a full-page
    PNG of every main page the role is offered, at each width of :data:`VIEWPORTS`, into
    ``out/<role>/<viewport>/``: (the files written, the pages that could not be reached).
    A page that cannot be reached is reported and skipped, so one broken page does not
    hide the others from a reviewer; the command still fails at the end."""
    from playwright.sync_api import Error, sync_playwright

    from renown.core.roles import Role

    written: list[Path] = []
    missed: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for role, (email, password) in sign_ins.items():
            for viewport, size in VIEWPORTS.items():
                folder = out / role / viewport
                folder.mkdir(parents=True, exist_ok=True)
                context = browser.new_context(viewport=size)
                page = context.new_page()
                sign_in(page, base_url, email, password)
                for number, name in enumerate(ROLE_PAGES[Role(role)], start=1):
                    try:
                        PAGES[name](page, base_url)
                        page.wait_for_load_state("networkidle")
                    except (AssertionError, Error) as problem:
                        missed.append(f"{role} {viewport} {name}: not shot ({problem})")
                        print(missed[-1], file=sys.stderr)
                        continue
                    path = folder / f"{number:02d}-{name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                context.close()
        browser.close()
    return written, missed


def main(argv: list[str] | None = None) -> int:
    """Seed, serve, shoot; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument(
        "--roles",
        default=",".join(role.value for role in ROLE_PAGES),
        help="comma-separated roles to shoot every main page for (default: all)",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run 'make chromium' (installs it)", file=sys.stderr)
        return 1
    from renown.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="renown-screens-") as tmp:
        settings, accounts = seed_accounts(Path(tmp), args.people)
        email, password = sign_in_of(accounts, "hr")
        app = create_app(settings)
        with live_server(app) as base_url:
            employee = sign_in_of(accounts, "employee")
            written = take_screenshots(base_url, email, password, args.out, employee)
            roles = [role for role in args.roles.split(",") if role]
            sign_ins = {role: sign_in_of(accounts, role) for role in roles}
            by_role, missed = take_role_screenshots(base_url, sign_ins, args.out)
        app.state.engine.dispose()
    for path in [*written, *by_role]:
        print(path)
    for problem in missed:
        print(problem, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
