"""The pure rules: phases from dates and progress, scorecards, standings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.challenges.judging import (
    DEFAULT_SCORECARD,
    Entry,
    combined_score,
    parse_scorecard,
    review_score,
    standings,
)
from renown.challenges.phases import Phase, Progress, Schedule, phase_at
from renown.core.errors import Invalid

T = datetime(2025, 1, 1, tzinfo=UTC)
H = timedelta(hours=1)
PLAN = Schedule(T, T + 10 * H, T + 20 * H, T + 30 * H, T + 40 * H)
ORDER = [
    Phase.SCHEDULED,
    Phase.REGISTRATION,
    Phase.SUBMISSION,
    Phase.REVIEW,
    Phase.APPEALS,
    Phase.APPEALS_RESPONSE,
    Phase.WINNERS,
]


@given(
    st.integers(min_value=-50, max_value=100),
    st.integers(min_value=-50, max_value=100),
    st.integers(min_value=0, max_value=3),
)
def test_phases_only_move_forward_as_time_passes(a: int, b: int, appeals: int) -> None:
    done = T + 25 * H
    progress = Progress(True, False, False, False, reviews_done_at=done, open_appeals=appeals)
    early, late = sorted((T + a * H, T + b * H))
    assert ORDER.index(phase_at(PLAN, progress, early)) <= ORDER.index(
        phase_at(PLAN, progress, late)
    )


def test_each_phase_at_its_dates() -> None:
    done = Progress(True, False, False, False, reviews_done_at=T + 25 * H)
    assert phase_at(PLAN, done, T - H) is Phase.SCHEDULED
    assert phase_at(PLAN, done, T) is Phase.REGISTRATION
    assert phase_at(PLAN, done, T + 10 * H) is Phase.SUBMISSION
    assert phase_at(PLAN, done, T + 20 * H) is Phase.REVIEW
    assert phase_at(PLAN, done, T + 30 * H) is Phase.APPEALS
    assert phase_at(PLAN, done, T + 40 * H) is Phase.WINNERS
    waiting = Progress(True, False, False, False, reviews_done_at=None)
    assert phase_at(PLAN, waiting, T + 99 * H) is Phase.REVIEW
    automatic = Progress(True, False, False, True)
    assert phase_at(PLAN, automatic, T + 20 * H) is Phase.WINNERS
    assert phase_at(PLAN, Progress(False, False, False, False), T + 5 * H) is Phase.DRAFT
    assert phase_at(PLAN, Progress(True, True, False, False), T + 5 * H) is Phase.CANCELLED
    assert phase_at(PLAN, Progress(True, False, True, False), T + 5 * H) is Phase.COMPLETED


def test_dates_out_of_order_are_named() -> None:
    bad = Schedule(T, T - H, T + 20 * H, T + 30 * H, T + 40 * H, checkpoint_at=T + 50 * H)
    fields = [name for name, _ in bad.problems(automatic=False)]
    assert fields == ["registration_ends_at", "checkpoint_at"]
    with pytest.raises(Invalid, match="registration ends must come after") as refused:
        bad.check(automatic=False)
    assert refused.value.field == "registration_ends_at"  # a form shows it beside that field


def test_review_scores_weigh_questions_on_their_own_ranges() -> None:
    questions = parse_scorecard(
        [
            {"key": "works", "text": "Works", "weight": 3, "min": 0, "max": 1},
            {"key": "style", "text": "Style", "weight": 1, "min": 1, "max": 10},
        ]
    )
    assert review_score(questions, {"works": 1, "style": 1}) == 75.0
    assert review_score(questions, {"works": 0, "style": 10}) == 25.0
    assert review_score(DEFAULT_SCORECARD, {q.key: q.maximum for q in DEFAULT_SCORECARD}) == 100
    assert combined_score([80.0, 90.0]) == 85.0
    assert combined_score([]) is None
    with pytest.raises(Invalid, match="twice"):
        parse_scorecard([{"key": "a", "text": "A"}, {"key": "a", "text": "B"}])
    with pytest.raises(Invalid, match="key"):
        parse_scorecard([{"key": "Bad Key", "text": "A"}])
    with pytest.raises(Invalid, match="weight"):
        parse_scorecard([{"key": "a", "text": "A", "weight": 0}])


def test_ties_go_to_the_earlier_submission_and_only_passing_entries_place() -> None:
    early, late = T, T + H
    entries = [
        Entry(1, 11, late, 90.0, True),
        Entry(2, 12, early, 90.0, True),
        Entry(3, 13, early, 95.0, False),
        Entry(4, 14, early, 80.0, True),
    ]
    ranked = standings(entries, placements=2)
    assert [(s.entry.account_id, s.rank, s.place) for s in ranked] == [
        (2, 1, 1),
        (1, 2, 2),
        (4, 3, None),
        (3, 4, None),
    ]
    first = standings(entries, placements=1, by_time=True)
    assert first[0].entry.account_id in {2, 4} and first[0].place == 1
    assert [s.entry.account_id for s in first][:3] == [2, 4, 1]
