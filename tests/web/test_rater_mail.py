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
            "smtp_starttls": False,
        }
    )
    try:
        yield inbox
    finally:
        state.settings = original


def test_outside_rater_receives_a_working_link(platform: Platform, mailing: _Inbox) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    expires = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    made = asker.post(
        "/api/v1/feedback/requests",
        json={"external": [{"email": "ana@client.example", "name": "Ana"}], "expires_at": expires},
    )
    assert made.status_code == 201, made.text
    (link,) = made.json()["links"]
    assert link["emailed"] == "sent"
    (envelope,) = mailing.messages
    assert envelope.rcpt_tos == ["ana@client.example"]
    body = message_from_bytes(envelope.original_content or b"").get_payload(decode=True)
    assert isinstance(body, bytes) and link["url"] in body.decode()
    outsider = platform.anonymous()
    assert outsider.get(f"/api/v1/external/feedback/{link['token']}").status_code == 200


def test_without_e_mail_the_links_are_only_shown(platform: Platform) -> None:
    asker = platform.bearer(Role.EMPLOYEE)
    expires = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    made = asker.post(
        "/api/v1/feedback/requests",
        json={"external": [{"email": "bo@client.example", "name": "Bo"}], "expires_at": expires},
    )
    assert made.status_code == 201, made.text
    assert made.json()["links"][0]["emailed"] == "skipped"
