"""Background jobs (huey on renown's own database): event ingest, scoring runs and the
recognition pass (kudos rings, badges, notifications)."""

from renown.jobs.enqueue import enqueue_ingest, enqueue_recognition, enqueue_scoring
from renown.jobs.queue import JobQueue, make_huey, make_queue

__all__ = [
    "JobQueue",
    "enqueue_ingest",
    "enqueue_recognition",
    "enqueue_scoring",
    "make_huey",
    "make_queue",
]
