"""The recognition job: the regular pass over kudos and feedback that nobody should wait for.

Giving kudos or feedback answers at once; what follows from it is work for the
organisation as a whole, done here in four steps, each in its own transaction so that the
page polling the job sees progress and a later failure keeps what an earlier step did:

1. **Kudos rings.** The detector runs over the organisation's kudos; newly suspected rings
   are recorded for HR to review. Nothing is discounted here: a person confirms a ring.
2. **Export.** Kudos, reactions and released feedback go to the event lake as the
   ``kudos`` and ``feedback`` channels, and the challenges' interactions between people as
   the ``challenge`` channel (idempotent: event keys come from row ids), so the next
   scoring run counts them.
3. **Badges.** The default badge set is evaluated incrementally (only new awards are
   stored, each with its notifications in the outbox).
4. **Delivery.** Pending e-mail and Slack messages, including those step 3 just recorded,
   are sent in batches, each batch committed once sent, so a crash never sends twice.

``as_of`` (default: when the job runs) is the instant the job acts at: the ring detector
looks back from it and new awards are stamped with it. A demo or a replay whose kudos
end in the past passes the end of its data, where the detector's window still holds them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import FixedClock, SystemClock
from renown.feedback.requests import do_send_reminders
from renown.ingest.lake import LAKE_LOCK_TIMEOUT_SECONDS, AppendResult
from renown.jobs.access import PEOPLE_ADMINS_ONLY
from renown.jobs.enqueue import enqueue_job, utc_as_of
from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext
from renown.notify.outbox import DeliveryReport, deliver_pending
from renown.recognition.badges import do_evaluate_badges
from renown.recognition.events import do_export_events
from renown.recognition.rings import do_detect_rings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job

RECOGNITION: Final = "recognition"
STAGE_PROGRESS: Final[dict[str, float]] = {
    "looking for kudos rings": 0.05,
    "exporting kudos and feedback to the event lake": 0.35,
    "evaluating badges": 0.55,
    "reminding people of open feedback requests": 0.8,
    "delivering notifications": 0.85,
}
"""How far along the job is when each step starts (rough share of the work)."""
DELIVERY_BATCH: Final = 100
"""Messages sent per transaction."""
MAX_DELIVERY_BATCHES: Final = 50
"""Batches per job: a backlog beyond this waits for the next run instead of holding a worker."""


def check_start_recognition(
    session: Session, principal: Principal, queue: JobQueue, *, as_of: datetime | None = None
) -> Job:
    """Queue a recognition pass: kudos rings for HR review, the lake export, badges and
    pending notifications (``as_of``: the instant it acts at; default when it runs)."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    return enqueue_recognition(session, principal, queue, as_of=utc_as_of(as_of))


def enqueue_recognition(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    *,
    as_of: datetime | None = None,
) -> Job:
    """A recognition pass (rings, export, badges, notifications) for the principal's
    organisation, acting at ``as_of`` (default: when it runs)."""
    params: dict[str, Any] = {"as_of": as_of.astimezone(UTC).isoformat() if as_of else None}
    return enqueue_job(session, principal, queue, RECOGNITION, params)


def run_recognition(context: JobContext) -> dict[str, Any]:
    """Detect kudos rings, export recognition events, award badges, send notifications."""
    as_of = _as_of(context.params.get("as_of"))
    clock = FixedClock(as_of)
    _stage(context, "looking for kudos rings")
    with transaction(context.sessions) as session:
        suspected = [
            review.id
            for review in do_detect_rings(session, context.org_id, clock=clock, actor=context.actor)
        ]
    _stage(context, "exporting kudos and feedback to the event lake")
    with transaction(context.sessions) as session:
        exported = export_recognition(session, context)
    _stage(context, "evaluating badges")
    with transaction(context.sessions) as session:
        badges = do_evaluate_badges(session, context.org_id, clock, actor=context.actor)
        awarded = len(badges.awarded)
    _stage(context, "reminding people of open feedback requests")
    with transaction(context.sessions) as session:
        reminded = do_send_reminders(session, clock=clock, org_id=context.org_id)
    _stage(context, "delivering notifications")
    delivered = deliver_all_pending(context)
    return {
        "as_of": as_of.isoformat(),
        "rings_suspected": len(suspected),
        "ring_reviews": suspected,
        "events_added": exported.added,
        "events_already_in_lake": exported.duplicates,
        "badges_awarded": awarded,
        "feedback_reminders": reminded,
        "notifications": {
            "sent": delivered.sent,
            "skipped": delivered.skipped,
            "failed": delivered.failed,
        },
    }


def export_recognition(session: Session, context: JobContext) -> AppendResult:
    """Append the organisation's kudos and feedback events to its lake (shared with scoring).

    Waits for a lake held by an ingest job running beside this one rather than failing.
    """
    return do_export_events(
        session,
        context.settings,
        context.org_id,
        actor=context.actor,
        lock_timeout=LAKE_LOCK_TIMEOUT_SECONDS,
    )


def deliver_all_pending(context: JobContext) -> DeliveryReport:
    """Send pending messages batch by batch until a batch is short or something failed.

    A failed message is retried by the next job, not in a tight loop here: a mail server
    that refused a moment ago most likely still refuses.
    """
    sent = skipped = failed = 0
    clock = SystemClock()
    for _ in range(MAX_DELIVERY_BATCHES):
        with transaction(context.sessions) as session:
            batch = deliver_pending(session, context.settings, clock=clock, limit=DELIVERY_BATCH)
        sent, skipped, failed = sent + batch.sent, skipped + batch.skipped, failed + batch.failed
        if batch.failed or batch.sent + batch.skipped < DELIVERY_BATCH:
            break
    return DeliveryReport(sent=sent, skipped=skipped, failed=failed)


def _stage(context: JobContext, stage: str) -> None:
    context.report(stage, STAGE_PROGRESS[stage])


def _as_of(value: object) -> datetime:
    if value in (None, ""):
        return datetime.now(UTC)
    return datetime.fromisoformat(str(value))
