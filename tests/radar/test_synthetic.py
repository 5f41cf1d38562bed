"""Synthetic histories: deterministic, plausible, and carrying a learnable signal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from renown.radar.backtest import backtest, training_rows
from renown.radar.changes import ChangeKind, detect_changes
from renown.radar.features import CATEGORICAL_FEATURES, OrgFacts
from renown.radar.synthetic import ORGANISATION, synthetic_histories

START = datetime(2021, 1, 1, tzinfo=UTC)
END = datetime(2024, 1, 1, tzinfo=UTC)
PEOPLE = [f"p{i:03d}" for i in range(200)]


def test_deterministic_for_a_seed_and_per_subject() -> None:
    one = synthetic_histories(PEOPLE[:20], start=START, end=END, seed=1)
    assert one == synthetic_histories(PEOPLE[:20], start=START, end=END, seed=1)
    assert one != synthetic_histories(PEOPLE[:20], start=START, end=END, seed=2)
    more = synthetic_histories(PEOPLE[:25], start=START, end=END, seed=1)
    assert [s for s in more if s.subject in PEOPLE[:20]] == one


def test_histories_are_plausible() -> None:
    snaps = synthetic_histories(PEOPLE, start=START, end=END, seed=5, movers=0.2)
    assert {s.subject for s in snaps} == set(PEOPLE)
    assert all(START <= s.captured_at <= END for s in snaps)
    per_person = pl.Series([s.subject for s in snaps]).value_counts()["count"]
    assert per_person.min() >= 25 and per_person.max() <= 40  # roughly monthly over 3 years
    changes = detect_changes(snaps)
    movers = {c.subject for c in changes if c.kind is ChangeKind.COMPANY_CHANGED}
    assert 0.1 < len(movers) / len(PEOPLE) < 0.3
    promoted = {c.subject for c in changes if c.kind is ChangeKind.TITLE_CHANGED} - movers
    assert promoted  # some change title without moving
    bursty = {c.subject for c in changes if c.kind is ChangeKind.HEADLINE_EDITED} - movers
    assert bursty  # false alarms exist
    assert all(s.connections is not None and s.connections >= 0 for s in snaps)


def test_org_subjects_work_at_the_organisation() -> None:
    org = {"p000": OrgFacts(in_role_days=400.0)}
    snaps = synthetic_histories(["p000"], start=START, end=END, seed=1, movers=0.0, org=org)
    assert {s.company for s in snaps} == {ORGANISATION}
    latest = snaps[-1].title_since
    assert latest is not None
    assert (END - latest).days == 400  # promoted when the organisation says the role began
    assert ChangeKind.TITLE_CHANGED in {c.kind for c in detect_changes(snaps)}


class _Logistic:
    """Median-imputed, standardised logistic regression on the numeric features that have
    any value in training (with missing-value indicators: a missing baseline says something)."""

    def fit(self, X: pl.DataFrame, y: npt.NDArray[np.int64]) -> Self:
        numeric = [c for c in X.columns if c not in CATEGORICAL_FEATURES]
        self.columns = [c for c in numeric if X[c].null_count() < X.height]
        self.model = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True),
            StandardScaler(),
            LogisticRegression(max_iter=2000),
        )
        self.model.fit(self._matrix(X), y)
        return self

    def predict_proba(self, X: pl.DataFrame) -> npt.NDArray[np.float64]:
        return np.asarray(self.model.predict_proba(self._matrix(X)), dtype=np.float64)

    def _matrix(self, X: pl.DataFrame) -> npt.NDArray[np.float64]:
        return X.select(self.columns).to_numpy().astype(np.float64)


def test_a_classifier_learns_the_signal_in_a_backtest() -> None:
    snaps = synthetic_histories(PEOPLE, start=START, end=END, seed=7, movers=0.25)
    rows = training_rows(snaps, detect_changes(snaps))
    assert rows["moved"].sum() > 50
    folds = backtest(rows, _Logistic, folds=3)
    assert len(folds) >= 2
    aucs = [fold.metrics.roc_auc for fold in folds]
    assert float(np.mean(aucs)) > 0.6
    assert min(aucs) > 0.5


def test_pending_movers_end_inside_their_burst_with_the_move_unseen() -> None:
    subjects = [f"linkedin:pending-{i:03d}" for i in range(200)]
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2026, 6, 30, tzinfo=UTC)
    plain = synthetic_histories(subjects, start=start, end=end, seed=5, movers=0.3)
    assert plain == synthetic_histories(
        subjects, start=start, end=end, seed=5, movers=0.3, pending=0.0
    ), "pending=0 must not change existing histories"
    ahead = synthetic_histories(subjects, start=start, end=end, seed=5, movers=0.3, pending=1.0)

    def movers(history: list[Any]) -> set[str]:
        return {c.subject for c in detect_changes(history) if c.kind is ChangeKind.COMPANY_CHANGED}

    assert movers(ahead) < movers(plain), "every mover's move falls after the history"
    recent = end - timedelta(days=90)
    busy_plain = sum(
        1 for c in detect_changes(plain) if c.at >= recent and c.kind != "connections_jump"
    )
    busy_ahead = sum(
        1 for c in detect_changes(ahead) if c.at >= recent and c.kind != "connections_jump"
    )
    assert busy_ahead > busy_plain, "the last months hold the pending movers' bursts"
