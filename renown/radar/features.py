"""Radar features: what a profile's history says about a person at one instant.

Recruiters read *how often* someone updates their profile, against how often that person
usually does, and how long they have been in their role. Each feature here is computed from
snapshots and changes dated **at or before** ``as_of`` only, so a backtest at an old cutoff
sees exactly what a recruiter could have seen then. Missing values stay null: a feature
that cannot be known (no earlier history, no connection count) is not zero, and the model
treats missing as its own bin.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import polars as pl

from renown.radar.changes import EDIT_KINDS, ChangeKind, ProfileChange, same_text
from renown.radar.snapshots import ProfileSnapshot


@dataclass(frozen=True)
class OrgFacts:
    """What the organisation knows about one person (HR records, renown's own scores).

    Durations are as of ``measured_at`` when it is given: features at an earlier ``as_of``
    shorten them by the difference (and leave them null before the person joined), so a
    backtest does not read today's tenure into an old cutoff. Without ``measured_at`` they
    are taken as they are.
    """

    tenure_days: float | None = None
    in_role_days: float | None = None
    rating: float | None = None
    prominence: float | None = None
    """renown's prominence score, 1–100."""
    prominence_trend: float | None = None
    """Change of the prominence score over the last 90 days."""
    level: str | None = None
    department: str | None = None
    measured_at: datetime | None = None


RECENT_DAYS: Final = (30, 90, 180)
BASELINE_AFTER_DAYS: Final = 180
"""The own baseline is everything older than this: the recent past is what it is compared to."""
BURST_WINDOW_DAYS: Final = 14
BURST_LOOKBACK_DAYS: Final = 90
PRIOR_RATE_PER_30D: Final = 0.5
"""Updates per 30 days assumed before anything is seen: most profiles change every few
months. It is the gamma prior's mean for the own baseline."""
PRIOR_PERIODS: Final = 3.0
"""The prior weighs as much as 90 days of observed history, so a short history moves the
baseline only a little and a long one decides it."""

_FEATURES: Final[dict[str, tuple[pl.DataType, str]]] = {
    "updates_30d": (pl.Int64(), "profile updates in the last 30 days"),
    "updates_90d": (pl.Int64(), "profile updates in the last 90 days"),
    "updates_180d": (pl.Int64(), "profile updates in the last 180 days"),
    "baseline_rate_per_30d": (
        pl.Float64(),
        "usual profile updates per 30 days (history older than 180 days)",
    ),
    "update_rate_ratio_90d": (
        pl.Float64(),
        "profile update rate in the last 90 days against the person's usual rate",
    ),
    "burst": (pl.Int64(), "most profile updates within any 14 days of the last 90"),
    "days_since_last_update": (pl.Float64(), "days since the last profile update"),
    "days_since_title_change": (pl.Float64(), "days since the job title last changed"),
    "days_in_role": (pl.Float64(), "days in the current role"),
    "days_at_company": (pl.Float64(), "days at the current company"),
    "skills_added_90d": (pl.Int64(), "skills added in the last 90 days"),
    "headline_edits_90d": (pl.Int64(), "headline edits in the last 90 days"),
    "connections": (pl.Int64(), "connections or followers"),
    "connections_growth_90d": (
        pl.Float64(),
        "growth of connections over the last 90 days (0.1 = 10%)",
    ),
    "open_to_work": (pl.Int64(), "open to work (1 yes, 0 no)"),
    "open_to_work_since_days": (pl.Float64(), "days since open to work was switched on"),
    "snapshots_seen": (pl.Int64(), "profile snapshots seen"),
    "history_days": (pl.Float64(), "days of profile history seen"),
    "tenure_days": (pl.Float64(), "days at the organisation (HR records)"),
    "rating": (pl.Float64(), "latest performance rating"),
    "prominence": (pl.Float64(), "prominence score (1–100)"),
    "prominence_trend": (pl.Float64(), "change of the prominence score over 90 days"),
    "level": (pl.String(), "job level (HR records)"),
    "department": (pl.String(), "department (HR records)"),
}

FEATURE_COLUMNS: Final[tuple[str, ...]] = tuple(_FEATURES)
"""The feature columns, in order (the frame has ``subject`` first, then these)."""

CATEGORICAL_FEATURES: Final[tuple[str, ...]] = ("level", "department")
"""Feature columns that hold text, not numbers."""

FEATURE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "subject": pl.String(),
    **{name: dtype for name, (dtype, _words) in _FEATURES.items()},
}


