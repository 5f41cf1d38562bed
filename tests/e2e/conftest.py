"""A live renown server and Debian's chromium for the browser tests.

The tests need ``/usr/bin/chromium`` (``make system-deps`` installs it). Without it they
are skipped on a developer machine, but fail under ``CI=true``: CI must never pass by not
running the browser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.platform import demo_password
from renown.demo.talent import OPEN_ROUND
from renown.settings import Settings
from renown.store.engine import make_engine
from renown.store.tables.accounts import Account
from renown.web.app import create_app
from scripts.screenshots import CHROMIUM, launch_chromium, live_server, seed, sign_in

DEMO_PEOPLE = 150


@dataclass(frozen=True)
class Live:
    """A served installation and an HR sign-in for it."""

    base_url: str
    email: str
    password: str
    settings: Settings | None = None
    """The served installation's settings (its database, its connectors' recordings)."""


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, or a skip (a failure under CI)."""
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: run 'make system-deps' (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def served_demo(home: Path) -> Iterator[Live]:
    """A fresh demo seeding (``seed_demo``) under ``home``, served by uvicorn on a free
    loopback port."""
    settings, email, password = seed(home, DEMO_PEOPLE)
    app = create_app(settings)
    with live_server(app) as base_url:
        yield Live(base_url, email, password, settings)
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def live(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo shared by the browser tests of one worker (files that need the demo as
    seeded, whatever other files did to it first, take :func:`served_demo` of their own)."""
    with served_demo(tmp_path_factory.mktemp("e2e-home")) as served:
        yield served


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


def watch_problems(page: Any, who: str = "", into: list[str] | None = None) -> list[str]:
    """A list (``into``, or a new one) that fills with every console error and uncaught
    exception of ``page``, prefixed with ``who`` when several people's pages share it."""
    problems: list[str] = [] if into is None else into
    prefix = f"{who} " if who else ""
    page.on(
        "console",
        lambda message: (
            problems.append(f"{prefix}console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{prefix}uncaught: {error}"))
    return problems


@dataclass
class Watched:
    """A page and every console error, uncaught exception or CSP violation it reported."""

    page: Any
    problems: list[str]


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(page, watch_problems(page))
    context.close()


def sign_in_as_role(page: Any, live: Any, role: Role) -> None:
    """Sign in with the demo account of ``role`` (its e-mail read from the served store)."""
    engine = make_engine(live.settings.database)
    try:
        with engine.connect() as connection:
            email = connection.scalar(
                sa.select(Account.email)
                .where(Account.role == role.value)
                .order_by(Account.id)
                .limit(1)
            )
    finally:
        engine.dispose()
    assert email, f"the demo has no {role.value} account"
    sign_in(page, live.base_url, email, demo_password(role))


def open_board(page: Any, live: Any) -> str:
    """Sign in as HR and open the demo round's board from the rounds list; its URL."""
    sign_in(page, live.base_url, live.email, live.password)
    page.goto(f"{live.base_url}/talent")
    page.get_by_role("link", name=OPEN_ROUND, exact=True).click()
    page.wait_for_url(re.compile(r".*/talent/rounds/\d+$"))
    return str(page.url)


def settled(watched: Any) -> None:
    """Wait until the page stops loading, then fail on anything it complained of."""
    watched.page.wait_for_load_state("networkidle")
    assert watched.problems == []
