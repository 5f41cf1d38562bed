"""Reading the organisation's radar: prospects, one subject, HR's flight-risk list, the
update activity chart, what a member is told, and what the radar holds on a person.

Who sees what, and why:

* **Recruiters** see external prospects only. Their colleagues' flight risk is not theirs to
  know: a recruiter who could read it could poach inside the organisation or leak who is
  thought to be leaving, and nothing in recruiting external talent needs it. A member
  subject is "not found" for a recruiter, exactly as if it did not exist.
* **HR and admins** see prospects too, and the flight-risk list of members, as a
  recommendation with its interval and a plain word, never a bare number.
* **Opted-out members** are never listed and have no prediction, whatever an older scoring
  job stored.

Every read of radar output (a list, a subject, the flight-risk list, the update activity, a
member's own radar) is written to the audit log in the caller's transaction: the caller
commits it, even on a GET.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import NotAllowed, NotFound
from renown.core.roles import PEOPLE_ADMIN_ROLES, Role
from renown.org.access import own_person
from renown.radar.actions import RECRUITING, opted_out_people, radar_policy
from renown.radar.changes import ProfileChange, detect_changes, recent_moves
from renown.radar.results import (
    ActivityPoint,
    BacktestSummary,
    Change,
    FlightRiskPage,
    FlightRiskRow,
    Likelihood,
    ModelStatus,
    MyRadar,
    OutreachFilter,
    OutreachStep,
    Prediction,
    ProspectPage,
    ProspectRow,
    Reason,
    SubjectDetail,
)
from renown.radar.snapshots import ProfileSnapshot, snapshot_from_dict
from renown.store.tables.accounts import Account
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.radar import (
    RadarOptOut,
    RadarOutreach,
    RadarPrediction,
    RadarSnapshot,
    RadarSubject,
)

RADAR: Final = "radar"
"""The kind of the scoring job (:mod:`renown.radar.job`)."""
HORIZON_DAYS: Final = 180
LIKELY: Final = 0.5
POSSIBLE: Final = 0.2
TIMELINE_DAYS: Final = 365
"""How far back a subject's timeline goes."""
MAX_LIMIT: Final = 500


def likelihood(probability: float) -> Likelihood:
    """The plain word for a probability: likely (>= 50 %), possible (>= 20 %), unlikely."""
    if probability >= LIKELY:
        return "likely"
    if probability >= POSSIBLE:
        return "possible"
    return "unlikely"


def wording(probability: float, low: float, high: float, horizon_days: int) -> str:
    """The recommendation in a sentence: the word first, then the number with its range."""
    word = likelihood(probability)
    months = round(horizon_days / 30)
    lead = {"likely": "Likely", "possible": "Possibly", "unlikely": "Unlikely"}[word]
    return (
        f"{lead} to change company within {months} months: about {probability:.0%}. "
        f"In the backtest on this organisation's history, {low:.0%} to {high:.0%} of "
        "people with estimates like this one moved."
    )


def _latest_job(session: Session, org_id: int) -> Job | None:
    return session.scalar(
        sa.select(Job)
        .where(Job.org_id == org_id, Job.kind == RADAR, Job.status == "done")
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(1)
    )


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def model_status(session: Session, org_id: int) -> ModelStatus:
    """The latest finished scoring job's state (or that the radar was never scored)."""
    job = _latest_job(session, org_id)
    if job is None:
        return ModelStatus(
            job_id=None,
            scored_at=None,
            as_of=None,
            enough_history=False,
            message="The radar has not been scored yet: import snapshots, then score.",
            rows=0,
            positives=0,
            horizon_days=HORIZON_DAYS,
            backtest=None,
        )
    result = job.result
    backtest = result.get("backtest")
    summary = None
    if isinstance(backtest, dict):
        summary = BacktestSummary(
            folds=int(backtest.get("folds", 0)),
            rows=int(backtest.get("rows", 0)),
            positives=int(backtest.get("positives", 0)),
            roc_auc=_float(backtest.get("roc_auc")),
            pr_auc=_float(backtest.get("pr_auc")),
            brier=_float(backtest.get("brier")),
            precision_top10=_float(backtest.get("precision_top10")),
            base_rate=_float(backtest.get("base_rate")),
        )
    as_of = result.get("as_of")
    return ModelStatus(
        job_id=job.id,
        scored_at=job.finished_at,
        as_of=datetime.fromisoformat(as_of) if isinstance(as_of, str) else None,
        enough_history=bool(result.get("enough")),
        message=str(result.get("message", "")),
        rows=int(result.get("rows", 0)),
        positives=int(result.get("positives", 0)),
        horizon_days=int(result.get("horizon_days", HORIZON_DAYS)),
        backtest=summary,
    )


