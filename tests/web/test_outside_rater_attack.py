"""The de-anonymisation attack through outside raters, run against the API as it was found.

An employee asked for feedback about himself with four outside raters' addresses he
controls, received their single-use links in the API's answer, answered them himself, and
one colleague's anonymous answer then completed an "others" group of five distinct givers:
her rating was ``5 * mean - 4 * 5`` and her comment the only one he did not write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.org.reporting import manager_chain
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from tests.notify.test_notify import _Inbox, smtp  # noqa: F401 - smtp: the real SMTP server
from tests.web.conftest import Platform
from tests.web.test_feedback_api import _account_for

FEEDBACK = "/api/v1/feedback"


def _expiry() -> str:
    return (datetime.now(UTC) + timedelta(days=20)).isoformat()


def _strangers(platform: Platform, person_id: int, count: int) -> list[int]:
    """People outside ``person_id``'s reporting line, without accounts."""
    with platform.sessions() as session:
        person = session.get(Person, person_id)
        assert person is not None
        excluded = {person.id, *manager_chain(session, person)}
        excluded |= set(session.scalars(sa.select(Account.person_id).where(Account.person_id > 0)))
        excluded |= set(session.scalars(sa.select(Person.id).where(Person.manager_id == person_id)))
        rows = session.scalars(
            sa.select(Person.id)
            .where(Person.org_id == platform.acme_id, Person.id.not_in(excluded))
            .order_by(Person.id.desc())
            .limit(count)
        ).all()
    return list(rows)


@pytest.fixture
def mailing(platform: Platform, smtp: tuple[_Inbox, int]) -> Iterator[_Inbox]:  # noqa: F811
    """The platform's app sending e-mail to a local SMTP server during the test."""
    inbox, port = smtp
    state: Any = platform.app.state
    original = state.settings
    state.settings = original.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_from": "renown@acme.example",
            "public_url": "https://renown.acme.example",
            "smtp_starttls": False,
        }
    )
    try:
        yield inbox
    finally:
        state.settings = original


def _ask_puppets(asker: TestClient, prefix: str) -> list[dict[str, Any]]:
    made = asker.post(
        f"{FEEDBACK}/requests",
        json={
            "external": [
                {"email": f"{prefix}.{i}@mailbox.example", "name": f"Client {i}"} for i in range(4)
            ],
            "anonymity": "allowed",
            "expires_at": _expiry(),
        },
    )
    assert made.status_code == 201, made.text
    links: list[dict[str, Any]] = made.json()["links"]
    return links


def test_the_requester_cannot_answer_his_own_links_anonymously(platform: Platform) -> None:
    subject_id = _strangers(platform, platform.cast.employee, 1)[0]
    subject = _account_for(platform, subject_id)
    links = _ask_puppets(subject, "me")
    outsider = platform.anonymous()
    csrf = {"X-CSRF-Token": platform.form_csrf(outsider)}
    anonymous_answers = []
    for link in links:  # the attack: answer every link anonymously, as the subject
        url = f"/api/v1/external/feedback/{link['token']}"
        answer = {"text": "Brilliant, 5 out of 5.", "anonymous": True}
        anonymous_answers.append(outsider.post(url, json=answer, headers=csrf).status_code)
    colleague_id = _strangers(platform, subject_id, 1)[0]
    colleague = _account_for(platform, colleague_id)
    given = colleague.post(
        FEEDBACK,
        json={"receiver_id": subject_id, "text": "Her honest, critical words.", "anonymous": True},
    )
    assert given.status_code == 201, given.text
    received = subject.get(f"{FEEDBACK}/received").json()
    assert "Her honest, critical words." not in str(received), "her answer was isolated"
    assert received["aggregates"] == []
    # Without e-mail the requester is handed the links, so answers through them are named.
    assert anonymous_answers == [422] * 4
    for link in links:
        assert link["delivery"] == "requester" and link["may_be_anonymous"] is False
        url = f"/api/v1/external/feedback/{link['token']}"
        assert outsider.get(url).json()["may_be_anonymous"] is False
        named = outsider.post(url, json={"text": "Brilliant, 5 out of 5."}, headers=csrf)
        assert named.status_code == 201, named.text
    assert subject.get(f"{FEEDBACK}/received").json()["aggregates"] == []


def test_with_e_mail_the_links_reach_the_raters_only(platform: Platform, mailing: _Inbox) -> None:
    subject_id = _strangers(platform, platform.cast.employee, 2)[1]
    subject = _account_for(platform, subject_id)
    links = _ask_puppets(subject, "mine")
    assert all(link["token"] is None and link["url"] is None for link in links)
    assert {link["emailed"] for link in links} == {"sent"}
    assert len(mailing.messages) == 4
    # The subject chose these addresses, so even mailed links take named answers only.
    assert {link["may_be_anonymous"] for link in links} == {False}
    body = message_from_bytes(mailing.messages[0].original_content or b"").get_payload(decode=True)
    assert isinstance(body, bytes)
    token = body.decode().split("/r/")[1].split()[0]
    outsider = platform.anonymous()
    url = f"/api/v1/external/feedback/{token}"
    csrf = {"X-CSRF-Token": platform.form_csrf(outsider)}
    refused = outsider.post(url, json={"text": "x", "anonymous": True}, headers=csrf)
    assert refused.status_code == 422, refused.text


def test_required_anonymity_with_outside_raters_the_subject_chose_is_refused(
    platform: Platform, mailing: _Inbox
) -> None:
    asker = _account_for(platform, _strangers(platform, platform.cast.employee, 3)[2])
    made = asker.post(
        f"{FEEDBACK}/requests",
        json={
            "external": [{"email": "ana@client.example", "name": "Ana"}],
            "anonymity": "required",
            "expires_at": _expiry(),
        },
    )
    assert made.status_code == 422, made.text
    assert "cannot require anonymity" in made.text
    assert mailing.messages == []