def describe_feature(name: str) -> str:
    """The feature ``name`` in plain words (pages and reasons); the name itself if unknown."""
    entry = _FEATURES.get(name)
    return entry[1] if entry is not None else name.replace("_", " ")


def profile_features(
    snapshots: Iterable[ProfileSnapshot],
    changes: Iterable[ProfileChange],
    *,
    as_of: datetime,
    org: Mapping[str, OrgFacts] | None = None,
) -> pl.DataFrame:
    """One row per subject with a snapshot at or before ``as_of`` (sorted by subject).

    Nothing dated after ``as_of`` is read. An *update* is any change but a connections
    jump (growth in connections is partly others' doing); each change counts once, so a
    snapshot that edits the headline and adds skills is two updates.
    """
    index = FeatureIndex(snapshots, changes)
    return index.features(as_of, org)


class FeatureIndex:
    """Snapshots and changes grouped by subject and sorted by time, for many ``as_of``.

    A backtest asks for features at dozens of cutoffs; grouping once and cutting each
    subject's history by bisection keeps that linear in the data.
    """

    def __init__(
        self, snapshots: Iterable[ProfileSnapshot], changes: Iterable[ProfileChange]
    ) -> None:
        self.snapshots: dict[str, list[ProfileSnapshot]] = defaultdict(list)
        self.changes: dict[str, list[ProfileChange]] = defaultdict(list)
        for snapshot in snapshots:
            self.snapshots[snapshot.subject].append(snapshot)
        for change in changes:
            self.changes[change.subject].append(change)
        for group in self.snapshots.values():
            group.sort(key=lambda s: s.captured_at)
        for events in self.changes.values():
            events.sort(key=lambda c: (c.at, str(c.kind)))
        self.snapshot_times = {k: [s.captured_at for s in v] for k, v in self.snapshots.items()}
        self.change_times = {k: [c.at for c in v] for k, v in self.changes.items()}

    def subjects_at(self, as_of: datetime) -> list[str]:
        """Subjects with a snapshot at or before ``as_of``, sorted."""
        return sorted(k for k, times in self.snapshot_times.items() if times[0] <= as_of)

    def features(
        self,
        as_of: datetime,
        org: Mapping[str, OrgFacts] | None = None,
        subjects: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """The feature frame at ``as_of`` (for ``subjects``, default every one seen by then)."""
        chosen = self.subjects_at(as_of) if subjects is None else subjects
        rows = []
        for subject in chosen:
            times = self.snapshot_times.get(subject, [])
            seen = self.snapshots[subject][: bisect.bisect_right(times, as_of)]
            if not seen:
                continue
            change_times = self.change_times.get(subject, [])
            events = self.changes[subject][: bisect.bisect_right(change_times, as_of)]
            row: dict[str, object] = {"subject": subject}
            row.update(_profile_row(seen, events, as_of))
            facts = (org or {}).get(subject)
            row.update(_org_row(facts, as_of))
            if row["days_in_role"] is None and facts is not None:
                row["days_in_role"] = _shifted(facts.in_role_days, facts, as_of)
            rows.append(row)
        return pl.DataFrame(rows, schema=FEATURE_SCHEMA, orient="row")


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86_400


def _profile_row(
    seen: list[ProfileSnapshot], events: list[ProfileChange], as_of: datetime
) -> dict[str, object]:
    updates = [c for c in events if c.kind in EDIT_KINDS]

    def since(days: int) -> list[ProfileChange]:
        start = as_of - timedelta(days=days)
        return [c for c in updates if c.at > start]

    recent = {days: since(days) for days in RECENT_DAYS}
    last90 = recent[90]
    baseline_end = as_of - timedelta(days=BASELINE_AFTER_DAYS)
    first = seen[0].captured_at
    baseline_rate: float | None = None
    old_updates = 0
    old_periods = 0.0
    if first < baseline_end:
        old_updates = sum(1 for c in updates if c.at <= baseline_end)
        old_periods = max(_days(baseline_end, first), 1.0) / 30
        baseline_rate = old_updates / old_periods
    smoothed = (old_updates + PRIOR_RATE_PER_30D * PRIOR_PERIODS) / (old_periods + PRIOR_PERIODS)
    ratio = (len(last90) + 1) / (3 * smoothed + 1)
    return {
        "updates_30d": len(recent[30]),
        "updates_90d": len(last90),
        "updates_180d": len(recent[180]),
        "baseline_rate_per_30d": baseline_rate,
        "update_rate_ratio_90d": ratio,
        "burst": _burst([c.at for c in last90]),
        "days_since_last_update": _days(as_of, updates[-1].at) if updates else None,
        "days_since_title_change": _since_title_change(seen, events, as_of),
        "days_in_role": _days_in_run(seen, "title", as_of),
        "days_at_company": _days_in_run(seen, "company", as_of),
        "skills_added_90d": sum(len(c.items) for c in last90 if c.kind is ChangeKind.SKILLS_ADDED),
        "headline_edits_90d": sum(1 for c in last90 if c.kind is ChangeKind.HEADLINE_EDITED),
        **_network(seen, as_of),
        **_open_to_work(seen, events, as_of),
        "snapshots_seen": len(seen),
        "history_days": _days(as_of, first),
    }


def _burst(times: list[datetime]) -> int:
    """Most of ``times`` (sorted) inside any window of :data:`BURST_WINDOW_DAYS` days."""
    window = timedelta(days=BURST_WINDOW_DAYS)
    best = 0
    start = 0
    for end, when in enumerate(times):
        while when - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _since_title_change(
    seen: list[ProfileSnapshot], events: list[ProfileChange], as_of: datetime
) -> float | None:
    titles = [c.at for c in events if c.kind is ChangeKind.TITLE_CHANGED]
    if titles:
        return _days(as_of, titles[-1])
    starts = [s.title_since for s in seen if s.title_since is not None and s.title_since <= as_of]
    return _days(as_of, starts[-1]) if starts else None


def _days_in_run(seen: list[ProfileSnapshot], name: str, as_of: datetime) -> float | None:
    """Days since the current value of ``name`` was first seen (or, earlier, said to start).

    The run is the latest stretch of snapshots whose known value is the current one (a
    snapshot that did not capture the field does not break it); a ``title_since`` inside
    the run that is earlier than its first snapshot is believed.
    """
    current: str | None = None
    start: datetime | None = None
    for snapshot in reversed(seen):
        value = getattr(snapshot, name)
        if value is None:
            continue
        if current is None:
            current = value
        elif not same_text(current, value):
            break
        start = snapshot.captured_at
        since = snapshot.title_since
        if since is not None and since <= start:
            start = since
    return _days(as_of, start) if start is not None else None


def _network(seen: list[ProfileSnapshot], as_of: datetime) -> dict[str, object]:
    counts = [(s.captured_at, s.connections) for s in seen if s.connections is not None]
    if not counts:
        return {"connections": None, "connections_growth_90d": None}
    now = counts[-1][1]
    then_limit = as_of - timedelta(days=90)
    earlier = [count for when, count in counts if when <= then_limit]
    growth = (now - earlier[-1]) / max(earlier[-1], 1) if earlier else None
    return {"connections": now, "connections_growth_90d": growth}


def _open_to_work(
    seen: list[ProfileSnapshot], events: list[ProfileChange], as_of: datetime
) -> dict[str, object]:
    flags = [(s.captured_at, s.open_to_work) for s in seen if s.open_to_work is not None]
    if not flags:
        return {"open_to_work": None, "open_to_work_since_days": None}
    flag = flags[-1][1]
    since_days: float | None = None
    if flag:
        switched = [c.at for c in events if c.kind is ChangeKind.OPEN_TO_WORK_ON]
        if switched:
            since_days = _days(as_of, switched[-1])
        else:  # open since the first snapshot that said so
            since_days = _days(as_of, next(when for when, value in flags if value))
    return {"open_to_work": int(flag), "open_to_work_since_days": since_days}


_ORG_COLUMNS: Final = (
    "tenure_days",
    "rating",
    "prominence",
    "prominence_trend",
    "level",
    "department",
)


def _org_row(facts: OrgFacts | None, as_of: datetime) -> dict[str, object]:
    if facts is None:
        return {name: None for name in _ORG_COLUMNS}
    return {
        "tenure_days": _shifted(facts.tenure_days, facts, as_of),
        "rating": facts.rating,
        "prominence": facts.prominence,
        "prominence_trend": facts.prominence_trend,
        "level": facts.level,
        "department": facts.department,
    }


def _shifted(days: float | None, facts: OrgFacts, as_of: datetime) -> float | None:
    """``days`` measured at ``facts.measured_at``, as they were at ``as_of`` (null before 0)."""
    if days is None or facts.measured_at is None:
        return days
    value = days - _days(facts.measured_at, as_of)
    return value if value >= 0 else None
