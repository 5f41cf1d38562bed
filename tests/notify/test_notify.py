"""E-mail and Slack delivery against real local peers: an aiosmtpd server and an HTTP server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from renown.notify.email import send_email
from renown.notify.result import DeliveryError
from renown.notify.slack import post_slack
from renown.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def _authenticate(
    server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"bot", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(home=tmp_path, **values)


def test_email_reaches_the_smtp_server(smtp: tuple[_Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    settings = _settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="renown@example.com",
        smtp_starttls=False,
    )
    result = send_email(settings, "ada@example.com", "You earned  a badge", "Well done, Ada.")
    assert result.sent
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.mail_from == "renown@example.com"
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert isinstance(envelope.content, bytes)
    message = message_from_bytes(envelope.content)
    assert message["Subject"] == "You earned a badge"
    assert message.get_payload().strip() == "Well done, Ada."


def test_email_signs_in_when_a_user_is_set(smtp: tuple[_Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    common = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": "renown@example.com",
        "smtp_starttls": False,
        "smtp_user": "bot",
    }
    assert send_email(
        _settings(tmp_path, **common, smtp_password="s3cret"), "a@x.io", "s", "b"
    ).sent
    with pytest.raises(DeliveryError, match="failed"):
        send_email(_settings(tmp_path, **common, smtp_password="wrong"), "a@x.io", "s", "b")
    assert len(inbox.messages) == 1


def test_email_is_a_no_op_that_says_so_without_a_server(tmp_path: Path) -> None:
    result = send_email(_settings(tmp_path), "ada@example.com", "s", "b")
    assert result.status == "skipped" and "RENOWN_SMTP_HOST" in result.detail


def test_email_failure_is_raised_not_swallowed(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=_free_port(),  # nothing listens there
        smtp_from="renown@example.com",
        smtp_starttls=False,
        notify_timeout_seconds=5,
    )
    with pytest.raises(DeliveryError, match=r"ada@example\.com"):
        send_email(settings, "ada@example.com", "s", "b")


def test_email_refuses_header_injection(smtp: tuple[_Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_from="r@example.com")
    with pytest.raises(DeliveryError, match="not an e-mail address"):
        send_email(settings, "a@example.com\nBcc: eve@example.com", "s", "b")
    assert inbox.messages == []


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]
    status: int = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.received.append(  # type: ignore[attr-defined]
            {
                "path": self.path,
                "type": self.headers["Content-Type"],
                "body": self.rfile.read(length),
            }
        )
        status = self.server.status  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"invalid_payload")

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    server.received = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _webhook_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/services/T000/B000/XXXX"


def test_slack_posts_json_to_the_webhook(webhook: ThreadingHTTPServer, tmp_path: Path) -> None:
    settings = _settings(tmp_path, slack_webhook_url=_webhook_url(webhook))
    assert post_slack(settings, "Ada earned *Team player*").sent
    [request] = webhook.received  # type: ignore[attr-defined]
    assert request["path"] == "/services/T000/B000/XXXX"
    assert request["type"] == "application/json"
    assert json.loads(request["body"]) == {"text": "Ada earned *Team player*"}


def test_slack_refusal_is_raised(webhook: ThreadingHTTPServer, tmp_path: Path) -> None:
    webhook.status = 400  # type: ignore[attr-defined]
    settings = _settings(tmp_path, slack_webhook_url=_webhook_url(webhook))
    with pytest.raises(DeliveryError, match="400: invalid_payload"):
        post_slack(settings, "hello")


def test_slack_is_a_no_op_that_says_so_without_a_webhook(tmp_path: Path) -> None:
    result = post_slack(_settings(tmp_path), "hello")
    assert result.status == "skipped" and "RENOWN_SLACK_WEBHOOK_URL" in result.detail