def _prediction(row: RadarPrediction, horizon_days: int) -> Prediction:
    reasons = tuple(
        Reason(
            feature=str(r.get("feature", "")),
            label=str(r.get("label", r.get("feature", ""))),
            value=str(r.get("value", "")),
            contribution=float(r.get("contribution", 0.0)),
            text=str(r.get("text", "")),
        )
        for r in row.reasons
        if isinstance(r, dict)
    )
    return Prediction(
        probability=row.probability,
        low=row.low,
        high=row.high,
        likelihood=likelihood(row.probability),
        wording=wording(row.probability, row.low, row.high, horizon_days),
        as_of=row.as_of,
        reasons=reasons,
    )


def _predictions(
    session: Session, status: ModelStatus, subject_ids: Iterable[int] | None = None
) -> dict[int, Prediction]:
    """Subject id -> prediction of the latest job (none when history was too thin)."""
    if status.job_id is None or not status.enough_history:
        return {}
    query = sa.select(RadarPrediction).where(RadarPrediction.job_id == status.job_id)
    if subject_ids is not None:
        query = query.where(RadarPrediction.subject_id.in_(list(subject_ids)))
    return {row.subject_id: _prediction(row, status.horizon_days) for row in session.scalars(query)}


def _snapshots_of(session: Session, subject_ids: Sequence[int]) -> dict[int, list[ProfileSnapshot]]:
    """Subject id -> its snapshots, oldest first."""
    found: dict[int, list[ProfileSnapshot]] = defaultdict(list)
    for start in range(0, len(subject_ids), 2000):
        batch = list(subject_ids[start : start + 2000])
        for subject_id, data in session.execute(
            sa.select(RadarSnapshot.subject_id, RadarSnapshot.data)
            .where(RadarSnapshot.subject_id.in_(batch))
            .order_by(RadarSnapshot.subject_id, RadarSnapshot.captured_at, RadarSnapshot.id)
        ):
            found[subject_id].append(snapshot_from_dict(data))
    return found


def _latest(snapshots: Sequence[ProfileSnapshot], name: str) -> Any:
    """The newest known value of a field (a snapshot that did not capture it is skipped)."""
    for snapshot in reversed(snapshots):
        value = getattr(snapshot, name)
        if value is not None:
            return value
    return None


def _outreach_now(session: Session, subject_ids: Sequence[int]) -> dict[int, str]:
    """Subject id -> current outreach status (the newest step)."""
    status: dict[int, str] = {}
    if not subject_ids:
        return status
    for subject_id, value in session.execute(
        sa.select(RadarOutreach.subject_id, RadarOutreach.status)
        .where(RadarOutreach.subject_id.in_(list(subject_ids)))
        .order_by(RadarOutreach.at, RadarOutreach.id)
    ):
        status[subject_id] = value
    return status


def _reach(snapshots: dict[int, list[ProfileSnapshot]]) -> dict[int, int]:
    """Subject id -> percentile (1-100) of their latest connection count among these."""
    counts = {
        sid: c
        for sid, snaps in snapshots.items()
        if (c := _latest(snaps, "connections")) is not None
    }
    ordered = sorted(counts.values())
    if not ordered:
        return {}
    reach = {}
    for sid, count in counts.items():
        below = sum(1 for c in ordered if c <= count)
        reach[sid] = max(1, round(100 * below / len(ordered)))
    return reach


def _read(
    session: Session, principal: Principal, what: str, now: datetime, **payload: object
) -> None:
    audit.append_by(session, principal, "radar.read", subject=what, payload=dict(payload), at=now)


