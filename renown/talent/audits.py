"""Bias audits of promotion rounds and of the prominence score, from the database.

This module is the only place that joins demographics to outcomes, and it only ever
returns aggregates (:class:`~renown.talent.report.BiasAuditReport`): per-category counts,
rates and ratios. Generating a report is itself logged, because it reads protected
attributes.

For a round, the selection is the signed-off promotions once decided, and the recommended
top N before; the score is the board's composite; the prominence section audits the
internal prominence score of the same pool. The organisation-wide audit takes everyone in
the latest scoring run: the selection is the top decile of prominence, the score the
prominence score itself ("does counting prominence disadvantage a group?").
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.dates import format_date
from renown.core.errors import Invalid
from renown.org.queries import latest_run
from renown.store.tables.org import Organisation, Person
from renown.store.tables.scores import ScoreSnapshot
from renown.store.tables.talent import RoundDecision
from renown.talent.board import board_rows, computed_boxes, evidence_of
from renown.talent.calibration import current_boxes, moves_of
from renown.talent.demographics import demographics_for_audit
from renown.talent.frozen import round_keys
from renown.talent.report import AuditMeta, AuditSubject, BiasAuditReport, build_report
from renown.talent.rounds import visible_round

MIN_AUDIT_POOL = 10
"""Smallest pool a bias audit reports on. HR chooses both the pool and the selection, so an
audit of a handful of people would tell HR their individual answers; below this size the
audit is refused with the reason."""

DATA_SOURCE = (
    "renown: org chart (HRIS import), self-reported demographics (optional; missing answers "
    "are counted as unknown), the board's evidence as of the round's date"
)


_HR_ONLY = "bias audits are for HR and admins"


def _organisation(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.name if org else str(org_id)


def _subjects(
    session: Session,
    org_id: int,
    person_ids: list[int],
    selected: set[int],
    scores: dict[int, float | None],
    prominence: dict[int, float | None],
) -> list[AuditSubject]:
    demographics = demographics_for_audit(session, org_id, person_ids)
    subjects = []
    for pid in person_ids:
        d = demographics.get(pid, {})
        subjects.append(
            AuditSubject(
                person_id=pid,
                selected=pid in selected,
                score=scores.get(pid),
                prominence=prominence.get(pid),
                sex=d.get("sex"),
                race_ethnicity=d.get("race_ethnicity"),
                age_band=d.get("age_band"),
                disability=d.get("disability"),
            )
        )
    return subjects


def _log(
    session: Session, principal: Principal, subject: str, now: datetime, **extra: object
) -> None:
    audit.append_by(
        session, principal, "talent.audit.report", subject=subject, payload=dict(extra), at=now
    )


def round_audit(
    session: Session, principal: Principal, round_id: int, *, now: datetime
) -> BiasAuditReport:
    """The LL144-style bias audit of a round (HR and admins; logged)."""
    principal.require_people_admin(_HR_ONLY)
    round_ = visible_round(session, principal, round_id)
    decision = session.scalar(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id))
    if decision is not None:
        rows = decision.ranking
        person_ids = [int(r["person_id"]) for r in rows]
        scores = {int(r["person_id"]): r["composite"] for r in rows}
        selected = {int(pid) for pid in decision.promoted}
        selection_label = "promoted (signed-off decision)"
        prominence = {
            int(r["person_id"]): next(
                (c["points"] for c in r["contributions"] if c["key"] == "prominence_internal"),
                None,
            )
            for r in rows
        }
        if all(v is None for v in prominence.values()):
            evidenced = evidence_of(session, round_, ["prominence_internal"])
            prominence = dict(evidenced.points()["prominence_internal"])
    else:
        evidenced = evidence_of(session, round_, round_keys(round_))
        boxes = current_boxes(computed_boxes(round_, evidenced), moves_of(session, round_.id))
        live, top, _ = board_rows(session, round_, full=True, boxes=boxes, evidenced=evidenced)
        person_ids = [r.person_id for r in live]
        scores = {r.person_id: r.composite for r in live}
        selected = set(top)
        selection_label = f"top {round_.top_n} of the recommended ranking (not yet decided)"
        prominence = dict(evidenced.points()["prominence_internal"])
    if len(person_ids) < MIN_AUDIT_POOL:
        raise Invalid(
            f"a bias audit needs at least {MIN_AUDIT_POOL} people in the pool (this round has "
            f"{len(person_ids)}): a smaller one would show individuals' self-reported answers"
        )
    meta = AuditMeta(
        title=f"Bias audit: {round_.name}",
        organisation=_organisation(session, round_.org_id),
        subject=f"Promotion round '{round_.name}' for {round_.target} (round {round_.id})",
        selection_label=selection_label,
        score_label="composite score of the board (0-100)",
        data_source=DATA_SOURCE,
        period_start=round_.created_at.date(),
        period_end=(decision.signed_at if decision else now).date(),
        generated_at=now,
        external_weighted=round_.external_weighted,
    )
    report = build_report(
        _subjects(session, round_.org_id, person_ids, selected, scores, prominence), meta
    )
    _log(session, principal, f"round:{round_.id}", now, pool=len(person_ids))
    return report


def prominence_audit(session: Session, principal: Principal, *, now: datetime) -> BiasAuditReport:
    """Audit of the prominence score itself across the whole organisation (latest run)."""
    principal.require_people_admin(_HR_ONLY)
    run = latest_run(session, principal.org_id)
    if run is None:
        raise Invalid("no scoring run yet: score the organisation first")
    rows = session.execute(
        sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score, ScoreSnapshot.rank)
        .join(Person, Person.id == ScoreSnapshot.person_id)
        .where(ScoreSnapshot.run_id == run.id, Person.org_id == principal.org_id)
        .order_by(ScoreSnapshot.person_id)
    ).all()
    person_ids = [int(r[0]) for r in rows]
    if len(person_ids) < MIN_AUDIT_POOL:
        raise Invalid(
            f"a bias audit needs at least {MIN_AUDIT_POOL} scored people "
            f"(the latest run has {len(person_ids)})"
        )
    scores: dict[int, float | None] = {int(r[0]): float(r[1]) for r in rows}
    cut = max(1, len(rows) // 10)
    selected = {int(r[0]) for r in rows if int(r[2]) <= cut}
    meta = AuditMeta(
        title="Bias audit: network prominence score",
        organisation=_organisation(session, principal.org_id),
        subject=f"Prominence scoring run {run.id} (as of {format_date(run.as_of)})",
        selection_label=f"top decile of prominence (rank {cut} or better)",
        score_label="prominence score (1-100)",
        data_source=(
            "renown: interaction events scored by the prominence engine, org chart, "
            "self-reported demographics (missing answers counted as unknown)"
        ),
        period_start=run.as_of.date(),
        period_end=run.as_of.date(),
        generated_at=now,
        external_weighted=False,
    )
    report = build_report(
        _subjects(session, principal.org_id, person_ids, selected, scores, scores), meta
    )
    _log(session, principal, f"run:{run.id}", now, people=len(person_ids))
    return report
