"""Suggested readiness at and around its two thresholds."""

from __future__ import annotations

import math

import pytest

from renown.talent.readiness import READINESS_LABELS, suggest_readiness


@pytest.mark.parametrize(
    ("composite", "performance_level", "expected", "reason"),
    [
        (70.0, 3, "now", "composite 70.0 is at least 70 and performance is high"),
        (100.0, 3, "now", "composite 100.0 is at least 70 and performance is high"),
        (69.99, 3, "1-2y", "composite 69.9 is at least 50 but below 70"),
        (
            70.0,
            2,
            "1-2y",
            "composite 70.0 is at least 70 but performance is moderate (ready now needs high)",
        ),
        (
            95.0,
            None,
            "1-2y",
            "composite 95.0 is at least 70 but performance is not rated (ready now needs high)",
        ),
        (50.0, 1, "1-2y", "composite 50.0 is at least 50 but below 70"),
        (49.99, 3, "3y+", "composite 49.9 is below 50"),
        (0.0, None, "3y+", "composite 0.0 is below 50"),
        # 64.1 + 0.1 is 64.19999999999999 in floating point: shown as 64.2, not truncated to 64.1
        (64.1 + 0.1, 2, "1-2y", "composite 64.2 is at least 50 but below 70"),
        # 70 on paper, a hair below in floating point: ranks as a tie with 70, so it is 70
        (70 - 1e-12, 3, "now", "composite 70.0 is at least 70 and performance is high"),
    ],
)
def test_thresholds(
    composite: float, performance_level: int | None, expected: str, reason: str
) -> None:
    assert suggest_readiness(composite, performance_level) == (expected, reason)


def test_no_composite_is_three_years_or_more() -> None:
    readiness, reason = suggest_readiness(None, 3)
    assert readiness == "3y+" and "no composite" in reason


def test_labels() -> None:
    assert READINESS_LABELS == {
        "now": "Ready now",
        "1-2y": "Ready in 1-2 years",
        "3y+": "Ready in 3+ years",
    }


@pytest.mark.parametrize(("composite", "performance_level"), [(80.0, 0), (80.0, 4), (math.nan, 3)])
def test_bad_input_raises(composite: float, performance_level: int) -> None:
    with pytest.raises(ValueError):
        suggest_readiness(composite, performance_level)
