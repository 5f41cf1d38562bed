"""The radar job's work without a database: who is estimated, and what an estimate holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from renown.radar.changes import ChangeKind, ProfileChange, detect_changes, recent_moves
from renown.radar.job import HORIZON_DAYS, fit_and_predict
from renown.radar.synthetic import synthetic_histories

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


def _move(subject: str, at: datetime) -> ProfileChange:
    return ProfileChange(subject, at, ChangeKind.COMPANY_CHANGED, "A", "B", "Company: A → B")


def test_recent_moves_keeps_the_latest_move_inside_the_window_only() -> None:
    as_of = datetime(2026, 6, 1, tzinfo=UTC)
    changes = [
        _move("old", as_of - timedelta(days=200)),
        _move("twice", as_of - timedelta(days=150)),
        _move("twice", as_of - timedelta(days=10)),
        _move("edge", as_of - timedelta(days=180)),  # exactly the window's open end: out
        _move("future", as_of + timedelta(days=1)),
    ]
    found = recent_moves(changes, as_of=as_of, within_days=180)
    assert set(found) == {"twice"}
    assert found["twice"].at == as_of - timedelta(days=10)


def test_people_who_just_moved_get_no_estimate_and_everyone_else_gets_one_with_reasons() -> None:
    subjects = [f"linkedin:p{i:03d}" for i in range(260)]
    snapshots = synthetic_histories(subjects, start=START, end=END, seed=3, movers=0.3)
    summary, predictions, as_of = fit_and_predict(snapshots, {})
    assert summary["enough"] is True

    moved = recent_moves(detect_changes(snapshots), as_of=as_of, within_days=HORIZON_DAYS)
    assert moved, "the synthetic history should hold recent movers"
    predicted = {key for key, *_ in predictions}
    assert not predicted & set(moved)
    assert predicted | set(moved) == set(subjects)
    assert summary["recently_moved"] == len(moved)
    for _key, probability, low, high, reasons in predictions:
        assert 0.0 <= probability <= 1.0
        assert 0.0 <= low <= high <= 1.0
        assert reasons
        assert all(r["text"][:1].isupper() and "_" not in r["text"].split(":")[0] for r in reasons)
