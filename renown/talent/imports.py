"""Importing HR's talent records and demographics files into the database.

Semantics, chosen like the org-chart import's and for the same reasons:

- The whole file is validated, including every employee id against the organisation's
  people, before the first write, so a rejected file leaves the database as it was.
- Records are matched by their natural keys (person and period; person, network and
  date; the person for career facts and answers): importing the same file twice changes
  nothing, and the second summary says everything was unchanged.
- Nothing absent from a file is deleted: exports are often partial.
- A person's own demographic answers (given in the app) win over HR's file: the import
  leaves them as they are and counts them as unchanged.
- One audit entry per import, with counts only (never a demographic value).

The summary counts stored records: a rating, a profile (level and role date) and an
external observation each count once, so one line can add up to three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.store.tables.org import Person
from renown.store.tables.talent import (
    Demographics,
    ExternalProminence,
    PerformanceRating,
    TalentProfile,
)
from renown.talent.demographics import FIELDS, IMPORTED, SELF
from renown.talent.records import (
    DemographicsRecord,
    Problems,
    TalentRecord,
    parse_demographics,
    parse_talent_records,
)

_IN_LIST_LIMIT = 5000


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, in stored records."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    added: int
    updated: int
    unchanged: int
    source: str


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, *, new: bool, changed: bool) -> None:
        if new:
            self.added += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def _among(column: Any, values: Sequence[object]) -> Any:
    """``column IN values``, or no filter for very large files (rows not in the file are
    then read and ignored, rather than one query exceeding the bound-parameter limit)."""
    return column.in_(list(values)) if len(values) <= _IN_LIST_LIMIT else sa.true()


RowT = TypeVar("RowT", PerformanceRating, TalentProfile, ExternalProminence, Demographics)


def _stored_rows(
    session: Session, table: type[RowT], org_id: int, person_ids: Sequence[int]
) -> Sequence[RowT]:
    """The organisation's stored rows of ``table`` for the people a file names: every
    table an import writes is keyed by organisation and person, and read once up front."""
    return session.scalars(
        sa.select(table).where(table.org_id == org_id, _among(table.person_id, person_ids))
    ).all()


_HR_ONLY = "only HR and administrators import talent records and demographics"


def _resolve(
    session: Session,
    org_id: int,
    references: Iterable[tuple[int, str, str]],
    problems: Problems,
) -> dict[str, int]:
    """Person id of every ``(line, column, employee_id)`` reference, recording unknown ones.

    Only the organisation's own people are looked up: another organisation's employee ids
    are unknown here, exactly like ids that exist nowhere.
    """
    wanted = list(references)
    ids = sorted({employee_id for _, _, employee_id in wanted})
    known = dict(
        session.execute(
            sa.select(Person.employee_id, Person.id).where(
                Person.org_id == org_id,
                _among(Person.employee_id, ids),
            )
        ).all()
    )
    for line, field, employee_id in wanted:
        if employee_id not in known:
            problems.add(
                f"employee_id {employee_id!r} is not a person of this organisation",
                line=line,
                field=field,
            )
    problems.raise_if_any()
    return known


RecordT = TypeVar("RecordT", TalentRecord, DemographicsRecord)


def _import_as_hr(
    session: Session,
    principal: Principal,
    data: bytes | str,
    parse: Callable[..., Sequence[RecordT]],
    do_import: Callable[..., ImportSummary],
    source: str,
    clock: Clock,
) -> ImportSummary:
    """Both files are HR's alone: refuse anyone else before reading a byte, then parse and
    import in the caller's transaction, acting as the principal."""
    principal.require_people_admin(_HR_ONLY)
    records = parse(data, source=source)
    return do_import(
        session, principal.org_id, records, source=source, actor=principal.actor, now=clock.now()
    )


def check_import_talent_records(
    session: Session, principal: Principal, data: bytes | str, source: str, *, clock: Clock
) -> ImportSummary:
    """HR and admins import performance ratings, career facts and external observations.

    Raises
    ------
    NotAllowed
        The principal is not HR or an administrator.
    InputError
        The file is wrong or names unknown people (every problem located by line and column).
    """
    return _import_as_hr(
        session, principal, data, parse_talent_records, do_import_talent_records, source, clock
    )


def do_import_talent_records(
    session: Session,
    org_id: int,
    records: Sequence[TalentRecord],
    *,
    source: str,
    actor: str,
    now: datetime,
) -> ImportSummary:
    """Upsert ``records`` for ``org_id`` in the caller's transaction (no authorisation)."""
    problems = Problems(source, "talent records")
    references = [(r.line, "employee_id", r.employee_id) for r in records]
    references += [(r.line, "rated_by", r.rated_by) for r in records if r.rated_by]
    people = _resolve(session, org_id, references, problems)
    person_ids = sorted({people[r.employee_id] for r in records})
    tally = _Tally()
    batch = _Batch(session, org_id, records, people, person_ids, tally, now)
    for upsert in (_upsert_ratings, _upsert_profiles, _upsert_observations):
        upsert(batch)
    session.flush()
    return _summarise(
        session, org_id, "talent.records.import", source, len(records), tally, actor, now
    )


@dataclass(frozen=True)
class _Batch:
    """A talent-records file under way: what each per-table upsert reads and counts into."""

    session: Session
    org_id: int
    records: Sequence[TalentRecord]
    people: dict[str, int]
    person_ids: list[int]
    tally: _Tally
    now: datetime

    def stored(self, table: type[RowT]) -> Sequence[RowT]:
        """The rows of ``table`` already stored for the file's people."""
        return _stored_rows(self.session, table, self.org_id, self.person_ids)


