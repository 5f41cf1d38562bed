"""The bias audit of the radar's flight-risk shortlist, with the promotion boards' method.

It is composed here, in the web layer, because :mod:`renown.radar` and :mod:`renown.talent`
are independent packages of one layer (neither imports the other): the radar supplies the
shortlist, and the boards' audit (:func:`renown.talent.report.build_report` on the
demographics read by :func:`renown.talent.demographics.demographics_for_audit`, the one
reader of that table) reports aggregates only, logged like the boards' audits.

External prospects have no self-reported demographics (they are not the organisation's
people), so their shortlist cannot be audited by group; the page says so instead of
auditing a pool of unknowns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.radar import queries
from renown.store.tables.org import Organisation
from renown.talent.audits import MIN_AUDIT_POOL
from renown.talent.demographics import demographics_for_audit
from renown.talent.report import AuditMeta, AuditSubject, BiasAuditReport, build_report

DEFAULT_TOP: Final = 50
PROSPECTS_NOT_AUDITED: Final = (
    "Prospects outside the organisation have no self-reported demographics, so their "
    "shortlist cannot be audited by group; the flight-risk list of members is audited instead."
)


def flight_risk_audit(
    session: Session, principal: Principal, *, top: int = DEFAULT_TOP, now: datetime
) -> BiasAuditReport:
    """Adverse-impact audit of the top ``top`` of HR's flight-risk list (HR and admins).

    Raises
    ------
    Invalid
        No predictions (never scored, or too little history), or a pool smaller than the
        boards' minimum (a smaller one would show individuals' answers).
    """
    principal.require_people_admin("bias audits are for HR and admins")
    status = queries.model_status(session, principal.org_id)
    rows = queries.flight_risk_rows(session, principal.org_id, status)
    if not rows:
        raise Invalid(f"nothing to audit: {status.message}")
    if len(rows) < MIN_AUDIT_POOL:
        raise Invalid(
            f"a bias audit needs at least {MIN_AUDIT_POOL} people in the pool "
            f"(the flight-risk list has {len(rows)})"
        )
    top = max(1, min(top, len(rows)))
    selected = {r.person_id for r in rows[:top]}
    ids = [r.person_id for r in rows]
    answers = demographics_for_audit(session, principal.org_id, ids)
    subjects = [
        AuditSubject(
            person_id=r.person_id,
            selected=r.person_id in selected,
            score=100 * r.prediction.probability,
            prominence=None,
            sex=answers[r.person_id].get("sex"),
            race_ethnicity=answers[r.person_id].get("race_ethnicity"),
            age_band=answers[r.person_id].get("age_band"),
            disability=answers[r.person_id].get("disability"),
        )
        for r in rows
    ]
    org = session.get(Organisation, principal.org_id)
    as_of = status.as_of or now
    meta = AuditMeta(
        title="Bias audit: radar flight-risk shortlist",
        organisation=org.name if org else str(principal.org_id),
        subject=f"Radar scoring job {status.job_id} (as of {as_of.date().isoformat()})",
        selection_label=f"top {top} of the flight-risk list",
        score_label="probability of changing company within 180 days (0-100)",
        data_source=(
            "renown: profile snapshots, org chart, talent records and prominence scores; "
            "self-reported demographics (missing answers counted as unknown)"
        ),
        period_start=as_of.date(),
        period_end=as_of.date(),
        generated_at=now,
        external_weighted=False,
        notes=(PROSPECTS_NOT_AUDITED,),
    )
    report = build_report(subjects, meta)
    audit.append_by(
        session,
        principal,
        "radar.audit.report",
        subject=f"job:{status.job_id}",
        payload={"pool": len(rows), "top": top},
        at=now,
    )
    return report
