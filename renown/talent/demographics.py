"""Self-reported demographics: each person's own answers, read back only by fairness audits.

Protected attributes are collected so that promotion outcomes can be checked for adverse
impact, and for nothing else. Every answer is optional and "prefer not to say" is stored as
unknown (``None``). A person reads and changes only their own answers (no function here takes
someone else's person id), and :func:`demographics_for_audit` is the single reader for audits,
which report aggregates. Audit-log entries record that an answer changed, never the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotAllowed
from renown.store.tables.org import Person
from renown.store.tables.talent import Demographics

SEX_VALUES = ("female", "male", "non-binary")
RACE_ETHNICITY_VALUES = (
    "Hispanic or Latino",
    "White",
    "Black or African American",
    "Native Hawaiian or Pacific Islander",
    "Asian",
    "American Indian or Alaska Native",
    "Two or more races",
)
"""The EEO-1 race/ethnicity categories."""
AGE_BANDS = ("under 30", "30-39", "40-49", "50 and over")
DISABILITY_VALUES = ("yes", "no")
PREFER_NOT_TO_SAY = "prefer not to say"
VOCABULARIES: Mapping[str, tuple[str, ...]] = {
    "sex": SEX_VALUES,
    "race_ethnicity": RACE_ETHNICITY_VALUES,
    "age_band": AGE_BANDS,
    "disability": DISABILITY_VALUES,
}
"""Answer field -> allowed values (in the order forms list them)."""
FIELDS = tuple(VOCABULARIES)
SELF = "self"
IMPORTED = "import"


def normalise_answer(field: str, value: str | None) -> str | None:
    """The canonical spelling of ``value`` for ``field``, or ``None`` for no answer.

    Matching ignores case and surrounding spaces, because HR files and forms spell the
    same answer many ways; an empty value and "prefer not to say" both mean unknown.

    Raises
    ------
    Invalid
        The value is not in the field's vocabulary (the message lists the allowed values).
    """
    allowed = VOCABULARIES.get(field)
    if allowed is None:
        raise Invalid(f"unknown demographic field {field!r}")
    text = (value or "").strip()
    if not text or text.casefold() == PREFER_NOT_TO_SAY:
        return None
    for candidate in allowed:
        if candidate.casefold() == text.casefold():
            return candidate
    raise Invalid(
        f"{text!r} is not an allowed {field}: one of {', '.join(allowed)}, "
        f"or {PREFER_NOT_TO_SAY!r} (or empty)"
    )


@dataclass(frozen=True)
class MyDemographics:
    """A person's own answers (``None``: not answered or prefer not to say)."""

    sex: str | None = None
    race_ethnicity: str | None = None
    age_band: str | None = None
    disability: str | None = None
    updated_at: datetime | None = None


def _own_person_id(session: Session, principal: Principal) -> int:
    """The principal's own person, which must belong to their organisation."""
    person_id = principal.person_id
    if person_id is None or (
        session.scalar(
            sa.select(Person.id).where(Person.id == person_id, Person.org_id == principal.org_id)
        )
        is None
    ):
        raise NotAllowed("only a person linked to this account has demographic answers")
    return person_id


def _own_row(session: Session, principal: Principal) -> Demographics | None:
    return session.scalar(
        sa.select(Demographics).where(
            Demographics.person_id == _own_person_id(session, principal),
            Demographics.org_id == principal.org_id,
        )
    )


def my_demographics(session: Session, principal: Principal) -> MyDemographics:
    """The signed-in person's own answers (empty when they have given none)."""
    row = _own_row(session, principal)
    if row is None:
        return MyDemographics()
    return MyDemographics(row.sex, row.race_ethnicity, row.age_band, row.disability, row.updated_at)


def check_report_my_demographics(
    session: Session,
    principal: Principal,
    *,
    sex: str | None,
    race_ethnicity: str | None,
    age_band: str | None,
    disability: str | None,
    clock: Clock,
) -> MyDemographics:
    """The signed-in person answers (or changes) all four questions for themselves.

    Raises
    ------
    NotAllowed
        The account is not linked to a person of its organisation.
    Invalid
        An answer is outside its vocabulary.
    """
    person_id = _own_person_id(session, principal)
    answers = {
        "sex": normalise_answer("sex", sex),
        "race_ethnicity": normalise_answer("race_ethnicity", race_ethnicity),
        "age_band": normalise_answer("age_band", age_band),
        "disability": normalise_answer("disability", disability),
    }
    do_report_demographics(
        session, principal.org_id, person_id, answers, actor=principal.actor, now=clock.now()
    )
    return my_demographics(session, principal)


def do_report_demographics(
    session: Session,
    org_id: int,
    person_id: int,
    answers: Mapping[str, str | None],
    *,
    actor: str,
    now: datetime,
) -> Demographics:
    """Store a person's own (already validated) answers; the audit entry holds no values."""
    row = session.get(Demographics, person_id)
    if row is None:
        row = Demographics(person_id=person_id, org_id=org_id)
        session.add(row)
    for field in FIELDS:
        setattr(row, field, answers.get(field))
    row.source = SELF
    row.updated_at = now
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="talent.demographics.self_report",
        subject=f"person:{person_id}",
        payload={},
        org_id=org_id,
        at=now,
    )
    return row


def check_forget_my_demographics(session: Session, principal: Principal, *, clock: Clock) -> None:
    """The signed-in person withdraws every answer they (or an HR import) gave."""
    row = _own_row(session, principal)
    person_id = _own_person_id(session, principal)
    if row is not None:
        session.delete(row)
        session.flush()
    audit.append_by(
        session,
        principal,
        "talent.demographics.forget",
        subject=f"person:{person_id}",
        payload={"deleted": row is not None},
        at=clock.now(),
    )


def demographics_for_audit(
    session: Session, org_id: int, person_ids: Sequence[int]
) -> dict[int, dict[str, str | None]]:
    """Answers of ``person_ids`` for a fairness audit: the ONLY reader of this table.

    Only the bias-audit functions may call this, and only to compute group aggregates; no
    page or export shows what it returns per person. Every person asked for gets an entry;
    people without answers (or of another organisation) get ``None`` for every field.
    """
    wanted = list(dict.fromkeys(person_ids))
    found: dict[int, dict[str, str | None]] = {}
    if wanted:
        # A very large pool reads the organisation's rows instead of one huge IN list.
        among = Demographics.person_id.in_(wanted) if len(wanted) <= 5000 else sa.true()
        chosen = set(wanted)
        for row in session.scalars(
            sa.select(Demographics).where(Demographics.org_id == org_id, among)
        ):
            if row.person_id in chosen:
                found[row.person_id] = {field: getattr(row, field) for field in FIELDS}
    return {pid: found.get(pid, dict.fromkeys(FIELDS)) for pid in wanted}
