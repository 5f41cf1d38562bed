"""Erasing a person, or an account without a person (a community member), from the API and
the pages, and who may: HR and administrators of the organisation only (everyone else is
refused, another organisation's HR is told the person or account does not exist). What
erasure removes is proven in ``tests/privacy``."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from tests.web.conftest import Platform, csrf_of
from tests.web.marketplace_policies import listed_member

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


# Accounts without a person: community members and sponsors of the challenges.


def _member(platform: Platform) -> tuple[int, str]:
    """A fresh listed member of acme (id, e-mail); each test erases its own."""
    account_id = listed_member(platform, platform.acme_id)
    with platform.sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account_id, account.email


def _account_exists(platform: Platform, account_id: int) -> bool:
    with platform.sessions() as session:
        return session.get(Account, account_id) is not None


@pytest.mark.parametrize("role", REFUSED, ids=lambda r: r.value)
def test_only_hr_and_administrators_may_erase_an_account(platform: Platform, role: Role) -> None:
    target, email = _member(platform)
    body = {"reason": "x", "confirm_email": email}
    assert platform.bearer(role).post(
        f"/api/v1/accounts/{target}/erase", json=body
    ).status_code == (403)
    browser = platform.browser(role)
    assert browser.get(f"/accounts/{target}/erase", headers=HTML).status_code == 403
    assert browser.post(f"/accounts/{target}/erase", data=body, headers=HTML).status_code == 403
    assert _account_exists(platform, target)


def test_hr_erases_a_member_through_the_api_once(platform: Platform) -> None:
    target, email = _member(platform)
    url = f"/api/v1/accounts/{target}/erase"
    other = platform.bearer(platform.other_hr)
    assert other.post(url, json={"reason": "x", "confirm_email": email}).status_code == 404
    client = platform.bearer(Role.HR)
    assert client.post(url, json={"confirm_email": email}).status_code == 422
    assert client.post(url, json={"reason": "left", "confirm_email": "x@y.z"}).status_code == 422
    assert _account_exists(platform, target)
    answer = client.post(url, json={"reason": "asked", "confirm_email": email.upper()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["pseudonym"].startswith("erased:") and body["rows"]["accounts.id"] == 1
    assert email not in answer.text
    assert not _account_exists(platform, target)
    assert client.get(f"/api/v1/members/{target}").status_code == 404
    again = client.post(url, json={"reason": "again", "confirm_email": email})
    assert again.status_code == 404


def test_an_account_of_a_person_is_refused_erase_the_person(platform: Platform) -> None:
    employee = platform.members[Role.EMPLOYEE]
    answer = platform.bearer(Role.ADMIN).post(
        f"/api/v1/accounts/{employee.account_id}/erase",
        json={"reason": "x", "confirm_email": employee.email},
    )
    assert answer.status_code == 422 and "erase the person instead" in answer.text
    assert _account_exists(platform, employee.account_id)


def test_the_member_page_offers_erasure_and_the_form_needs_the_email(
    platform: Platform,
) -> None:
    target, email = _member(platform)
    profile = f"/members/{target}"
    assert "data-erase-link" in platform.browser(Role.HR).get(profile, headers=HTML).text
    for role in (Role.SPONSOR, Role.RECRUITER, Role.MEMBER):
        page = platform.browser(role).get(profile, headers=HTML)
        assert page.status_code == 200 and "data-erase-link" not in page.text
    browser = platform.browser(Role.ADMIN)
    form_page = browser.get(f"/accounts/{target}/erase", headers=HTML)
    assert form_page.status_code == 200 and email in form_page.text
    token = csrf_of(form_page.text)

    def post(reason: str, confirm: str) -> Any:
        form = {"reason": reason, "confirm_email": confirm, "csrf_token": token}
        return browser.post(f"/accounts/{target}/erase", data=form, headers=HTML)

    wrong = post("asked", "someone@else.example")
    assert wrong.status_code == 422 and "data-erase-error" in wrong.text
    no_reason = post(" ", email)
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert _account_exists(platform, target)
    done = post("asked", email)
    assert done.status_code == 200 and "data-pseudonym" in done.text and email not in done.text
    assert not _account_exists(platform, target)
