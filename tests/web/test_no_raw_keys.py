"""No page shows a stored key where a person reads words.

Every role of a seeded demo organisation signs in and opens every main page it is offered
(``scripts/main_pages.py``, the map the browser tests and ``make screenshots`` use, walked
over HTTP by :class:`~tests.web.page_walk.HttpPage`). The visible text of each page (not
its attributes, not its ``<code>``/``<pre>``, not its addresses) must not contain a key of
the product's enumerations written as one (``customer_focus``, ``no_one``,
``prominence_score``): keys reach pages through :mod:`renown.web.labels`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from renown.core.roles import Role
from renown.demo.platform import DemoAccounts, demo_password
from renown.store.tables.org import Organisation
from renown.web.app import create_app
from scripts.main_pages import PAGES, ROLE_PAGES
from scripts.screenshots import seed_accounts
from tests.web.conftest import csrf_of
from tests.web.known_keys import organisation_keys, raw_keys, static_keys
from tests.web.page_walk import HttpPage, visible_text

DEMO_PEOPLE = 60


@dataclass(frozen=True)
class Demo:
    app: FastAPI
    accounts: DemoAccounts
    keys: frozenset[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    settings, accounts = seed_accounts(tmp_path_factory.mktemp("labels-home"), DEMO_PEOPLE)
    app = create_app(settings)
    with Session(app.state.engine) as session:
        org_id = session.scalar(sa.select(Organisation.id).filter_by(slug=accounts.org_slug))
        assert org_id is not None
        keys = static_keys() | organisation_keys(session, org_id)
    yield Demo(app, accounts, keys)
    app.state.engine.dispose()


def _signed_in(demo: Demo, role: Role) -> TestClient:
    email = next(account.email for account in demo.accounts.accounts if account.role is role)
    client = TestClient(demo.app, follow_redirects=False)
    form = {
        "email": email,
        "password": demo_password(role),
        "csrf_token": csrf_of(client.get("/signin").text),
        "next": "/",
    }
    assert client.post("/signin", data=form).status_code == 303
    return client


def test_a_raw_key_in_the_words_of_a_page_is_found() -> None:
    """The check can fail, and only on what a person reads."""
    html = (
        "<title>Round</title><main><h1>Transparency: no_one</h1>"
        '<a href="/talent?transparency=no_one" data-key="customer_focus">Customer focus</a>'
        "<p>Call <code>customer_focus</code> or <pre>GET /x?key=prominence_score</pre></p>"
        "<p>See /api/v1/kudos_received or team_player@example.com.</p>"
        "<script>const key = 'customer_focus';</script></main>"
    )
    known = {"no_one", "customer_focus", "prominence_score", "kudos_received", "team_player"}
    assert raw_keys(visible_text(html), known) == ["no_one"]
    assert raw_keys("Trend: 2026Q1 customer_focus 5.00; rising-star", known | {"rising-star"}) == [
        "customer_focus",
        "rising-star",
    ]


def test_the_known_keys_come_from_the_enumerations(demo: Demo) -> None:
    """A sample of each kind, so an import that stopped collecting one is noticed."""
    assert {"no_one", "customer_focus", "appeals_response", "open_to_work_on"} <= demo.keys
    assert {"prominence_score", "rising-star", "data_science", "prominence_external"} <= demo.keys


@pytest.mark.parametrize("role", list(ROLE_PAGES), ids=lambda role: role.value)
def test_no_main_page_shows_a_raw_key(demo: Demo, role: Role) -> None:
    page = HttpPage(_signed_in(demo, role))
    findings: list[str] = []
    for name in ROLE_PAGES[role]:
        PAGES[name](page, "")
        found = raw_keys(visible_text(page.html), demo.keys)
        if found:
            findings.append(f"{name} ({page.url}): {', '.join(found)}")
    assert not findings, f"raw keys on the pages of {role.value}:\n" + "\n".join(findings)


def test_the_walk_reads_the_pages_it_names(demo: Demo) -> None:
    """The HTTP walk opens real pages (not sign-in redirects or empty bodies): the
    employee's feedback page has its headings."""
    page = HttpPage(_signed_in(demo, Role.EMPLOYEE))
    PAGES["feedback"](page, "")
    assert "Trend by quarter" in visible_text(page.html)
    assert Path(page.url) == Path("/feedback")
