"""The radar's scoring job: fit the organisation's job-change model on its own snapshot
history, test it on that history, and predict every subject who did not opt out.

Steps, all in the worker:

1. Read every snapshot of the organisation's subjects, leaving out members who opted out
   (they are never scored: not in training, not predicted).
2. Detect the changes and build backtest rows (:func:`renown.radar.backtest.training_rows`:
   a row per subject every 30 days, labelled by a company change within 180 days).
   Members' rows carry what the organisation knows (:class:`OrgFacts`: tenure and level
   from the org chart and talent profiles, the latest rating, the prominence score and its
   90-day trend from the stored score snapshots, never through :mod:`renown.scoring`).
3. With fewer than :data:`MIN_POSITIVES` labelled moves the job stops there and says so:
   a model fitted on a handful of moves would give numbers that mean nothing, and the pages
   show none.
4. Otherwise a rolling-origin backtest (trained on the past, tested on later cutoffs)
   measures the model on the organisation's own history; the model is fitted on every row
   and predicts each subject as of the newest snapshot, with reasons and a band from the
   backtest's held-out rows (:mod:`renown.radar.bands`).

The job's result holds the counts and the backtest figures (no person); predictions are rows
of ``radar_predictions`` that go with their subject. The fit is kept modest (few bags, three
inner folds, capped rounds, a cap on training rows) so a demo organisation scores in
seconds to tens of seconds, not minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Protocol

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.jobs.enqueue import enqueue_job
from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext
from renown.radar.actions import opted_out_people
from renown.radar.bands import bands
from renown.radar.features import CATEGORICAL_FEATURES, FEATURE_COLUMNS, OrgFacts, describe_feature
from renown.radar.imports import PERSON_KEY
from renown.radar.queries import HORIZON_DAYS, RADAR
from renown.radar.snapshots import ProfileSnapshot, snapshot_from_dict
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.radar import RadarPrediction, RadarSnapshot, RadarSubject
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.store.tables.talent import PerformanceRating, TalentProfile

MIN_POSITIVES: Final = 30
"""Fewest labelled moves the model is fitted on; below, the radar shows no probability."""
MIN_FOLD_CLASS: Final = 10
"""Fewest moves (and stays) a backtest fold trains on; earlier folds are skipped."""
STEP_DAYS: Final = 30
FOLDS: Final = 3
MAX_TRAINING_ROWS: Final = 8_000
"""Rows beyond this are sampled (whole cutoffs kept in order): enough to learn shapes of
a dozen features, small enough for the worker to fit in well under a minute."""
TREND_DAYS: Final = 90
SEED: Final = 0


def enqueue_radar(session: Session, principal: Principal, queue: JobQueue) -> Job:
    """A radar scoring job for the principal's organisation (runs after the caller commits)."""
    return enqueue_job(session, principal, queue, RADAR, {"horizon_days": HORIZON_DAYS})


def make_model(columns: Sequence[str] = FEATURE_COLUMNS) -> Any:
    """The organisation's job-change model, sized for a worker (see the module docstring)."""
    from renown.radar.model import JobChangeModel

    return JobChangeModel(
        categorical=[c for c in CATEGORICAL_FEATURES if c in columns],
        pairs=3,
        bags=1,
        max_rounds=300,
        cv=3,
        random_state=SEED,
    )


def _load(session: Session, org_id: int) -> tuple[list[ProfileSnapshot], dict[str, RadarSubject]]:
    """Snapshots of every subject who may be scored, and the subjects by key."""
    opted = opted_out_people(session, org_id)
    subjects = {
        s.key: s
        for s in session.scalars(sa.select(RadarSubject).where(RadarSubject.org_id == org_id))
        if s.person_id is None or s.person_id not in opted
    }
    by_id = {s.id: s for s in subjects.values()}
    snapshots = [
        snapshot_from_dict(data)
        for subject_id, data in session.execute(
            sa.select(RadarSnapshot.subject_id, RadarSnapshot.data)
            .where(RadarSnapshot.org_id == org_id)
            .order_by(RadarSnapshot.captured_at, RadarSnapshot.id)
        )
        if subject_id in by_id
    ]
    return snapshots, subjects