def _rows(
    session: Session, org_id: int, status: ModelStatus, subjects: Sequence[RadarSubject]
) -> list[ProspectRow]:
    ids = [s.id for s in subjects]
    snapshots = _snapshots_of(session, ids)
    predictions = _predictions(session, status, ids)
    outreach = _outreach_now(session, ids)
    reach = _reach(snapshots)
    rows = []
    for subject in subjects:
        snaps = snapshots.get(subject.id, [])
        if not snaps:
            continue
        skills = _latest(snaps, "skills")
        as_of = status.as_of or snaps[-1].captured_at
        move = recent_moves(
            detect_changes(snaps), as_of=as_of, within_days=status.horizon_days
        ).get(subject.key)
        rows.append(
            ProspectRow(
                subject_id=subject.id,
                handle=subject.key,
                kind="member" if subject.person_id is not None else "prospect",
                title=_latest(snaps, "title"),
                company=_latest(snaps, "company"),
                location=_latest(snaps, "location"),
                skills=tuple(skills or ()),
                prominence=reach.get(subject.id),
                last_seen=snaps[-1].captured_at,
                snapshots=len(snaps),
                prediction=predictions.get(subject.id),
                outreach=outreach.get(subject.id),  # type: ignore[arg-type]
                moved_at=move.at if move else None,
                moved_to=move.after if move else None,
            )
        )
    return rows


def _matches(
    row: ProspectRow,
    skill: str | None,
    location: str | None,
    prominence: int | None,
    outreach: OutreachFilter | None = None,
) -> bool:
    if outreach is not None and (row.outreach or "none") != outreach:
        return False
    if skill and not any(skill.casefold() in s.casefold() for s in row.skills):
        return False
    if location and location.casefold() not in (row.location or "").casefold():
        return False
    return not (prominence is not None and (row.prominence or 0) < prominence)


def _rank_key(row: ProspectRow) -> tuple[float, float, str]:
    probability = row.prediction.probability if row.prediction else -1.0
    return (-probability, -row.last_seen.timestamp(), row.handle)


def prospects(
    session: Session,
    principal: Principal,
    *,
    skill: str | None = None,
    location: str | None = None,
    prominence: int | None = None,
    outreach: OutreachFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime,
) -> ProspectPage:
    """External prospects, most likely to move first, filtered; the read is audited.

    ``prominence`` keeps prospects whose reach (percentile of connections among the radar's
    prospects) is at least that. (Prospects are outside handles, never accounts of the
    challenge community, so they carry no challenge rating.)
    """
    if principal.role not in RECRUITING:
        raise NotAllowed("recruiters, HR and admins see the radar's prospects")
    status = model_status(session, principal.org_id)
    subjects = list(
        session.scalars(
            sa.select(RadarSubject).where(
                RadarSubject.org_id == principal.org_id, RadarSubject.person_id.is_(None)
            )
        )
    )
    rows = [
        r
        for r in _rows(session, principal.org_id, status, subjects)
        if _matches(r, skill, location, prominence, outreach)
    ]
    rows.sort(key=_rank_key)
    limit = max(1, min(limit, MAX_LIMIT))
    page = tuple(rows[offset : offset + limit])
    _read(
        session,
        principal,
        "radar:prospects",
        now,
        shown=len(page),
        filters={
            "skill": skill,
            "location": location,
            "prominence": prominence,
            "outreach": outreach,
        },
    )
    return ProspectPage(model=status, items=page, total=len(rows), limit=limit, offset=offset)


