"""The job that refreshes external prominence: pull every proven account, then score.

A person's "Refresh" pulls their own accounts; HR's pulls everyone's. Either way the
organisation is scored again afterwards, since each network score ranks a person among
everyone who linked it. No transaction is open while a network answers
(:func:`renown.external.pulling.fetch`), and one account's failure is recorded on it and
reported, never fatal to the others.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.external.pulling import fetch, keep, verified_accounts
from renown.external.scoring import score_external
from renown.external.transport import connector_transport
from renown.jobs.enqueue import enqueue_job
from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext
from renown.store.tables.jobs import Job

EXTERNAL_REFRESH: Final = "external_refresh"


def enqueue_external_refresh(
    session: Session, principal: Principal, queue: JobQueue, *, person_id: int | None
) -> Job:
    """Queue a refresh of one person's accounts (``person_id``) or everyone's (``None``);
    the same refresh already waiting or running is answered instead of a second one."""
    waiting = session.scalars(
        sa.select(Job).where(
            Job.org_id == principal.org_id,
            Job.kind == EXTERNAL_REFRESH,
            Job.status.in_(("queued", "running")),
        )
    )
    for job in waiting:
        if job.params.get("person_id") == person_id:
            return job
    return enqueue_job(session, principal, queue, EXTERNAL_REFRESH, {"person_id": person_id})


def run_external_refresh(context: JobContext) -> dict[str, Any]:
    """Pull the accounts the job names, then score the organisation's external prominence."""
    person_id = context.params.get("person_id")
    now = datetime.now(UTC)
    key = context.settings.connector_secret()
    transport = connector_transport(context.settings)
    with context.sessions() as session:
        accounts = verified_accounts(session, context.org_id, person_id=person_id)
        session.expunge_all()  # read once, then no session is open while networks answer
    fetched = []
    total = max(1, len(accounts))
    for n, account in enumerate(accounts):
        context.report(f"pulling {account.network}:{account.handle}", 0.8 * n / total)
        fetched.append(fetch(account, transport=transport, key=key, now=now))
    pulls = []
    for one in fetched:
        with context.sessions() as session, session.begin():
            pulls.append(keep(session, one, now=now))
    context.report("scoring external prominence", 0.9)
    with context.sessions() as session, session.begin():
        scored = score_external(session, context.org_id, now=now)
    return {
        "accounts": len(pulls),
        "pulled_events": sum(p.events for p in pulls),
        "pulled_items": sum(p.items for p in pulls),
        "failed": [f"{p.label}: {p.error}" for p in pulls if p.error],
        "paused": [
            f"{p.label} until {p.resume_at.isoformat()}" for p in pulls if p.resume_at is not None
        ],
        "scored_people": len(scored),
    }
