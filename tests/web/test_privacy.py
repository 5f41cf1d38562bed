"""Erasing a person from the API and the pages, and who may: HR and administrators of the
person's own organisation only (everyone else is refused, another organisation's HR is told
the person does not exist). What erasure removes is proven in ``tests/privacy``."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from tests.web.conftest import Platform, csrf_of

HTML = {"accept": "text/html"}
REFUSED = (Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER, Role.SPONSOR, Role.MEMBER)


def _someone(platform: Platform, n: int) -> int:
    """A person of acme nobody in the cast is (each test erases its own)."""
    cast = platform.cast
    busy = {cast.employee, cast.manager, cast.report, cast.second_level, cast.public}
    busy |= {cast.private, *(m.person_id for m in platform.members.values() if m.person_id)}
    with platform.sessions() as session:
        ids = session.scalars(
            sa.select(Person.id)
            .where(Person.org_id == platform.acme_id, Person.id.not_in(busy))
            .order_by(Person.id)
        ).all()
    return int(ids[n])


def _exists(platform: Platform, person_id: int) -> bool:
    with platform.sessions() as session:
        return session.get(Person, person_id) is not None


def _entries(platform: Platform) -> int:
    """Erasures recorded so far (sign-ins and token issues are recorded too: not counted)."""
    with platform.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "person.erase")
            )
            or 0
        )


@pytest.mark.parametrize("role", REFUSED, ids=lambda r: r.value)
def test_only_hr_and_administrators_may_erase(platform: Platform, role: Role) -> None:
    target = _someone(platform, 0)
    before = _entries(platform)
    api = platform.bearer(role).post(f"/api/v1/people/{target}/erase", json={"reason": "x"})
    assert api.status_code == 403
    page = platform.browser(role).get(f"/people/{target}/erase", headers=HTML)
    assert page.status_code == 403
    form = {"reason": "x", "confirm_name": "x"}
    posted = platform.browser(role).post(f"/people/{target}/erase", data=form, headers=HTML)
    assert posted.status_code == 403
    assert _exists(platform, target) and _entries(platform) == before


def test_hr_of_another_organisation_is_told_the_person_does_not_exist(
    platform: Platform,
) -> None:
    target = _someone(platform, 0)
    client = platform.bearer(platform.other_hr)
    assert client.post(f"/api/v1/people/{target}/erase", json={"reason": "x"}).status_code == 404
    browser = platform.browser(platform.other_hr)
    assert browser.get(f"/people/{target}/erase", headers=HTML).status_code == 404
    with platform.sessions() as session:
        person = session.get(Person, target)
        assert person is not None
        form = {"reason": "x", "confirm_name": person.name}
    answer = browser.post(f"/people/{target}/erase", data=form, headers=HTML)
    assert answer.status_code == 404
    assert _exists(platform, target)


def test_hr_erases_through_the_api_once(platform: Platform) -> None:
    target = _someone(platform, 1)
    with platform.sessions() as session:
        person = session.get(Person, target)
        assert person is not None
        name = person.name
    client = platform.bearer(Role.HR)
    url = f"/api/v1/people/{target}/erase"
    assert client.post(url, json={"confirm_name": name}).status_code == 422
    assert client.post(url, json={"reason": "left", "confirm_name": "x"}).status_code == 422
    assert _exists(platform, target)
    answer = client.post(url, json={"reason": "left in 2020", "confirm_name": name})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["pseudonym"].startswith("erased:") and body["rows"]["people.id"] == 1
    assert not _exists(platform, target)
    assert client.get(f"/api/v1/people/{target}").status_code == 404
    again = client.post(url, json={"reason": "again", "confirm_name": name})
    assert again.status_code == 404


def test_the_page_names_the_person_and_needs_a_reason_and_their_name(
    platform: Platform,
) -> None:
    target = _someone(platform, 2)
    with platform.sessions() as session:
        person = session.get(Person, target)
        assert person is not None
        name = person.name
    browser = platform.browser(Role.ADMIN)
    form_page = browser.get(f"/people/{target}/erase", headers=HTML)
    assert form_page.status_code == 200 and name in form_page.text
    token = csrf_of(form_page.text)
    url = f"/people/{target}/erase"

    def post(reason: str, confirm: str) -> Any:
        form = {"reason": reason, "confirm_name": confirm, "csrf_token": token}
        return browser.post(url, data=form, headers=HTML)

    wrong = post("asked", "someone else")
    assert wrong.status_code == 422 and "data-erase-error" in wrong.text
    no_reason = post(" ", name)
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert _exists(platform, target)
    done = post("asked", name.upper())
    assert done.status_code == 200 and "data-pseudonym" in done.text and name not in done.text
    assert not _exists(platform, target)


def test_the_profile_offers_erasure_to_hr_only(platform: Platform) -> None:
    target = platform.cast.public
    assert (
        "data-erase-link" in platform.browser(Role.HR).get(f"/people/{target}", headers=HTML).text
    )
    employee = platform.browser(Role.EMPLOYEE).get(f"/people/{target}", headers=HTML)
    assert employee.status_code == 200 and "data-erase-link" not in employee.text