def _upsert_ratings(batch: _Batch) -> None:
    stored = {(r.person_id, r.period): r for r in batch.stored(PerformanceRating)}
    for record in batch.records:
        if record.period is None or record.performance_rating is None:
            continue
        person_id = batch.people[record.employee_id]
        rater = batch.people[record.rated_by] if record.rated_by else None
        rating = stored.get((person_id, record.period))
        if rating is None:
            batch.session.add(
                PerformanceRating(
                    org_id=batch.org_id,
                    person_id=person_id,
                    period=record.period,
                    rating=record.performance_rating,
                    rated_by_id=rater,
                    created_at=batch.now,
                )
            )
            batch.tally.count(new=True, changed=True)
            continue
        changed = (rating.rating, rating.rated_by_id) != (record.performance_rating, rater)
        rating.rating, rating.rated_by_id = record.performance_rating, rater
        batch.tally.count(new=False, changed=changed)


def _upsert_profiles(batch: _Batch) -> None:
    """Level and role date per person; a value the file leaves empty is kept as stored."""
    facts: dict[int, dict[str, str | date]] = {}
    for record in batch.records:
        given = facts.setdefault(batch.people[record.employee_id], {})
        if record.level is not None:
            given["level"] = record.level
        if record.in_role_since is not None:
            given["in_role_since"] = record.in_role_since
    stored = {p.person_id: p for p in batch.stored(TalentProfile)}
    for person_id, given in facts.items():
        if not given:
            continue
        profile = stored.get(person_id)
        new = profile is None
        if profile is None:
            profile = TalentProfile(person_id=person_id, org_id=batch.org_id, updated_at=batch.now)
            batch.session.add(profile)
        changed = any(getattr(profile, name) != value for name, value in given.items())
        for name, value in given.items():
            setattr(profile, name, value)
        if changed and not new:
            profile.updated_at = batch.now
        batch.tally.count(new=new, changed=changed)


def _upsert_observations(batch: _Batch) -> None:
    stored = {(o.person_id, o.network, o.observed_on): o for o in batch.stored(ExternalProminence)}
    for record in batch.records:
        if record.external_network is None or record.external_score is None:
            continue
        if record.external_observed_on is None:
            continue
        person_id = batch.people[record.employee_id]
        key = (person_id, record.external_network, record.external_observed_on)
        observation = stored.get(key)
        if observation is None:
            batch.session.add(
                ExternalProminence(
                    org_id=batch.org_id,
                    person_id=person_id,
                    network=record.external_network,
                    score=record.external_score,
                    observed_on=record.external_observed_on,
                )
            )
            batch.tally.count(new=True, changed=True)
            continue
        changed = observation.score != record.external_score
        observation.score = record.external_score
        batch.tally.count(new=False, changed=changed)


def check_import_demographics(
    session: Session, principal: Principal, data: bytes | str, source: str, *, clock: Clock
) -> ImportSummary:
    """HR and admins import a file of people's self-reported demographic answers.

    Refused and rejected as :func:`check_import_talent_records` is.
    """
    return _import_as_hr(
        session, principal, data, parse_demographics, do_import_demographics, source, clock
    )


def do_import_demographics(
    session: Session,
    org_id: int,
    records: Sequence[DemographicsRecord],
    *,
    source: str,
    actor: str,
    now: datetime,
) -> ImportSummary:
    """Upsert answers for ``org_id`` in the caller's transaction (no authorisation).

    Only the columns present in the file are written; a person's own answers are kept.
    """
    problems = Problems(source, "demographics file")
    people = _resolve(
        session, org_id, [(r.line, "employee_id", r.employee_id) for r in records], problems
    )
    person_ids = sorted({people[r.employee_id] for r in records})
    stored = {d.person_id: d for d in _stored_rows(session, Demographics, org_id, person_ids)}
    tally = _Tally()
    for record in records:
        person_id = people[record.employee_id]
        row = stored.get(person_id)
        if row is not None and row.source == SELF:
            tally.count(new=False, changed=False)
            continue
        new = row is None
        if row is None:
            row = Demographics(person_id=person_id, org_id=org_id, source=IMPORTED, updated_at=now)
            session.add(row)
        changed = any(getattr(row, f) != record.answers[f] for f in FIELDS if f in record.answers)
        for field, value in record.answers.items():
            setattr(row, field, value)
        if changed and not new:
            row.updated_at = now
        tally.count(new=new, changed=changed)
    session.flush()
    return _summarise(
        session, org_id, "talent.demographics.import", source, len(records), tally, actor, now
    )


def _summarise(
    session: Session,
    org_id: int,
    action: str,
    source: str,
    rows: int,
    tally: _Tally,
    actor: str,
    now: datetime,
) -> ImportSummary:
    """Audit the import (counts only) and return its summary."""
    audit.append(
        session,
        actor=actor,
        action=action,
        subject=f"org:{org_id}",
        payload={
            "source": source,
            "rows": rows,
            "added": tally.added,
            "updated": tally.updated,
            "unchanged": tally.unchanged,
        },
        org_id=org_id,
        at=now,
    )
    return ImportSummary(tally.added, tally.updated, tally.unchanged, source)
