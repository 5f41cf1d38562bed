"""Background jobs (huey on renown's own database): event ingest and scoring runs."""

from renown.jobs.enqueue import enqueue_ingest, enqueue_scoring
from renown.jobs.queue import JobQueue, make_huey, make_queue

__all__ = ["JobQueue", "enqueue_ingest", "enqueue_scoring", "make_huey", "make_queue"]
