"""Outside raters get their single-use link by e-mail when an SMTP server is configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest

from renown.core.roles import Role
from tests.notify.test_notify import _Inbox, smtp  # noqa: F401 - smtp: the real SMTP server
from tests.web.conftest import Platform


@pytest.fixture
def mailing(platform: Platform, smtp: tuple[_Inbox, int]) -> Iterator[_Inbox]:  # noqa: F811
    """The platform's app sending e-mail to the local SMTP server during the test."""
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


def _token_in(envelope: Any) -> str:
    body = message_from_bytes(envelope.original_content or b"").get_payload(decode=True)
    assert isinstance(body, bytes)
    return body.decode().split("/r/")[1].split()[0]


def test_outside_rater_receives_a_working_link(platform: Platform, mailing: _Inbox) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    expires = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    made = asker.post(
        "/api/v1/feedback/requests",
        json={"external": [{"email": "ana@client.example", "name": "Ana"}], "expires_at": expires},
    )
    assert made.status_code == 201, made.text
    (link,) = made.json()["links"]
    assert (link["emailed"], link["delivery"], link["token"], link["url"]) == (
        "sent",
        "mail",
        None,
        None,
    )
    (envelope,) = mailing.messages
    assert envelope.rcpt_tos == ["ana@client.example"]
    token = _token_in(envelope)
    assert token not in made.text
    outsider = platform.anonymous()
    assert outsider.get(f"/api/v1/external/feedback/{token}").status_code == 200


def test_without_e_mail_the_links_are_only_shown(platform: Platform) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    expires = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    made = asker.post(
        "/api/v1/feedback/requests",
        json={"external": [{"email": "bo@client.example", "name": "Bo"}], "expires_at": expires},
    )
    assert made.status_code == 201, made.text
    (link,) = made.json()["links"]
    assert (link["emailed"], link["delivery"]) == ("skipped", "requester")
    assert link["token"] and link["url"].endswith(link["token"])


def test_a_new_link_is_mailed_and_the_old_one_dies(platform: Platform, mailing: _Inbox) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    expires = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    made = asker.post(
        "/api/v1/feedback/requests",
        json={"external": [{"email": "cy@client.example", "name": "Cy"}], "expires_at": expires},
    ).json()
    old = _token_in(mailing.messages[0])
    (link,) = made["links"]
    again = asker.post(f"/api/v1/feedback/requests/{made['id']}/raters/{link['rater_id']}/link")
    assert again.status_code == 200, again.text
    assert again.json()["emailed"] == "queued" and again.json()["token"] is None
    assert len(mailing.messages) == 2
    new = _token_in(mailing.messages[1])
    outsider = platform.anonymous()
    assert outsider.get(f"/api/v1/external/feedback/{old}").status_code == 404
    assert outsider.get(f"/api/v1/external/feedback/{new}").status_code == 200
    stranger = platform.bearer(Role.MANAGER)
    refused = stranger.post(
        f"/api/v1/feedback/requests/{made['id']}/raters/{link['rater_id']}/link"
    )
    assert refused.status_code == 403, refused.text