def activity(
    session: Session, principal: Principal, *, members: bool = False, now: datetime
) -> list[ActivityPoint]:
    """Profile changes per month and kind, across prospects (or, for HR, members who did
    not opt out): the update activity the radar's chart draws; the read is audited."""
    if principal.role not in RECRUITING:
        raise NotAllowed("recruiters, HR and admins see the radar's activity")
    if members and principal.role not in PEOPLE_ADMIN_ROLES:
        raise NotAllowed("only HR and admins see members' activity")
    query = sa.select(RadarSubject.id).where(RadarSubject.org_id == principal.org_id)
    if members:
        opted = opted_out_people(session, principal.org_id)
        query = query.where(RadarSubject.person_id.is_not(None))
        ids = [
            sid
            for sid, pid in session.execute(query.add_columns(RadarSubject.person_id))
            if pid not in opted
        ]
    else:
        ids = list(session.scalars(query.where(RadarSubject.person_id.is_(None))))
    counts: Counter[tuple[str, str]] = Counter()
    for snaps in _snapshots_of(session, ids).values():
        for change in detect_changes(snaps):
            counts[(change.at.strftime("%Y-%m"), str(change.kind))] += 1
    _read(session, principal, "radar:activity", now, members=members, subjects=len(ids))
    return [ActivityPoint(month=m, kind=k, changes=n) for (m, k), n in sorted(counts.items())]


def _visible_subject(session: Session, principal: Principal, subject_id: int) -> RadarSubject:
    """A subject the principal may read: prospects for recruiters; members too for HR and
    admins unless they opted out. Anything else is not found."""
    if principal.role not in RECRUITING:
        raise NotAllowed("recruiters, HR and admins read the radar")
    subject = session.get(RadarSubject, subject_id)
    if subject is None or subject.org_id != principal.org_id:
        raise NotFound(f"no radar subject {subject_id}")
    if subject.person_id is not None and (
        principal.role not in PEOPLE_ADMIN_ROLES
        or subject.person_id in opted_out_people(session, principal.org_id)
    ):
        raise NotFound(f"no radar subject {subject_id}")
    return subject


def _timeline(changes: Sequence[ProfileChange], latest: datetime) -> tuple[Change, ...]:
    since = latest - timedelta(days=TIMELINE_DAYS)
    recent = [c for c in changes if c.at >= since] or list(changes[-10:])
    return tuple(
        Change(at=c.at, kind=str(c.kind), detail=c.detail)
        for c in sorted(recent, key=lambda c: c.at, reverse=True)
    )


def subject_detail(
    session: Session, principal: Principal, subject_id: int, *, now: datetime
) -> SubjectDetail:
    """One subject: latest profile, timeline of recent changes, prediction with reasons,
    outreach history (prospects); the read is audited."""
    subject = _visible_subject(session, principal, subject_id)
    status = model_status(session, principal.org_id)
    rows = _rows(session, principal.org_id, status, [subject])
    if not rows:
        raise NotFound(f"no snapshots of radar subject {subject_id}")
    snaps = _snapshots_of(session, [subject.id])[subject.id]
    person = session.get(Person, subject.person_id) if subject.person_id else None
    steps = session.execute(
        sa.select(RadarOutreach, Account.email)
        .outerjoin(Account, Account.id == RadarOutreach.account_id)
        .where(RadarOutreach.subject_id == subject.id)
        .order_by(RadarOutreach.at.desc(), RadarOutreach.id.desc())
    )
    detail = SubjectDetail(
        row=rows[0],
        name=person.name if person else None,
        department=person.department.name if person and person.department else None,
        headline=_latest(snaps, "headline"),
        timeline=_timeline(detect_changes(snaps), snaps[-1].captured_at),
        outreach=tuple(
            OutreachStep(status=s.status, note=s.note, at=s.at, by=email)  # type: ignore[arg-type]
            for s, email in steps
        ),
        model=status,
    )
    _read(session, principal, f"radar_subject:{subject.id}", now)
    return detail


def flight_risk(
    session: Session,
    principal: Principal,
    *,
    department: str | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime,
) -> FlightRiskPage:
    """HR's flight-risk list: members most likely to leave first (opted-out members never
    appear); empty when the model had too little history. Audited."""
    principal.require_people_admin("the flight-risk view is for HR and admins")
    status = model_status(session, principal.org_id)
    items = flight_risk_rows(session, principal.org_id, status)
    if department:
        items = [r for r in items if department.casefold() in (r.department or "").casefold()]
    limit = max(1, min(limit, MAX_LIMIT))
    page = tuple(items[offset : offset + limit])
    _read(session, principal, "radar:flight-risk", now, shown=len(page), department=department)
    return FlightRiskPage(model=status, items=page, total=len(items), limit=limit, offset=offset)


