"""The demo's recruiter radar: snapshot histories of employees and external prospects, a
scoring job, and a few prospects already in outreach.

Histories come from :func:`renown.radar.synthetic.synthetic_histories` (roughly monthly
captures over two and a half years, about a fifth of people changing company once, with
the edits that precede a move), for a deterministic sample of employees (their org facts
keep the profile and the records in agreement) and :data:`PROSPECTS` external handles.
They are stored through the same function an import uses, then scored by the radar's job,
so the recruiter signs in to a populated list. Idempotent: an organisation that already has
radar subjects or a finished radar job is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.core.errors import RenownError
from renown.demo.org import DEFAULT_END
from renown.jobs.queue import JobQueue
from renown.radar.actions import check_record_outreach
from renown.radar.imports import PERSON_KEY, do_store_snapshots
from renown.radar.job import enqueue_radar, org_facts
from renown.radar.queries import RADAR
from renown.radar.synthetic import synthetic_histories
from renown.store.engine import transaction
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.radar import RadarPrediction, RadarSubject

PROSPECTS: Final = 150
EMPLOYEES: Final = 400
"""Employees with a history: enough to fit the model, few enough to score in seconds."""
HISTORY_DAYS: Final = 900
PENDING: Final = 0.35
"""Share of the movers whose move comes after the demo's last day: they are in the middle
of their burst of edits when the recruiter looks, as the people a radar finds would be."""
SEED: Final = 11
FIRST: Final = ("ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo")
LAST: Final = ("silva", "okafor", "li", "novak", "haddad", "kim", "berg", "ross", "diaz", "sato")
OUTREACH: Final = (
    ("contacted", "Sent a note about the platform team opening."),
    ("responded", "Replied: open to a call next week."),
    ("watchlist", "Strong Go background; revisit after the reorg."),
    ("hired", "Accepted the offer."),
)

Step = Callable[[str], None]


def _handles() -> list[str]:
    rng = random.Random(SEED)  # nosec B311
    return [
        f"linkedin:{rng.choice(FIRST)}-{rng.choice(LAST)}-{number:03d}"
        for number in range(PROSPECTS)
    ]


def seed_radar(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    hr: Principal,
    recruiter: Principal,
    step: Step,
) -> None:
    """Import histories, score the radar and record a few outreach steps (once)."""
    org_id = hr.org_id
    with sessions() as session:
        has_subjects = session.scalar(
            sa.select(RadarSubject.id).where(RadarSubject.org_id == org_id).limit(1)
        )
        scored = session.scalar(
            sa.select(Job.id).where(Job.org_id == org_id, Job.kind == RADAR, Job.status == "done")
        )
    start = DEFAULT_END - timedelta(days=HISTORY_DAYS)
    if has_subjects is None:
        step(f"writing profile snapshot histories of {EMPLOYEES} employees, {PROSPECTS} prospects")
        with transaction(sessions) as session:
            people = session.execute(
                sa.select(Person.id, Person.employee_id)
                .where(Person.org_id == org_id, Person.left_on.is_(None))
                .order_by(Person.employee_id)
            ).all()
            pool = list(people)
            sample = random.Random(SEED).sample(pool, min(EMPLOYEES, len(pool)))  # nosec B311
            transient = {
                employee_id: RadarSubject(key=f"{PERSON_KEY}{pid}", person_id=pid)
                for pid, employee_id in sample
            }
            facts = org_facts(session, org_id, transient, DEFAULT_END)
            snapshots = synthetic_histories(
                [*transient, *_handles()],
                start=start,
                end=DEFAULT_END,
                seed=SEED,
                org=facts,
                pending=PENDING,
            )
            do_store_snapshots(session, hr, snapshots, file="demo-snapshots.jsonl", now=DEFAULT_END)
    if scored is None:
        step("scoring the radar through a radar job")
        with transaction(sessions) as session:
            job_id = enqueue_radar(session, hr, queue).id
        with sessions() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "done":
                raise RenownError(f"demo radar job {job_id} did not finish: {job and job.error}")
        with transaction(sessions) as session:
            top = session.scalars(
                sa.select(RadarPrediction.subject_id)
                .join(RadarSubject, RadarSubject.id == RadarPrediction.subject_id)
                .where(RadarPrediction.job_id == job_id, RadarSubject.person_id.is_(None))
                .order_by(RadarPrediction.probability.desc(), RadarPrediction.subject_id)
                .limit(len(OUTREACH))
            ).all()
            for subject_id, (status, note) in zip(top, OUTREACH, strict=False):
                check_record_outreach(
                    session, recruiter, subject_id, status=status, note=note, now=DEFAULT_END
                )
