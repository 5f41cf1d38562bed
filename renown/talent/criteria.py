"""Criterion sources: turn stored evidence into points 0..100 on fixed, explainable scales.

A promotion board weighs criteria it can explain to the people it ranks, so every source
maps its raw evidence onto a scale written down in its code (never a percentile of the
pool, which would make a person's points depend on who else is in the round), and says in
words what it saw. Missing evidence is ``points=None``, never 0: a person nobody rated is
not a person rated badly. Each source reads the whole pool in a constant number of
queries, only from the organisation asked about, and only evidence dated on or before the
round's as-of instant, so a round can be recomputed later and show the same evidence.

Sources are found through a registry keyed by criterion key or by prefix (``feedback:``
covers every competency), so new kinds of evidence plug in without changing the boards.
The built-in measures and their scales are in :mod:`renown.talent.criteria_builtin`;
:class:`Evidence` and :class:`CriterionInfo` are in :mod:`renown.talent.evidence`. Both
are re-exported here, where the rest of the code imports them from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.feedback.frameworks import DEFAULT_COMPETENCIES
from renown.store.tables.feedback import Competency, CompetencyFramework
from renown.talent.criteria_builtin import (
    BADGES_FOR_FULL_POINTS,
    CHALLENGE_RATING_FOR_FULL_POINTS,
    CHALLENGE_RATING_FOR_ZERO_POINTS,
    MIN_RATINGS,
    SHARED_VISIBILITIES,
    YEARS_FOR_FULL_POINTS,
    feedback_measure,
    measure_badges,
    measure_challenges,
    measure_performance,
    measure_prominence_external,
    measure_prominence_internal,
    measure_tenure,
)
from renown.talent.evidence import CriterionInfo, Evidence, Measure

__all__ = [
    "BADGES_FOR_FULL_POINTS",
    "CHALLENGE_RATING_FOR_FULL_POINTS",
    "CHALLENGE_RATING_FOR_ZERO_POINTS",
    "EXTERNAL_KEYS",
    "FEEDBACK_PREFIX",
    "MIN_RATINGS",
    "PROMINENCE_KEYS",
    "SHARED_VISIBILITIES",
    "YEARS_FOR_FULL_POINTS",
    "CriterionInfo",
    "CriterionSource",
    "Evidence",
    "Measure",
    "SourceFactory",
    "available",
    "measure_all",
    "register",
    "source_for",
]

FEEDBACK_PREFIX = "feedback:"


class CriterionSource(Protocol):
    """Anything that can measure a criterion for a pool of people."""

    @property
    def info(self) -> CriterionInfo:
        """The criterion this source measures."""
        ...

    def measure(
        self, session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        """One entry per person id asked for, in a constant number of queries."""
        ...


SourceFactory = Callable[[str], CriterionSource]


@dataclass(frozen=True, slots=True)
class _Source:
    info: CriterionInfo
    run: Measure

    def measure(
        self, session: Session, org_id: int, person_ids: Sequence[int], as_of: datetime
    ) -> dict[int, Evidence]:
        return self.run(session, org_id, person_ids, as_of)


EXTERNAL_KEYS = frozenset({"prominence_external"})
PROMINENCE_KEYS = frozenset({"prominence_internal", "prominence_external"})
_BUILTINS: tuple[tuple[str, str, str, Measure], ...] = (
    (
        "performance",
        "Performance rating",
        "The latest manager performance rating (1-5): 1 is 0 points, 5 is 100.",
        measure_performance,
    ),
    (
        "feedback",
        "360 feedback",
        f"Mean 360 rating over every competency (1-5 to 0-100); needs {MIN_RATINGS} ratings. "
        "Private feedback is never used.",
        feedback_measure(None),
    ),
    (
        "prominence_internal",
        "Internal prominence",
        "The prominence score (1-100) in the newest scoring run on or before the round's date.",
        measure_prominence_internal,
    ),
    (
        "prominence_external",
        "External prominence",
        "Mean of the latest score (1-100) on each public social network. Evidence from outside "
        "the organisation: a legal risk when it carries weight.",
        measure_prominence_external,
    ),
    (
        "badges",
        "Badges",
        f"Badges earned: 10 points each, full points at {BADGES_FOR_FULL_POINTS}.",
        measure_badges,
    ),
    (
        "tenure",
        "Tenure",
        f"Years since the hire date: 10 points a year, full at {YEARS_FOR_FULL_POINTS} years.",
        measure_tenure,
    ),
    (
        "challenges",
        "Challenges",
        "The conservative challenge rating (1000 + 40 (mu - 3 sigma)) after the last rated "
        f"challenge by the round's date: {CHALLENGE_RATING_FOR_ZERO_POINTS} (a newcomer) or less "
        f"is 0 points, {CHALLENGE_RATING_FOR_FULL_POINTS} or more is 100, linear between. "
        "Missing for people who never took part.",
        measure_challenges,
    ),
)

_SOURCES: dict[str, SourceFactory] = {}


def register(prefix_or_key: str, factory: SourceFactory) -> None:
    """Make a criterion (``"key"``) or a family of them (``"prefix:"``) available.

    ``factory`` receives the full key asked for. Registering a name twice is a programming
    error (two plug-ins would silently fight over the same key).
    """
    if not prefix_or_key or prefix_or_key in _SOURCES:
        raise ValueError(f"criterion {prefix_or_key!r} is already registered or empty")
    _SOURCES[prefix_or_key] = factory


def source_for(key: str) -> CriterionSource:
    """The source measuring ``key`` (exact keys first, then ``prefix:`` families).

    Raises
    ------
    Invalid
        ``unknown criterion 'x'`` when no registered key or prefix matches.
    """
    factory = _SOURCES.get(key)
    if factory is None and ":" in key:
        factory = _SOURCES.get(key.split(":", 1)[0] + ":")
    if factory is None:
        raise Invalid(f"unknown criterion {key!r}")
    return factory(key)


def _competency_label(key: str) -> str:
    names = {k: name for k, name, _ in DEFAULT_COMPETENCIES}
    return names.get(key, key.replace("_", " ").capitalize())


def _feedback_source(key: str, label: str | None = None) -> CriterionSource:
    competency = key.removeprefix(FEEDBACK_PREFIX)
    if not competency or len(competency) > 64 or competency != competency.strip():
        raise Invalid(f"unknown criterion {key!r}")
    info = CriterionInfo(
        key,
        f"360: {label or _competency_label(competency)}",
        f"Mean 360 rating of this competency (1-5 to 0-100); needs {MIN_RATINGS} ratings.",
        external=False,
        prominence=False,
    )
    return _Source(info, feedback_measure(competency))


def _fixed(source: CriterionSource) -> SourceFactory:
    return lambda _key: source


for _key, _label, _description, _run in _BUILTINS:
    _info = CriterionInfo(
        _key, _label, _description, _key in EXTERNAL_KEYS, prominence=_key in PROMINENCE_KEYS
    )
    register(_key, _fixed(_Source(_info, _run)))
register(FEEDBACK_PREFIX, _feedback_source)


def available(session: Session, org_id: int) -> list[CriterionInfo]:
    """Criteria a round of ``org_id`` may use: built-ins, exact plug-ins, one per competency.

    Competencies come from the organisation's active frameworks, labelled with their names
    (``360: Communication``).
    """
    infos = [source_for(key).info for key in _SOURCES if not key.endswith(":")]
    rows = session.execute(
        sa.select(Competency.key, Competency.name)
        .join(CompetencyFramework, CompetencyFramework.id == Competency.framework_id)
        .where(CompetencyFramework.org_id == org_id, CompetencyFramework.active.is_(True))
        .order_by(CompetencyFramework.id, Competency.id)
    )
    seen: set[str] = set()
    for competency, name in rows:
        if competency not in seen:
            seen.add(competency)
            infos.append(_feedback_source(FEEDBACK_PREFIX + competency, name).info)
    return infos


def measure_all(
    session: Session,
    org_id: int,
    keys: Iterable[str],
    person_ids: Sequence[int],
    as_of: datetime,
) -> dict[str, dict[int, Evidence]]:
    """Evidence of every person on every criterion in ``keys`` (duplicates measured once).

    Every key is resolved before anything is read, so an unknown key fails fast with
    :class:`Invalid` rather than after half the queries.
    """
    sources = {key: source_for(key) for key in dict.fromkeys(keys)}
    pool = list(dict.fromkeys(person_ids))
    return {key: source.measure(session, org_id, pool, as_of) for key, source in sources.items()}
