"""A refused feedback request comes back as it was sent, in a real browser at desktop width.

The demo manager fills the request form fully (a colleague's chip, whom it is about, a
message, an outside rater, a competency, anonymity and who reads the answers), picks a date
in the past and sends: the form comes back with the reason beside the date and everything
else as it was, so fixing the date and sending again is all it takes. At 1360 px no button
of the form breaks inside a word ("Searc / h") and no select cuts its choices short ("Only
the person asked ab"). Console errors and Content-Security-Policy violations (other than
the refused post's own 422) fail the test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

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

DESKTOP: Final = {"width": 1360, "height": 900}
MESSAGE: Final = "Browser test: how did the launch go?"
RATER: Final = "ana@client.example, Ana Client"
LINES_OF_TEXT: Final = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size;
}"""
"""How many lines an element's text takes."""
CUT_OPTIONS: Final = """select => {
  const style = getComputedStyle(select);
  const probe = document.createElement("span");
  probe.style.font = style.font;
  probe.style.whiteSpace = "pre";
  probe.style.position = "absolute";
  probe.style.visibility = "hidden";
  document.body.appendChild(probe);
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  const room = select.clientWidth - padding - 18;
  const cut = [...select.options].filter(o => {
    probe.textContent = o.text;
    return probe.offsetWidth > room;
  });
  probe.remove();
  return cut.map(o => o.text);
}"""
"""The options of a select whose words do not fit in it (18 px: the arrow)."""


def _people(live: Any) -> tuple[str, int, int, str, int, str]:
    """The manager's e-mail and person id; the report the request is about (id and name);
    the colleague asked (another of the manager's reports: id and name)."""
    engine = make_engine(live.settings.database)
    try:
        with session_factory(engine)() as session:

            def account(role: Role) -> Account:
                found = session.scalar(
                    sa.select(Account).where(Account.role == role.value).order_by(Account.id)
                )
                assert found is not None and found.person_id is not None, role
                return found

            def name(person_id: int | None) -> str:
                return str(session.scalar(sa.select(Person.name).where(Person.id == person_id)))

            manager, report = account(Role.MANAGER), account(Role.EMPLOYEE)
            assert manager.person_id and report.person_id
            colleague = session.scalar(
                sa.select(Person.id)
                .where(Person.manager_id == manager.person_id, Person.id != report.person_id)
                .order_by(Person.id)
            )
            assert colleague is not None, "the demo manager has one report only"
            return (
                manager.email,
                manager.person_id,
                report.person_id,
                name(report.person_id),
                colleague,
                name(colleague),
            )
    finally:
        engine.dispose()


def test_a_refused_request_keeps_everything_and_sends_once_fixed(live: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    from tests.e2e.conftest import watch_problems

    login, manager_person, report, report_name, colleague, colleague_name = _people(live)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems = watch_problems(page)
    sign_in(page, live.base_url, login, demo_password(Role.MANAGER))
    page.goto(f"{live.base_url}/feedback/request")
    form = page.locator("#request-form")

    for button in [*page.locator("#about-picker button").all(), form.get_by_role("button").last]:
        assert button.evaluate(LINES_OF_TEXT) == 1, button.inner_text()
    for select in form.locator("select").all():
        assert select.evaluate(CUT_OPTIONS) == [], select.get_attribute("name")

    page.get_by_role("searchbox", name="Search", exact=True).fill(colleague_name[:-2])
    page.locator(f'#picker-results [data-pick-person="{colleague}"]').click()
    form.locator("#about-q").fill(report_name[:-2])
    form.locator(f'#about-results [data-pick-person="{report}"]').click()
    form.locator("textarea[name=message]").fill(MESSAGE)
    form.locator("textarea[name=raters]").fill(RATER)
    competency = form.locator("input[name=competencies]").first
    competency_key = competency.get_attribute("value")
    competency.check()
    form.locator("select[name=anonymity]").select_option("allowed")
    form.locator("select[name=visibility]").select_option("manager")
    form.locator("input[name=expires_on]").fill("2020-01-02")
    form.get_by_role("button", name="Send request").click()

    error = page.locator("#expires_at-error")
    expect(error).to_have_text("A request expires in the future, within 180 days.")
    expect(form.locator("#expires_at-field")).to_have_attribute("aria-invalid", "true")
    chips = form.locator("[data-picked] li")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text(colleague_name)
    expect(chips.first.locator("input[name=person_ids]")).to_have_value(str(colleague))
    expect(form.locator("input[name=subject_id]")).to_have_value(str(report))
    expect(form.locator("[data-picker-chosen]")).to_contain_text(report_name)
    expect(form.locator("textarea[name=message]")).to_have_value(MESSAGE)
    expect(form.locator("textarea[name=raters]")).to_have_value(RATER)
    expect(form.locator(f'input[name=competencies][value="{competency_key}"]')).to_be_checked()
    expect(form.locator("select[name=anonymity]")).to_have_value("allowed")
    expect(form.locator("select[name=visibility]")).to_have_value("manager")
    expect(form.locator("input[name=expires_on]")).to_have_value("2020-01-02")

    fixed = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    form.locator("input[name=expires_on]").fill(fixed)
    form.get_by_role("button", name="Send request").click()
    expect(page.locator("#sent-title")).to_be_visible()
    expect(page.locator("[data-rater-link]")).to_have_count(1)

    engine = make_engine(live.settings.database)
    try:
        with session_factory(engine)() as session:
            sent = session.scalar(
                sa.select(FeedbackRequest)
                .where(FeedbackRequest.requester_id == manager_person)
                .order_by(FeedbackRequest.id.desc())
                .limit(1)
            )
            assert sent is not None
            assert (sent.subject_id, sent.message, sent.visibility) == (report, MESSAGE, "manager")
            assert sent.competencies == [competency_key]
    finally:
        engine.dispose()
    page.wait_for_load_state("networkidle")
    context.close()
    refused_post = "the server responded with a status of 422"
    assert [p for p in problems if refused_post not in p] == []
