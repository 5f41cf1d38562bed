"""The reasons a radar prediction stores read in plain words, not column names."""

from __future__ import annotations

from dataclasses import dataclass

from renown.radar.features import describe_feature
from renown.radar.job import reason_entry


@dataclass(frozen=True)
class _Reason:
    feature: str
    value: object
    contribution: float
    text: str


def test_a_stored_reason_names_its_feature_in_words() -> None:
    entry = reason_entry(_Reason("updates_90d", 3, 0.92, "updates_90d is 3: raises the odds ×2.5"))
    assert entry["text"] == "Profile updates in the last 90 days: 3 (raises the odds ×2.5)"
    assert entry["label"] == describe_feature("updates_90d")
    assert "updates_90d" not in entry["text"]
    assert (entry["feature"], entry["value"], entry["contribution"]) == ("updates_90d", "3", 0.92)


def test_a_reason_the_model_words_differently_is_kept_as_written() -> None:
    entry = reason_entry(_Reason("level", "L4", -0.3, "a level of L4 lowers the odds"))
    assert entry["text"] == "a level of L4 lowers the odds"


def test_a_value_holding_a_colon_keeps_it() -> None:
    text = "title is Lead: data: lowers the odds ×1.3"
    entry = reason_entry(_Reason("title", "Lead: data", -0.26, text))
    assert entry["text"].endswith(": Lead: data (lowers the odds ×1.3)")