def _days(later: datetime, earlier: date | None) -> float | None:
    return None if earlier is None else float((later.date() - earlier).days)


def org_facts(
    session: Session, org_id: int, subjects: dict[str, RadarSubject], as_of: datetime
) -> dict[str, OrgFacts]:
    """Subject key -> what the organisation knows about the member, measured at ``as_of``."""
    members = {s.person_id: key for key, s in subjects.items() if s.person_id is not None}
    if not members:
        return {}
    ids = list(members)
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    profiles = {
        p.person_id: p
        for p in session.scalars(sa.select(TalentProfile).where(TalentProfile.person_id.in_(ids)))
    }
    ratings: dict[int, float] = {}
    for person_id, rating in session.execute(
        sa.select(PerformanceRating.person_id, PerformanceRating.rating)
        .where(PerformanceRating.person_id.in_(ids))
        .order_by(PerformanceRating.period)
    ):
        ratings[person_id] = float(rating)
    latest, earlier = _runs(session, org_id, as_of)
    prominence = _scores(session, latest, ids)
    before = _scores(session, earlier, ids)
    facts: dict[str, OrgFacts] = {}
    for person_id, key in members.items():
        person = people.get(person_id)
        if person is None:
            continue
        profile = profiles.get(person_id)
        now_score = prominence.get(person_id)
        then = before.get(person_id)
        facts[key] = OrgFacts(
            tenure_days=_days(as_of, person.hired_on),
            in_role_days=_days(as_of, profile.in_role_since if profile else None),
            rating=ratings.get(person_id),
            prominence=now_score,
            prominence_trend=(now_score - then)
            if now_score is not None and then is not None
            else None,
            level=profile.level if profile else None,
            department=person.department.name if person.department else None,
            measured_at=as_of,
        )
    return facts


def _runs(session: Session, org_id: int, as_of: datetime) -> tuple[int | None, int | None]:
    """The latest finished scoring run at ``as_of`` and the one about 90 days before it."""
    runs = session.execute(
        sa.select(ScoringRun.id, ScoringRun.as_of)
        .where(ScoringRun.org_id == org_id, ScoringRun.status == "done", ScoringRun.as_of <= as_of)
        .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
    ).all()
    if not runs:
        return None, None
    latest_id, latest_at = runs[0]
    target = latest_at - timedelta(days=TREND_DAYS)
    earlier = next((rid for rid, at in runs[1:] if at <= target), None)
    if earlier is None and len(runs) > 1:
        earlier = runs[-1][0]  # the oldest run: a shorter trend beats none
    return latest_id, earlier


def _scores(session: Session, run_id: int | None, ids: Sequence[int]) -> dict[int, float]:
    if run_id is None:
        return {}
    found: dict[int, float] = {}
    for start in range(0, len(ids), 5000):
        batch = list(ids[start : start + 5000])
        found.update(
            (pid, float(score))
            for pid, score in session.execute(
                sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score).where(
                    ScoreSnapshot.run_id == run_id, ScoreSnapshot.person_id.in_(batch)
                )
            )
        )
    return found


def _cap(rows: pl.DataFrame) -> pl.DataFrame:
    """At most :data:`MAX_TRAINING_ROWS`, sampled with a fixed seed, kept in cutoff order."""
    if rows.height <= MAX_TRAINING_ROWS:
        return rows
    return rows.with_row_index("_i").sample(MAX_TRAINING_ROWS, seed=SEED).sort("_i").drop("_i")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _mean(values: Sequence[float]) -> float | None:
    kept = [v for v in values if math.isfinite(v)]
    return float(sum(kept) / len(kept)) if kept else None


class _Filled:
    """The model on the columns that vary in its training rows, the same ones when it
    predicts: an early backtest fold may hold no value, or a single value, of a feature
    that later rows vary in, and a column without two values teaches nothing (and stops
    the boosted part's binning)."""

    def __init__(self, kept: list[np.ndarray] | None = None) -> None:
        self.model = make_model()
        self.kept = kept
        self.columns: list[str] = []

    def fit(self, X: pl.DataFrame, y: Any, /) -> object:
        self.columns = [c for c in X.columns if X[c].drop_nulls().n_unique() >= 2]
        self.model = make_model(self.columns)
        return self.model.fit(X.select(self.columns), y)

    def predict_proba(self, X: pl.DataFrame, /) -> Any:
        probability = self.model.predict_proba(X.select(self.columns))
        if self.kept is not None:
            # Kept for the bands: the backtest asks once per fold it keeps, in fold order.
            self.kept.append(np.asarray(probability)[:, 1])
        return probability

    def reasons(self, X: pl.DataFrame, top: int = 3) -> Any:
        return self.model.reasons(X.select(self.columns), top=top)


