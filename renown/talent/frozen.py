"""An open round's evidence, measured once as of the round's date and kept with each candidate.

Every criterion already reads only evidence dated on or before the round's as-of instant,
but that is not enough to hold a round still: a later rescore may store a run dated on or
before it (an administrator re-scoring that month), a badge evaluation may award a badge
whose facts are dated before it, a rating may be imported for an earlier period. Any of
them would move the composites of a round HR is already discussing, under a header that
still names the old date. So the first time a (candidate, criterion) pair is needed it is
measured and stored on the candidate's row (``round_candidates.evidence``), and the board,
the 9-box, calibration, audits and the sign-off read it from there: performance, 360,
prominence, badges, tenure and external prominence all stay as they were measured.

Pairs are measured when the round opens, when HR adds a criterion (configuring the round)
and when HR adds a candidate; all of them as of the round's date. Reading never writes: a
pair that is not stored (a round opened before evidence was frozen, or the what-if of a
criterion the round does not use) is measured on the fly, as of the round's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.talent import PromotionRound, RoundCandidate
from renown.talent.criteria import measure_all
from renown.talent.evidence import Evidence


def round_keys(round_: PromotionRound) -> list[str]:
    """Every criterion the board, the 9-box and the what-if read."""
    return list(
        dict.fromkeys(
            [
                *(c["key"] for c in round_.criteria),
                *round_.performance_criteria,
                *round_.potential_criteria,
                "prominence_internal",
            ]
        )
    )


def _pool(
    session: Session, round_id: int, person_ids: Iterable[int] | None = None
) -> list[RoundCandidate]:
    query = sa.select(RoundCandidate).where(
        RoundCandidate.round_id == round_id, RoundCandidate.included.is_(True)
    )
    if person_ids is not None:
        query = query.where(RoundCandidate.person_id.in_(list(person_ids)))
    return list(session.scalars(query.order_by(RoundCandidate.person_id)))


def _stored(candidate: RoundCandidate, key: str) -> Evidence | None:
    value = (candidate.evidence or {}).get(key)
    if value is None:
        return None
    points, shown, source = value
    return Evidence(None if points is None else float(points), str(shown), str(source))


def freeze_evidence(
    session: Session,
    round_: PromotionRound,
    *,
    now: datetime,
    person_ids: Iterable[int] | None = None,
) -> None:
    """Measure and keep, as of the round's date, every pair of the pool not kept yet.

    ``person_ids``: only these candidates (HR added them); default the whole pool.
    """
    keys = round_keys(round_)
    pool = _pool(session, round_.id, person_ids)
    wanting = [c for c in pool if any(k not in (c.evidence or {}) for k in keys)]
    if not wanting:
        return
    needed = [k for k in keys if any(k not in (c.evidence or {}) for c in wanting)]
    measured = measure_all(
        session, round_.org_id, needed, [c.person_id for c in wanting], round_.as_of
    )
    for candidate in wanting:
        kept: dict[str, Any] = dict(candidate.evidence or {})
        for key in needed:
            if key not in kept:
                found = measured[key][candidate.person_id]
                kept[key] = [found.points, found.shown, found.source]
        candidate.evidence = kept  # a new dict, so the JSON column is written
        if candidate.evidence_measured_at is None:
            candidate.evidence_measured_at = now
    session.flush()


def frozen_evidence(
    session: Session, round_: PromotionRound, keys: Sequence[str]
) -> tuple[list[int], dict[str, dict[int, Evidence]]]:
    """The pool's person ids and their evidence on ``keys``: kept pairs as kept, the rest
    measured now as of the round's date (nothing is written)."""
    pool = _pool(session, round_.id)
    people = [c.person_id for c in pool]
    unique = list(dict.fromkeys(keys))
    evidence: dict[str, dict[int, Evidence]] = {key: {} for key in unique}
    missing: dict[str, list[int]] = {}
    for candidate in pool:
        for key in unique:
            kept = _stored(candidate, key)
            if kept is None:
                missing.setdefault(key, []).append(candidate.person_id)
            else:
                evidence[key][candidate.person_id] = kept
    if missing:
        lacking = sorted({pid for pids in missing.values() for pid in pids})
        live = measure_all(session, round_.org_id, list(missing), lacking, round_.as_of)
        for key, pids in missing.items():
            for pid in pids:
                evidence[key][pid] = live[key][pid]
    return people, evidence


def frozen_on(session: Session, round_id: int) -> datetime | None:
    """When the round's evidence was first measured (None: measured live, not frozen)."""
    measured: datetime | None = session.scalar(
        sa.select(sa.func.min(RoundCandidate.evidence_measured_at)).where(
            RoundCandidate.round_id == round_id, RoundCandidate.included.is_(True)
        )
    )
    return measured
