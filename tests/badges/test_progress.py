"""Progress towards a badge not yet earned, with the evaluator's own counting rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from renown.badges import load_default_rules
from renown.badges.facts import conform_facts
from renown.badges.progress import badge_progress, next_badges

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
RULES = {badge.id: badge for badge in load_default_rules()}


def _facts(rows: list[tuple[str, str, int]]) -> pl.DataFrame:
    """(fact, actor, days ago) for person "1"."""
    return conform_facts(
        pl.DataFrame(
            {
                "subject_user": ["1"] * len(rows),
                "fact": [fact for fact, _, _ in rows],
                "actor": [actor for _, actor, _ in rows],
                "at": [NOW - timedelta(days=days) for _, _, days in rows],
            }
        )
    )


def test_distinct_colleagues_in_the_window_ending_now() -> None:
    facts = _facts(
        [
            ("kudos_received", "a", 1),
            ("kudos_received", "a", 2),  # the same colleague counts once
            ("kudos_received", "b", 3),
            ("kudos_received", "c", 29),
            ("kudos_received", "d", 45),  # outside the 30 days
        ]
    )
    progress = badge_progress(RULES["team-player"], facts, NOW)
    assert progress is not None
    assert progress.sentence == "3 of 5 kudos from different colleagues for Team player"
    assert progress.window_days == 30
    assert badge_progress(RULES["first-kudos"], facts, NOW) is None  # nothing to count


def test_next_badges_skip_earned_and_unstarted_ones_nearest_first() -> None:
    facts = _facts([("kudos_received", str(n), 1) for n in range(4)])
    found = next_badges(load_default_rules(), facts, {"first-kudos"}, NOW)
    assert [p.badge for p in found][:2] == ["team-player", "crowd-favourite"]
    assert all(p.have > 0 for p in found)
    assert "team-player" not in [
        p.badge for p in next_badges(load_default_rules(), facts, {"team-player"}, NOW)
    ]