class _Reason(Protocol):
    @property
    def feature(self) -> str: ...
    @property
    def value(self) -> object: ...
    @property
    def contribution(self) -> float: ...
    @property
    def text(self) -> str: ...


def reason_entry(reason: _Reason) -> dict[str, Any]:
    """A reason as a prediction stores it, in words a recruiter reads: the model writes
    ``updates_90d is 3: raises the odds ×2.5``; the page says ``Profile updates in the last
    90 days: 3 (raises the odds ×2.5)`` (:func:`~renown.radar.features.describe_feature`)."""
    label = describe_feature(reason.feature)
    prefix = f"{reason.feature} is "
    text = reason.text
    if text.startswith(prefix):
        value, _, effect = text.removeprefix(prefix).rpartition(": ")
        sentence = label[:1].upper() + label[1:]
        text = f"{sentence}: {value} ({effect})" if value else f"{sentence}: {effect}"
    return {
        "feature": reason.feature,
        "label": label,
        "value": str(reason.value),
        "contribution": float(reason.contribution),
        "text": text,
    }


def fit_and_predict(
    snapshots: list[ProfileSnapshot],
    facts: dict[str, OrgFacts],
    *,
    report: Callable[[str, float], None] = lambda _s, _p: None,
) -> tuple[dict[str, Any], list[tuple[str, float, float, float, list[dict[str, Any]]]], datetime]:
    """The job's work without the database: ``(summary, predictions, as_of)``.

    Predictions are ``(subject key, probability, low, high, reasons)``; none when the history
    holds fewer than :data:`MIN_POSITIVES` labelled moves (the summary says so).
    """
    from renown.radar.backtest import LABEL, backtest, time_split, training_rows
    from renown.radar.changes import detect_changes, recent_moves
    from renown.radar.features import profile_features

    as_of = max(s.captured_at for s in snapshots)
    report("detecting profile changes", 0.1)
    changes = detect_changes(snapshots)
    report("building backtest rows from the history", 0.2)
    rows = training_rows(
        snapshots, changes, horizon_days=HORIZON_DAYS, step_days=STEP_DAYS, org=facts
    )
    positives = int(rows[LABEL].sum()) if rows.height else 0
    summary: dict[str, Any] = {
        "as_of": as_of.astimezone(UTC).isoformat(),
        "horizon_days": HORIZON_DAYS,
        "rows": rows.height,
        "positives": positives,
        "subjects": len({s.subject for s in snapshots}),
        "backtest": None,
        "predicted": 0,
    }
    if positives < MIN_POSITIVES or rows.height - positives < MIN_POSITIVES:
        summary["enough"] = False
        summary["message"] = (
            f"Too little history to predict: {positives} company change(s) within "
            f"{HORIZON_DAYS} days were seen in {rows.height} labelled rows, and the radar "
            f"needs at least {MIN_POSITIVES} (and as many who stayed). Import more snapshots "
            "over time; no probabilities are shown until then."
        )
        return summary, [], as_of
    rows = _cap(rows)
    report("testing the model on the organisation's own history", 0.35)
    kept: list[np.ndarray] = []
    folds = backtest(
        rows,
        lambda: _Filled(kept),
        folds=FOLDS,
        horizon_days=HORIZON_DAYS,
        min_class=MIN_FOLD_CLASS,
    )
    held_p: list[np.ndarray] = []
    held_y: list[np.ndarray] = []
    for fold, probability in zip(folds, kept, strict=False):
        _, test = time_split(rows, fold.test_from, horizon_days=HORIZON_DAYS)
        test = test.filter(pl.col("cutoff") <= fold.test_to)
        held_p.append(probability)
        held_y.append(test[LABEL].to_numpy().astype(np.int64))
    held_out = np.concatenate(held_p) if held_p else np.empty(0)
    outcomes = np.concatenate(held_y) if held_y else np.empty(0, dtype=np.int64)
    metrics = [f.metrics for f in folds]
    summary["backtest"] = {
        "folds": len(folds),
        "rows": int(sum(f.n_test for f in folds)),
        "positives": int(outcomes.sum()),
        "roc_auc": _mean([m.roc_auc for m in metrics]),
        "pr_auc": _mean([m.pr_auc for m in metrics]),
        "brier": _mean([m.brier for m in metrics]),
        "precision_top10": _mean([m.precision_top10 for m in metrics]),
        "base_rate": _finite(float(outcomes.mean())) if outcomes.size else None,
    }
    report("fitting the model on the whole history", 0.7)
    model = _Filled()
    model.fit(rows.select(FEATURE_COLUMNS), rows[LABEL].to_numpy().astype(np.int64))
    report("predicting every subject", 0.85)
    moved = recent_moves(changes, as_of=as_of, within_days=HORIZON_DAYS)
    current = profile_features(snapshots, changes, as_of=as_of, org=facts).filter(
        ~pl.col("subject").is_in(list(moved))
    )
    summary["recently_moved"] = len(moved)
    X = current.select(FEATURE_COLUMNS)
    probability = np.asarray(model.predict_proba(X))[:, 1]
    reasons = model.reasons(X, top=3)
    ranges = bands(held_out, outcomes, [float(p) for p in probability])
    predictions = [
        (
            str(subject),
            float(p),
            float(low),
            float(high),
            [reason_entry(r) for r in reason],
        )
        for subject, p, (low, high), reason in zip(
            current["subject"].to_list(), probability, ranges, reasons, strict=True
        )
    ]
    summary["enough"] = True
    summary["predicted"] = len(predictions)
    backtested = summary["backtest"]
    auc = backtested["roc_auc"]
    summary["message"] = (
        f"Fitted on {rows.height:,} labelled rows ({positives:,} moves within {HORIZON_DAYS} days)."
        + (
            f" Tested on later history it ranked a mover above a stayer {auc:.0%} of the time"
            " (ROC-AUC; 50% is chance)."
            if auc is not None
            else " The backtest could not measure it (too few moves in a test period)."
        )
    )
    return summary, predictions, as_of