def flight_risk_rows(session: Session, org_id: int, status: ModelStatus) -> list[FlightRiskRow]:
    """Every scored member who did not opt out, most likely to leave first."""
    if status.job_id is None or not status.enough_history:
        return []
    opted = opted_out_people(session, org_id)
    found = session.execute(
        sa.select(RadarPrediction, Person)
        .join(RadarSubject, RadarSubject.id == RadarPrediction.subject_id)
        .join(Person, Person.id == RadarSubject.person_id)
        .where(RadarPrediction.job_id == status.job_id, Person.org_id == org_id)
    )
    rows = [
        FlightRiskRow(
            subject_id=prediction.subject_id,
            person_id=person.id,
            name=person.name,
            department=person.department.name if person.department else None,
            title=person.title,
            prediction=_prediction(prediction, status.horizon_days),
        )
        for prediction, person in found
        if person.id not in opted
    ]
    rows.sort(key=lambda r: (-r.prediction.probability, r.person_id))
    return rows


def my_radar(session: Session, principal: Principal, *, now: datetime) -> MyRadar:
    """What the signed-in member is told: their opt-out, and (if the organisation's policy
    says so) whether the radar holds snapshots of them; the read is audited."""
    person = own_person(session, principal)
    mine = _my_radar(session, principal, person)
    _read(
        session,
        principal,
        f"person:{person.id}" if person else "radar:me",
        now,
        told=mine.told,
    )
    return mine


def _my_radar(session: Session, principal: Principal, person: Person | None) -> MyRadar:
    if person is None:
        return MyRadar(opted_out=False, told=False, on_radar=None, snapshots=None)
    opted_out = session.get(RadarOptOut, person.id) is not None
    told = radar_policy(session, principal.org_id).members_see_radar
    if not told:
        return MyRadar(opted_out=opted_out, told=False, on_radar=None, snapshots=None)
    count = session.scalar(
        sa.select(sa.func.count(RadarSnapshot.id))
        .join(RadarSubject, RadarSubject.id == RadarSnapshot.subject_id)
        .where(RadarSubject.person_id == person.id, RadarSubject.org_id == principal.org_id)
    )
    return MyRadar(opted_out=opted_out, told=True, on_radar=bool(count), snapshots=int(count or 0))


def radar_data_of(session: Session, org_id: int, person_id: int) -> dict[str, Any]:
    """Everything the radar holds on a person, for their export (always, whatever the
    organisation's policy on telling them): subjects, snapshots, predictions, opt-out."""
    subjects = list(
        session.scalars(
            sa.select(RadarSubject)
            .where(RadarSubject.org_id == org_id, RadarSubject.person_id == person_id)
            .order_by(RadarSubject.id)
        )
    )
    out: list[dict[str, Any]] = []
    for subject in subjects:
        snapshots = session.scalars(
            sa.select(RadarSnapshot)
            .where(RadarSnapshot.subject_id == subject.id)
            .order_by(RadarSnapshot.captured_at, RadarSnapshot.id)
        )
        predictions = session.scalars(
            sa.select(RadarPrediction)
            .where(RadarPrediction.subject_id == subject.id)
            .order_by(RadarPrediction.job_id)
        )
        out.append(
            {
                "id": subject.id,
                "key": subject.key,
                "person_id": subject.person_id,
                "snapshots": [
                    {"captured_at": s.captured_at.isoformat(), "profile": s.data} for s in snapshots
                ],
                "predictions": [
                    {
                        "job_id": p.job_id,
                        "as_of": p.as_of.isoformat(),
                        "probability": p.probability,
                        "low": p.low,
                        "high": p.high,
                        "reasons": p.reasons,
                    }
                    for p in predictions
                ],
            }
        )
    opt_out = session.get(RadarOptOut, person_id)
    return {
        "subjects": out,
        "opt_out": None
        if opt_out is None or opt_out.org_id != org_id
        else {"person_id": person_id, "at": opt_out.at.isoformat()},
    }


def is_recruiter(principal: Principal) -> bool:
    """Recruiters see prospects only (used by pages to decide what to link)."""
    return principal.role is Role.RECRUITER
