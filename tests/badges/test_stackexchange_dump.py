"""The Stack Exchange dump reader, rules and agreement on a tiny generated dump."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from renown.badges import conform_facts, evaluate
from renown.badges.stackexchange import UNAVAILABLE, agreement, load_stackexchange_rules
from renown.cli.app import app
from renown.core.errors import InputError
from renown.datasets.stackexchange_badges import (
    read_stackexchange_awards,
    read_stackexchange_facts,
)
from tests.badges.se_dump import write_dump


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    return write_dump(tmp_path / "dump")


def test_facts_rebuild_scores_accepts_edits_bounties_and_snapshots(dump: Path) -> None:
    facts = conform_facts(read_stackexchange_facts(dump))

    def one(name: str, user: str, item: str | None = None) -> dict[str, object]:
        rows = facts.filter(
            (pl.col("fact") == name)
            & (pl.col("subject_user") == user)
            & (pl.col("item").eq_missing(item) if item else pl.lit(value=True))
        )
        assert rows.height == 1, (name, user, rows)
        return rows.row(0, named=True)

    # two up votes on the day the question was asked: dated by the question, not midnight
    question = one("question_score", "se:1", "10")
    assert (question["at"], question["value"]) == (day("2018-03-12T10:00"), 2.0)
    answer = one("answer_score", "se:2", "11")
    assert (answer["at"], answer["value"], answer["first_answer"], answer["accepted"]) == (
        day("2018-03-13"),
        1.0,
        1.0,
        1.0,
    )
    assert one("answer_score", "se:1", "12")["own"] == 1.0
    assert one("accept_given", "se:1")["actor"] == "se:2"
    assert one("accept_received", "se:2")["item"] == "11"
    assert one("edit", "se:3")["wiki"] == 1.0
    assert one("favorite_received", "se:1")["actor"] == "se:3"
    assert one("bounty_offered", "se:3")["own"] == 0.0
    awarded = one("bounty_awarded", "se:3")  # the awarder is the bounty's starter
    assert (awarded["item"], awarded["actor"]) == ("11", "se:2")
    assert one("votes_cast", "se:2")["down"] == 1.0
    assert one("question_views", "se:1")["value"] == 1200.0
    assert one("tag_created", "se:1", "beta")["value"] == 60.0
    # profiles: only a non-blank About Me; the Community bot is nobody
    about = facts.filter(pl.col("fact") == "about_me")
    assert about["subject_user"].to_list() == ["se:1"]
    assert about["at"][0] == day("2018-03-22T05:00")  # the dump's end
    assert "se:-1" not in set(facts["subject_user"])
    reputation = (
        facts.filter(pl.col("fact") == "reputation")
        .group_by("subject_user")
        .agg(pl.col("value").sum())
    )
    assert dict(reputation.iter_rows()) == {"se:1": 10.0 - 2.0 + 2.0, "se:2": 10.0 + 15.0 + 50.0}
    tags = facts.filter(pl.col("fact") == "answer_tag").select("subject_user", "item").rows()
    assert sorted(tags) == [
        ("se:1", "alpha"),
        ("se:1", "beta"),
        ("se:2", "alpha"),
        ("se:2", "beta"),
    ]


def test_site_awards_map_tag_badges_and_people(dump: Path) -> None:
    awards = read_stackexchange_awards(dump)
    assert set(awards.select("user", "badge").iter_rows()) >= {
        ("se:1", "Student"),
        ("se:2", "Tag badge (bronze)"),
    }
    assert awards.filter(pl.col("badge") == "Mystery")["tier"].to_list() == ["gold"]


def test_rules_award_and_agreement_accounts_for_every_site_badge(dump: Path) -> None:
    rules = load_stackexchange_rules()
    awards = evaluate(rules, read_stackexchange_facts(dump))
    earned = set(awards.select("badge", "user").iter_rows())
    assert {
        ("student", "se:1"),
        ("teacher", "se:2"),
        ("scholar", "se:1"),
        ("autobiographer", "se:1"),
        ("supporter", "se:1"),
        ("critic", "se:2"),
        ("investor", "se:3"),
        ("altruist", "se:3"),
        ("popular-question", "se:1"),
        ("tag-editor", "se:3"),
    } <= earned
    assert ("self-learner", "se:1") not in earned  # own answer, but its score is -1
    table = agreement(rules, awards, read_stackexchange_awards(dump))
    by_name = {row["site_badge"]: row for row in table.iter_rows(named=True)}
    student, teacher = by_name["Student"], by_name["Teacher"]
    assert (student["precision"], student["recall"], student["verdict"]) == (1.0, 1.0, "meets 95%")
    assert (teacher["true_positives"], teacher["precision"], teacher["recall"]) == (1, 1.0, 0.5)
    assert teacher["verdict"] == "BELOW 95%"
    assert by_name["Informed"]["verdict"] == "not expressible"
    assert by_name["Informed"]["note"] == UNAVAILABLE["Informed"]
    assert by_name["Mystery"]["verdict"] == "UNEXPLAINED"
    assert by_name["Great Answer"]["verdict"] == "agree (nobody earned it)"


@pytest.mark.parametrize(
    ("drop", "change", "file", "field"),
    [
        (("Posts", "Score"), None, "Posts.csv.gz", "Score"),
        (None, ("Votes", 2, "CreationDate", "yesterday"), "Votes.csv.gz", "CreationDate"),
        (None, ("Posts", 0, "CreationDate", ""), "Posts.csv.gz", "CreationDate"),
    ],
)
def test_reader_errors_name_file_and_column(
    tmp_path: Path,
    drop: tuple[str, str] | None,
    change: tuple[str, int, str, str] | None,
    file: str,
    field: str,
) -> None:
    folder = write_dump(tmp_path / "bad", drop=drop, change=change)
    with pytest.raises(InputError) as caught:
        read_stackexchange_facts(folder)
    assert Path(caught.value.source).name == file
    assert caught.value.field == field


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "partial")
    (folder / "Votes.csv.gz").unlink()
    with pytest.raises(InputError, match=r"votes\.csv") as caught:
        read_stackexchange_facts(folder)
    assert caught.value.field == "votes"


def test_cli_report_prints_and_writes_markdown(dump: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(app, ["badges", "report", str(dump), "--markdown", str(out)])
    assert result.exit_code == 0, result.output
    assert "Student" in result.output and "Informed" in result.output
    assert out.read_text(encoding="utf-8").startswith("| site badge |")


def test_cli_check_validates_rule_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[badge]]\nid = "x"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["badges", "check", str(bad)])
    assert result.exit_code == 2
    good = tmp_path / "good.toml"
    good.write_text(
        '[[badge]]\nid = "x"\nname = "X"\ndescription = "d"\ntier = "gold"\n'
        '[badge.rule.first]\nfact = "k"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["badges", "check", str(good)])
    assert result.exit_code == 0 and "1 badges are valid" in result.output