def run_radar(context: JobContext) -> dict[str, Any]:
    """Fit, backtest and predict the organisation's radar; store the predictions."""
    context.report("reading the organisation's snapshots", 0.05)
    with context.sessions() as session:
        snapshots, subjects = _load(session, context.org_id)
        if not snapshots:
            return {
                "enough": False,
                "rows": 0,
                "positives": 0,
                "horizon_days": HORIZON_DAYS,
                "message": "No snapshots to score: import profile snapshots first.",
                "backtest": None,
                "predicted": 0,
            }
        as_of = max(s.captured_at for s in snapshots)
        facts = org_facts(session, context.org_id, subjects, as_of)
    summary, predictions, as_of = fit_and_predict(snapshots, facts, report=context.report)
    context.report("storing the predictions", 0.95)
    with context.sessions() as session, session.begin():
        # Read again in the writing transaction: a member who opted out while the model was
        # fitted gets no prediction either.
        opted = opted_out_people(session, context.org_id)
        ids = {
            key: s.id
            for key, s in subjects.items()
            if s.person_id is None or s.person_id not in opted
        }
        rows = [
            {
                "org_id": context.org_id,
                "subject_id": ids[key],
                "job_id": context.job_id,
                "as_of": as_of,
                "probability": p,
                "low": low,
                "high": high,
                "reasons": reasons,
            }
            for key, p, low, high, reasons in predictions
            if key in ids
        ]
        # Only the newest job's predictions are read; older ones are deleted so the radar
        # keeps no history of people's estimated risk beyond what it shows.
        session.execute(sa.delete(RadarPrediction).where(RadarPrediction.org_id == context.org_id))
        for start in range(0, len(rows), 2000):
            session.execute(sa.insert(RadarPrediction), rows[start : start + 2000])
    return summary


__all__ = ["MIN_POSITIVES", "PERSON_KEY", "RADAR", "enqueue_radar", "fit_and_predict", "run_radar"]
