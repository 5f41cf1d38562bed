"""E-mail over SMTP (standard library ``smtplib``)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from renown.notify.result import Delivery, DeliveryError
from renown.settings import Settings

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
"""Longer subjects are cut: mail clients show less, and header folding gains nothing."""


def send_email(settings: Settings, to: str, subject: str, body: str) -> Delivery:
    """Send a plain-text e-mail to ``to`` through the configured SMTP server.

    Returns a ``skipped`` :class:`Delivery` when ``smtp_host`` is not set. Raises
    :class:`DeliveryError` when the server cannot be reached, refuses the sign-in or the
    recipient, or times out (``notify_timeout_seconds``).
    """
    if not settings.smtp_host:
        detail = "e-mail is not configured (set RENOWN_SMTP_HOST and RENOWN_SMTP_FROM)"
        log.info("not sending e-mail to %s: %s", to, detail)
        return Delivery("skipped", detail)
    if not settings.smtp_from:
        raise DeliveryError("RENOWN_SMTP_FROM must name the sender when RENOWN_SMTP_HOST is set")
    if "\n" in to or "\r" in to or "@" not in to:
        raise DeliveryError(f"not an e-mail address: {to!r}")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = " ".join(subject.split())[:MAX_SUBJECT]
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.notify_timeout_seconds
        ) as client:
            if settings.smtp_starttls:
                client.starttls()
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password or "")
            refused = client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"e-mail to {to} failed: {error}") from error
    if refused:
        raise DeliveryError(f"the mail server refused {', '.join(sorted(refused))}")
    return Delivery("sent", f"accepted by {settings.smtp_host}:{settings.smtp_port}")
