"""The feedback request's "About" picker in a real browser, as the demo manager.

The manager finds their report, the demo employee, by typing part of the name, chooses
them (which must not add them to the colleagues asked: the colleagues' search has "Add"
buttons of its own), takes the choice back and chooses again, asks the report and sends
the request; the request is about the employee. Console errors and Content-Security-Policy
violations fail the test.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.platform import demo_password
from renown.store.engine import make_engine, session_factory
from renown.store.tables.accounts import Account
from renown.store.tables.feedback import FeedbackRequest
from renown.store.tables.org import Person
from scripts.screenshots import sign_in

pytestmark = pytest.mark.e2e


def _account(session: Any, role: Role) -> Account:
    account = session.scalar(
        sa.select(Account).where(Account.role == role.value).order_by(Account.id).limit(1)
    )
    assert account is not None and account.person_id is not None, role
    return account


def test_the_manager_asks_about_a_report_found_by_name(live: Any, watched: Any) -> None:
    from playwright.sync_api import expect

    assert live.settings is not None
    engine = make_engine(live.settings.database)
    sessions = session_factory(engine)
    with sessions() as session:
        manager = _account(session, Role.MANAGER)
        report = _account(session, Role.EMPLOYEE)
        name = str(session.scalar(sa.select(Person.name).where(Person.id == report.person_id)))
        login, manager_person = manager.email, manager.person_id
    page = watched.page
    sign_in(page, live.base_url, login, demo_password(Role.MANAGER))
    page.goto(f"{live.base_url}/feedback/request")
    form = page.locator("#request-form")
    about = form.locator("input[name=subject_id][data-picker-value]")
    chips = form.locator("[data-picked] input[name=person_ids]")
    clear = form.locator("[data-picker-clear]")
    expect(about).to_have_value("")
    expect(clear).to_be_hidden()

    form.locator("#about-q").fill(name[:-2])
    match = form.locator(f'#about-results [data-pick-person="{report.person_id}"]')
    expect(match).to_be_visible()
    match.click()
    expect(about).to_have_value(str(report.person_id))
    expect(form.locator("[data-picker-chosen]")).to_contain_text(name)
    expect(chips).to_have_count(0)  # choosing whom it is about asks nobody

    clear.click()
    expect(about).to_have_value("")
    expect(form.locator("[data-picker-chosen]")).to_contain_text("the request is about you")
    form.locator("#about-q").fill(name[:-3])  # htmx asks again only for a changed search
    match.click()
    expect(about).to_have_value(str(report.person_id))

    colleagues = page.get_by_role("searchbox", name="Search", exact=True)
    colleagues.fill(name[:-2])  # the report is asked too (their own view of it)
    page.locator(f'#picker-results [data-pick-person="{report.person_id}"]').click()
    expect(chips).to_have_count(1)
    form.locator("textarea[name=message]").fill("Browser test: how is the new role going?")
    form.get_by_role("button", name="Send request").click()
    expect(page.locator("#sent-title")).to_be_visible()
    with sessions() as session:
        sent = session.scalar(
            sa.select(FeedbackRequest)
            .where(FeedbackRequest.requester_id == manager_person)
            .order_by(FeedbackRequest.id.desc())
            .limit(1)
        )
        assert sent is not None and sent.subject_id == report.person_id
    engine.dispose()
    page.wait_for_load_state("networkidle")
    assert watched.problems == []
