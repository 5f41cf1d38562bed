"""Facts from interaction events and scoring runs, and the fact frame's checks."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from renown.badges import (
    FACT_SCHEMA,
    conform_facts,
    evaluate,
    facts_from_events,
    facts_from_scores,
    load_default_rules,
)
from renown.core.errors import InputError
from tests.conftest import make_events

WHEN = datetime(2024, 7, 1, tzinfo=UTC)


def test_each_event_gives_a_received_and_a_given_fact() -> None:
    events = make_events([("ann", "bob", "kudos"), (None, "bob", "qa"), ("cat", "cat", "kudos")])
    events = events.with_columns(
        pl.Series("kind", ["kudos", "upvote", "kudos"]), pl.Series("weight", [2.0, 1.0, 1.0])
    )
    facts = facts_from_events(events)
    assert list(facts.schema.items()) == list(FACT_SCHEMA.items())
    rows = set(
        facts.select("subject_user", "fact", "actor", "item", "channel", "value").iter_rows()
    )
    assert rows == {
        ("bob", "kudos_received", "ann", None, "kudos", 2.0),
        ("ann", "kudos_given", "ann", "bob", "kudos", 2.0),
        ("bob", "upvote_received", None, None, "qa", 1.0),  # anonymous: nothing given
    }  # the self-addressed kudos gives no fact


def test_default_badges_from_kudos_events() -> None:
    givers = [f"p{i}" for i in range(5)]
    events = make_events([(g, "bob", "kudos") for g in givers], when=WHEN)
    events = events.with_columns(pl.lit("kudos").alias("kind"))
    awards = evaluate(load_default_rules(), facts_from_events(events))
    earned = set(awards.select("badge", "user").iter_rows())
    assert ("team-player", "bob") in earned and ("first-kudos", "bob") in earned
    assert {("appreciator", g) for g in givers} <= earned


def test_prominence_scores_become_threshold_facts() -> None:
    scores = pl.DataFrame({"person": ["ann", "bob"], "score": [85, 40]})
    awards = evaluate(load_default_rules(), facts_from_scores(scores, WHEN))
    assert awards.select("badge", "user", "awarded_at").rows() == [("rising-star", "ann", WHEN)]


def test_conform_adds_optional_columns_and_casts_extras() -> None:
    frame = pl.DataFrame({"subject_user": ["a"], "fact": ["x"], "at": [WHEN], "views": [3]})
    conformed = conform_facts(frame)
    assert conformed.columns == [*FACT_SCHEMA, "views"]
    assert conformed.schema["views"] == pl.Float64


@pytest.mark.parametrize(
    ("frame", "field", "message"),
    [
        (pl.DataFrame({"fact": ["x"], "at": [WHEN]}), "subject_user", "missing"),
        (
            pl.DataFrame({"subject_user": [None], "fact": ["x"], "at": [WHEN]}),
            "subject_user",
            "empty",
        ),
        (pl.DataFrame({"subject_user": ["a"], "fact": ["x"], "at": ["soon"]}), "at", "cannot read"),
        (
            pl.DataFrame({"subject_user": ["a"], "fact": ["x"], "at": [WHEN], "views": ["many"]}),
            "views",
            "cannot read",
        ),
    ],
)
def test_conform_errors_name_the_column(frame: pl.DataFrame, field: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        conform_facts(frame, source="my facts")
    assert (caught.value.source, caught.value.field) == ("my facts", field)
