"""Reading validations, tunings and the weights in use, for HR.

Validations and tunings are jobs (:mod:`renown.validation.jobs`); a report is the result
of a finished validation job, so its id is the job's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.prominence.components import COMPONENTS
from renown.scoring.weights import chosen_weights
from renown.store.tables.jobs import Job
from renown.validation.jobs import TUNING, VALIDATION

ONLY_PEOPLE_ADMINS: Final = "only HR and administrators read validations"


@dataclass(frozen=True)
class WeightsInUse:
    """The component weights the organisation's next scoring run will use."""

    default: bool
    """True when they are the registry's default weights."""
    weights: dict[str, float]
    """Component name -> weight (the weighted components only)."""
    provenance: dict[str, Any]
    """Where chosen weights came from (empty for the defaults)."""
    set_at: datetime | None


def default_weights() -> dict[str, float]:
    """The registry's default weights of the weighted components."""
    return {n: c.default_weight for n, c in COMPONENTS.items() if c.default_weight > 0}


def weights_in_use(session: Session, principal: Principal) -> WeightsInUse:
    """The weights the next scoring run of the principal's organisation will use."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    chosen = chosen_weights(session, principal.org_id)
    if chosen is None:
        return WeightsInUse(True, default_weights(), {}, None)
    return WeightsInUse(False, chosen.weights, chosen.provenance, chosen.set_at)


def _job(session: Session, principal: Principal, job_id: int, kind: str, what: str) -> Job:
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.org_id != principal.org_id or job.kind != kind:
        raise NotFound(f"no {what} {job_id}")
    return job


def get_report(session: Session, principal: Principal, report_id: int) -> Job:
    """The validation job ``report_id`` of the organisation (its result is the report)."""
    return _job(session, principal, report_id, VALIDATION, "validation")


def get_tuning(session: Session, principal: Principal, tuning_id: int) -> Job:
    """The tuning job ``tuning_id`` of the organisation."""
    return _job(session, principal, tuning_id, TUNING, "weight fitting")


def list_reports(session: Session, principal: Principal, *, limit: int = 20) -> list[Job]:
    """The organisation's validations, newest first."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    return list(
        session.scalars(
            sa.select(Job)
            .where(Job.org_id == principal.org_id, Job.kind == VALIDATION)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def latest_tuning(session: Session, principal: Principal, report_id: int) -> Job | None:
    """The newest tuning started from validation ``report_id``, if any."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    recent = session.scalars(
        sa.select(Job)
        .where(Job.org_id == principal.org_id, Job.kind == TUNING)
        .order_by(Job.id.desc())
        .limit(200)
    )
    return next((j for j in recent if j.params.get("report_id") == report_id), None)
