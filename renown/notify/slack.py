"""Posting to a Slack incoming webhook (one JSON POST with ``httpx``)."""

from __future__ import annotations

import logging

import httpx

from renown.notify.result import Delivery, DeliveryError
from renown.settings import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 3000
"""Slack truncates long messages anyway; cutting here keeps the request small."""


def post_slack(settings: Settings, text: str) -> Delivery:
    """Post ``text`` to the configured Slack incoming webhook.

    Returns a ``skipped`` :class:`Delivery` when ``slack_webhook_url`` is not set. Raises
    :class:`DeliveryError` when the webhook cannot be reached, times out or answers
    anything but 2xx (Slack explains refusals in the body, which the error carries).
    """
    url = settings.slack_webhook_url
    if not url:
        detail = "Slack is not configured (set RENOWN_SLACK_WEBHOOK_URL)"
        log.info("not posting to Slack: %s", detail)
        return Delivery("skipped", detail)
    try:
        response = httpx.post(
            url, json={"text": text[:MAX_TEXT]}, timeout=settings.notify_timeout_seconds
        )
    except httpx.HTTPError as error:
        raise DeliveryError(f"Slack webhook failed: {error}") from error
    if not response.is_success:
        raise DeliveryError(f"Slack webhook answered {response.status_code}: {response.text[:200]}")
    return Delivery("sent", f"webhook answered {response.status_code}")
