"""The TOML rule language: parsing into the model, and precise validation errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from renown.badges import Award, Tier, load_default_rules, load_rules, parse_rules
from renown.badges.rules import AllOf, AnyOf, Condition, Count, Distinct, Streak, Sum, Unit
from renown.badges.stackexchange import load_stackexchange_rules
from renown.core.errors import InputError

HEADER = """
[[badge]]
id = "b1"
name = "B one"
description = "a badge"
tier = "silver"
"""


def test_every_block_parses_into_the_model() -> None:
    text = """
[[badge]]
id = "combo"
name = "Combo"
description = "all blocks"
tier = "gold"
award = "per_item"
meta = { site_name = "X" }
[[badge.rule.all]]
first = { fact = "a" }
[[badge.rule.all]]
threshold = { fact = ["a", "b"], channel = "kudos", where = ["value >= 10", "views<5.5"] }
[[badge.rule.all]]
count = { fact = "a", distinct = "actor", window = "30d", min = 5, per_item = true }
[[badge.rule.all]]
sum = { fact = "a", field = "views", window = "12h", min = 2.5 }
[[badge.rule.all]]
[[badge.rule.all.any]]
streak = { fact = "a", unit = "week", length = 4, per_unit = 2 }
[[badge.rule.all.any]]
first = { fact = "z" }
"""
    (badge,) = parse_rules(text)
    assert (badge.id, badge.tier, badge.award, badge.meta) == (
        "combo",
        Tier.GOLD,
        Award.PER_ITEM,
        {"site_name": "X"},
    )
    assert isinstance(badge.rule, AllOf)
    first, threshold, count, total, either = badge.rule.parts
    assert isinstance(first, Count) and (first.kind, first.select.facts) == ("first", ("a",))
    assert isinstance(threshold, Count) and threshold.kind == "threshold"
    assert threshold.select.facts == ("a", "b") and threshold.select.channels == ("kudos",)
    assert threshold.select.where == (Condition("value", ">=", 10.0), Condition("views", "<", 5.5))
    assert isinstance(count, Count)
    assert (count.min, count.distinct, count.window, count.per_item) == (
        5,
        Distinct.ACTOR,
        timedelta(days=30),
        True,
    )
    assert isinstance(total, Sum)
    assert (total.min, total.field, total.window) == (2.5, "views", timedelta(hours=12))
    assert isinstance(either, AnyOf)
    streak = either.parts[0]
    assert isinstance(streak, Streak)
    assert (streak.unit, streak.length, streak.per_unit) == (Unit.WEEK, 4, 2)


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ("[badge.rule.count]\nfact = 'a'\nmin = 0", "rule.count.min", "at least 1"),
        ("[badge.rule.count]\nfact = 'a'", "rule.count.min", "missing key"),
        ("[badge.rule.count]\nfact = 'a'\nmin = 2\nwindow = '30x'", "rule.count.window", "30x"),
        (
            "[badge.rule.count]\nfact = 'a'\nmin = 2\ndistinct = 'colour'",
            "rule.count.distinct",
            "colour",
        ),
        (
            "[badge.rule.count]\nfact = 'a'\nmin = 2\nwindo = '3d'",
            "rule.count.windo",
            "unknown key",
        ),
        ("[badge.rule.first]\nfact = []", "rule.first.fact", "non-empty"),
        ("[badge.rule.first]\nchannel = 'x'", "rule.first.fact", "missing key"),
        ("[badge.rule.threshold]\nfact = 'a'", "rule.threshold.where", "at least one"),
        (
            "[badge.rule.threshold]\nfact = 'a'\nwhere = ['value => 3']",
            "rule.threshold.where",
            "value => 3",
        ),
        (
            "[badge.rule.streak]\nfact = 'a'\nlength = 3\nunit = 'month'",
            "rule.streak.unit",
            "month",
        ),
        ("[badge.rule.sum]\nfact = 'a'\nmin = 'lots'", "rule.sum.min", "wrong type"),
        ("[badge.rule]\nall = []", "rule.all", "non-empty"),
        (
            "[[badge.rule.all]]\nfirst = { fact = 'a' }\n"
            "[[badge.rule.all]]\ncount = { fact = 'b' }",
            "rule.all[2].count.min",
            "missing key",
        ),
        (
            "[badge.rule]\nfirst = { fact = 'a' }\ncount = { fact = 'a', min = 2 }",
            "rule",
            "exactly one",
        ),
        ("[badge.rule.ever]\nfact = 'a'", "rule.ever", "unknown key"),
    ],
)
def test_rule_errors_name_file_badge_line_and_key(rule: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(HEADER + rule, source="team.toml")
    error = caught.value
    assert (error.source, error.field, error.line) == ("team.toml", field, 3)
    assert "badge 'b1'" in error.message and message in error.message


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('tier = "silver"', 'tier = "platinum"'), "tier", "platinum"),
        (('tier = "silver"\n', ""), "tier", "missing key"),
        (('id = "b1"', 'id = "B 1"'), "id", "lower-case"),
        (('name = "B one"', "name = 3"), "name", "wrong type"),
        (('tier = "silver"', 'tier = "silver"\naward = "twice"'), "award", "twice"),
        (('tier = "silver"', 'tier = "silver"\ncolour = "red"'), "colour", "unknown key"),
        (('tier = "silver"', 'tier = "silver"\nmeta = { n = 1 }'), "meta", "strings"),
    ],
)
def test_badge_errors(change: tuple[str, str], field: str, message: str) -> None:
    text = (HEADER + "[badge.rule.first]\nfact = 'a'\n").replace(*change)
    with pytest.raises(InputError) as caught:
        parse_rules(text, source="team.toml")
    assert caught.value.field == field
    assert message in caught.value.message


def test_missing_rule_duplicate_ids_and_bad_toml() -> None:
    with pytest.raises(InputError, match="missing key") as caught:
        parse_rules(HEADER, source="f.toml")
    assert caught.value.field == "rule"
    twice = HEADER + "[badge.rule.first]\nfact='a'\n"
    with pytest.raises(InputError, match="used by another badge") as caught:
        parse_rules(twice + twice, source="f.toml")
    assert caught.value.line == 3
    with pytest.raises(InputError, match="not valid TOML"):
        parse_rules("[[badge]\n", source="f.toml")
    with pytest.raises(InputError, match="top-level") as caught:
        parse_rules("title = 'x'\n", source="f.toml")
    assert caught.value.field == "title"


def test_a_badge_without_id_is_located_by_its_header() -> None:
    text = HEADER + "[badge.rule.first]\nfact='a'\n" + "\n[[badge]]\nname = 'x'\n"
    with pytest.raises(InputError) as caught:
        parse_rules(text, source="f.toml")
    assert (caught.value.field, caught.value.line) == ("id", 10)
    assert "badge #2" in caught.value.message


def test_load_rules_reads_a_file_and_reports_its_path(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(HEADER + "[badge.rule.first]\nfact = 'a'\n", encoding="utf-8")
    assert [b.id for b in load_rules(good)] == ["b1"]
    bad = tmp_path / "bad.toml"
    bad.write_text(HEADER + "[badge.rule.first]\nfact = 3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(bad)
    assert caught.value.source == str(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


def test_shipped_rule_sets_are_valid() -> None:
    defaults = load_default_rules()
    ids = {b.id for b in defaults}
    assert {"first-kudos", "team-player", "mentor", "rising-star"} <= ids
    stackexchange = load_stackexchange_rules()
    assert all(b.meta.get("inputs") in ("complete", "partial") for b in stackexchange)
    assert all(b.meta.get("inputs") == "complete" or b.meta.get("missing") for b in stackexchange)
