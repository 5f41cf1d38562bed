"""Stack Exchange badges written in renown's rule language vs the site's real awards.

Runs on the public Quantum Computing dump in RENOWN_DATA_HOME (``make validate``). The
rules come from the site's documented criteria; the awards in the dump are only compared
against, never used to fit a rule.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from renown.badges import evaluate
from renown.badges.stackexchange import TARGET, agreement, load_stackexchange_rules
from renown.datasets.stackexchange_badges import (
    read_stackexchange_awards,
    read_stackexchange_facts,
)

DUMP = "stackexchange-quantumcomputing"


@pytest.fixture
def table(data_home: Path) -> pl.DataFrame:
    folder = data_home / DUMP
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing from RENOWN_DATA_HOME")
    rules = load_stackexchange_rules()
    facts = read_stackexchange_facts(folder)
    first = evaluate(rules, facts)
    assert evaluate(rules, facts, first).height == 0  # idempotent on the real dump too
    return agreement(rules, first, read_stackexchange_awards(folder))


def test_badges_with_complete_inputs_match_the_site(table: pl.DataFrame) -> None:
    complete = table.filter(pl.col("inputs") == "complete")
    assert complete.filter(pl.col("site_users") > 0).height >= 15
    for row in complete.iter_rows(named=True):
        if row["site_users"] == 0 and row["renown_users"] == 0:
            continue
        assert row["precision"] is not None and row["precision"] >= TARGET, row
        assert row["recall"] is not None and row["recall"] >= TARGET, row


def test_every_other_site_badge_has_a_documented_reason(table: pl.DataFrame) -> None:
    others = table.filter(pl.col("inputs") != "complete")
    assert others.filter(pl.col("note").str.strip_chars() == "").height == 0, others
    assert "UNEXPLAINED" not in set(table["verdict"])
