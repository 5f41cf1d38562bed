"""A challenge from posting to a paid winner, in a real browser against a live server.

The server runs on an installation of its own (one organisation; a sponsor, two members and
a reviewer made with ``do_create_account``), so the test can move the challenge in time:
it shifts the challenge's rows in the database the server uses and calls the worker's tick,
as the worker would a day later. In order: the sponsor posts the challenge through the form,
adds the reviewer and publishes it; two members register, one uploads a PDF and the other
submits a repository URL; submissions close; the reviewer scores both blind; in the appeals
window the second member appeals an answer and the reviewer upholds it (which lifts them
over the passing score); the tick records the winners; the sponsor marks the first prize
paid and its winner reads "paid". Then the member's pages at 390 px wide do not scroll
sideways. Console errors and Content-Security-Policy violations fail every test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account
from renown.challenges.job import tick_challenges
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory
from renown.store.migrate import upgrade
from renown.web.app import create_app
from scripts.screenshots import live_server, sign_in
from tests.e2e.conftest import watch_problems
from tests.web.challenges_policies import PDF, shift

pytestmark = pytest.mark.e2e

PASSWORD: Final = "challenge-e2e-password"
PHONE: Final = {"width": 390, "height": 844}
TITLE: Final = "Build the badge exporter"
PEOPLE: Final = {
    "sponsor": Role.SPONSOR,
    "ana": Role.MEMBER,
    "ben": Role.MEMBER,
    "rita": Role.MEMBER,
}
"""Sign-in names (``<name>@community.example``): the sponsor, two members who compete and
the member who reviews."""


@dataclass
class Served:
    """The live server of this module and the database it uses."""

    base_url: str
    sessions: sessionmaker[Session]
    challenge_id: int | None = None


@pytest.fixture(scope="module")
def served(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = Settings(home=tmp_path_factory.mktemp("challenges-e2e"), jobs_immediate=True)
    engine = make_engine(settings.database)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        org = do_create_org(session, "community", "The Community")
        for name, role in PEOPLE.items():
            do_create_account(
                session,
                org_id=org.id,
                email=f"{name}@community.example",
                password=PASSWORD,
                role=role,
            )
    engine.dispose()
    app = create_app(settings)
    with live_server(app) as base_url:
        yield Served(base_url, app.state.sessions)
    app.state.engine.dispose()


@dataclass
class People:
    """One signed-in page per person, and every console problem any of them reported."""

    pages: dict[str, Any]
    problems: list[str]


@pytest.fixture(scope="module")
def people(browser: Any, served: Served) -> Iterator[People]:
    problems: list[str] = []
    contexts = []
    pages = {}
    for name in PEOPLE:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watch_problems(page, name, problems)
        sign_in(page, served.base_url, f"{name}@community.example", PASSWORD)
        contexts.append(context)
        pages[name] = page
    yield People(pages, problems)
    for context in contexts:
        context.close()


def _local(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _travel(served: Served, hours: float) -> None:
    """Let ``hours`` pass for the challenge, and let the worker tick."""
    assert served.challenge_id is not None
    shift(served.sessions, served.challenge_id, -timedelta(hours=hours))
    tick_challenges(served.sessions, datetime.now(UTC))


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} scrolls sideways ({width}px)"


def test_a_challenge_runs_from_posting_to_a_paid_winner(served: Served, people: People) -> None:
    from playwright.sync_api import expect

    base = served.base_url
    sponsor = people.pages["sponsor"]
    sponsor.goto(f"{base}/challenges")
    sponsor.get_by_role("link", name="Post a challenge").click()
    form = sponsor.locator("form[data-challenge-form]")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=sponsor_name]").fill("The Community's platform team")
    form.locator("textarea[name=specification]").fill(
        "## What\n\nExport every badge as **CSV**.\n\n| column | meaning |\n|---|---|\n| id | x |"
    )
    form.locator("input[name=skills]").fill("python, csv")
    form.locator("select[name=kind]").select_option("development")
    for field, hours in (
        ("registration_starts_at", -1),
        ("registration_ends_at", 24),
        ("submission_ends_at", 48),
        ("review_ends_at", 72),
        ("appeals_ends_at", 96),
    ):
        form.locator(f"input[name={field}]").fill(_local(hours))
    form.locator("input[name=prizes]").fill("500, 200")
    form.get_by_role("button", name="Post the draft").click()
    sponsor.wait_for_url(re.compile(r".*/challenges/\d+\?posted=1"))
    served.challenge_id = int(re.findall(r"/challenges/(\d+)", sponsor.url)[0])
    expect(sponsor.locator("[data-specification] table")).to_be_visible()
    sponsor.locator("form[data-add-reviewer] input[name=email]").fill("rita@community.example")
    sponsor.get_by_role("button", name="Add reviewer").click()
    expect(sponsor.locator("[data-reviewers]")).to_contain_text("rita@community.example")
    sponsor.locator("form[data-publish] button").click()
    expect(sponsor.locator("[data-published]")).to_be_visible()
    expect(sponsor.locator("[data-next-step]")).to_contain_text("Registration is open until")

    url = f"{base}/challenges/{served.challenge_id}"
    ana, ben = people.pages["ana"], people.pages["ben"]
    for page in (ana, ben):
        page.goto(f"{base}/challenges")
        page.get_by_role("link", name=TITLE).click()
        page.locator("[data-register]").click()
        expect(page.locator("[data-registered]")).to_be_visible()
    expect(ana.locator("[data-limits]")).to_contain_text(".pdf")
    ana.locator("form[data-file-form] input[type=file]").set_input_files(
        {"name": "exporter.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    ana.locator("form[data-file-form] button").click()
    expect(ana.locator("[data-submitted]")).to_be_visible()
    expect(ana.locator("[data-counts]")).to_have_count(1)
    ben.locator("form[data-url-form] input[name=url]").fill("https://git.example.org/ben/exporter")
    ben.locator("form[data-url-form] button").click()
    expect(ben.locator("[data-versions]")).to_contain_text("git.example.org/ben/exporter")

    _travel(served, 49)  # submissions closed
    rita = people.pages["rita"]
    rita.goto(url)
    rita.locator("[data-review-link]").click()
    expect(rita.locator("[data-task]")).to_have_count(2)
    for index, value in ((0, "4"), (1, "3")):
        task = rita.locator("[data-task]").nth(index)
        for field in task.locator("input[type=number]").all():
            field.fill(value)
        task.locator("textarea[name=comment]").fill("Reviewed in the browser.")
        task.locator("button[type=submit]").click()
        expect(rita.locator("[data-saved]")).to_be_visible()
    expect(rita.locator("[data-my-score]")).to_have_count(2)

    _travel(served, 24)  # the review closed: appeals are open
    ben.goto(f"{url}/reviews")
    expect(ben.locator("[data-review]")).to_contain_text("Reviewer 1")
    appeal = ben.locator("[data-appeal-form=quality]")
    appeal.locator("summary").click()
    appeal.locator("textarea[name=text]").fill("Every function has tests and docstrings.")
    appeal.get_by_role("button", name="Send the appeal").click()
    expect(ben.locator("[data-appealed]")).to_be_visible()
    rita.goto(f"{url}/review")
    answer = rita.locator("form[data-answer-form]")
    answer.locator("input[value=upheld]").check()
    answer.locator("input[name=new_value]").fill("4")
    answer.locator("textarea[name=response]").fill("Agreed: the tests are thorough.")
    answer.get_by_role("button", name="Answer the appeal").click()
    expect(rita.locator("[data-answered]")).to_be_visible()
    expect(rita.locator("[data-outcome=upheld]")).to_be_visible()

    _travel(served, 25)  # the appeals window closed and every appeal is answered: winners
    ana.goto(url)
    expect(ana.locator("[data-results]")).to_be_visible()
    expect(ana.locator("tr[data-member] [data-place]").first).to_have_text("1st")
    expect(ana.locator("[data-paid=no]")).to_be_visible()
    ben.goto(url)
    expect(ben.locator("[data-results] [data-place]")).to_have_text(["1st", "2nd"])

    sponsor.goto(f"{base}/challenges/ledger")
    expect(sponsor.locator("[data-line]")).to_have_count(2)
    first = sponsor.locator("[data-line]", has_text="1st place")
    first.locator("input[name=reference]").fill("WIRE-2026-0001")
    first.get_by_role("button", name="Mark paid").click()
    expect(sponsor.locator("[data-recorded]")).to_be_visible()
    ana.goto(f"{base}/challenges/ledger")
    expect(ana.locator("[data-line] [data-status]")).to_have_text("paid")
    expect(ana.locator("[data-reference]")).to_have_text("WIRE-2026-0001")
    ana.goto(url)
    expect(ana.locator("[data-paid=yes]")).to_be_visible()
    for page in people.pages.values():
        page.wait_for_load_state("networkidle")
    assert people.problems == []


def test_the_challenge_pages_fit_a_phone(browser: Any, served: Served) -> None:
    from playwright.sync_api import expect

    assert served.challenge_id is not None, "runs after the challenge's life (file order)"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems = watch_problems(page)
    try:
        sign_in(page, served.base_url, "ana@community.example", PASSWORD)
        for path in (
            "/challenges",
            f"/challenges/{served.challenge_id}",
            f"/challenges/{served.challenge_id}/reviews",
            "/challenges/ledger",
        ):
            page.goto(f"{served.base_url}{path}")
            page.wait_for_load_state("networkidle")
            _no_sideways_scroll(page)
        page.goto(f"{served.base_url}/challenges/{served.challenge_id}")
        place = page.locator("[data-results] [data-place]").first
        expect(place).to_be_visible()
        box = place.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"] + 1
        assert problems == []
    finally:
        context.close()
