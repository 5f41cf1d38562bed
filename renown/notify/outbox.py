"""Notifications by e-mail and Slack through an outbox (the delivery log).

Whatever causes a notification (a badge earned) records it as a ``pending`` row in the same
transaction, with a dedupe key per channel: rolling back the cause drops the message, and
recording it twice is a no-op. :func:`deliver_pending` sends pending rows afterwards,
outside any long transaction, and records the outcome: ``sent``, ``skipped`` (the channel
is not configured: kept so operators see why nothing arrived) or ``failed`` (with the
error; retried on the next call up to :data:`MAX_ATTEMPTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.clock import Clock
from renown.notify.email import send_email
from renown.notify.result import Delivery, DeliveryError
from renown.notify.slack import post_slack
from renown.settings import Settings
from renown.store.tables.recognition import NotificationDelivery

MAX_ATTEMPTS: Final = 5
SLACK_RECIPIENT: Final = "webhook"

ChannelName = Literal["email", "slack"]


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`deliver_pending` call did."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0


def enqueue(
    session: Session,
    *,
    org_id: int | None,
    channel: ChannelName,
    dedupe_key: str,
    recipient: str,
    subject: str,
    body: str,
    clock: Clock,
) -> bool:
    """Record a message to send; ``False`` when one with this key was already recorded."""
    exists = session.scalar(
        sa.select(NotificationDelivery.id).where(
            NotificationDelivery.channel == channel, NotificationDelivery.dedupe_key == dedupe_key
        )
    )
    if exists is not None:
        return False
    session.add(
        NotificationDelivery(
            org_id=org_id,
            channel=channel,
            dedupe_key=dedupe_key,
            recipient=recipient,
            subject=subject[:200],
            body=body,
            created_at=clock.now(),
        )
    )
    session.flush()
    return True


def deliver_pending(
    session: Session, settings: Settings, *, clock: Clock, limit: int = 100
) -> DeliveryReport:
    """Send up to ``limit`` pending (or failed, retryable) messages; record each outcome.

    The caller commits; each row's outcome is flushed as soon as it is known.
    """
    rows = session.scalars(
        sa.select(NotificationDelivery)
        .where(
            NotificationDelivery.status.in_(("pending", "failed")),
            NotificationDelivery.attempts < MAX_ATTEMPTS,
        )
        .order_by(NotificationDelivery.id)
        .limit(limit)
    ).all()
    sent = skipped = failed = 0
    for row in rows:
        row.attempts += 1
        try:
            outcome = _send(settings, row)
        except DeliveryError as error:
            row.status, row.error = "failed", str(error)[:2000]
            failed += 1
        else:
            row.status = outcome.status
            row.error = None if outcome.sent else outcome.detail
            if outcome.sent:
                row.sent_at = clock.now()
                sent += 1
            else:
                skipped += 1
        session.flush()
    return DeliveryReport(sent=sent, skipped=skipped, failed=failed)


def _send(settings: Settings, row: NotificationDelivery) -> Delivery:
    if row.channel == "email":
        return send_email(settings, row.recipient, row.subject, row.body)
    if row.channel == "slack":
        return post_slack(settings, row.body)
    raise DeliveryError(f"unknown notification channel {row.channel!r}")
