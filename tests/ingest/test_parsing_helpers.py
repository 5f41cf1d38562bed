"""Shared parsing helpers: vectorised keys and timestamp spellings."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.core.events import event_key
from renown.ingest.readers._keys import hash_parts, occurrence, timestamp_text
from renown.ingest.readers._lines import json_array_element_lines
from renown.ingest.readers._values import parse_timestamps, parse_weights

instants = st.datetimes(
    min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)
texts = st.one_of(st.none(), st.text(max_size=12))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(texts, st.text(max_size=12), instants), min_size=1, max_size=20))
def test_vectorised_keys_equal_event_key(rows: list[tuple[str | None, str, datetime]]) -> None:
    frame = pl.DataFrame(
        {
            "actor": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "timestamp": [r[2] for r in rows],
        },
        schema={"actor": pl.String, "target": pl.String, "timestamp": pl.Datetime("us", "UTC")},
    )
    ordinal = occurrence(frame, ["actor", "target", "timestamp"])
    keys = hash_parts(
        frame.with_columns(ordinal.alias("n")),
        [
            pl.lit("src"),
            pl.col("actor"),
            pl.col("target"),
            timestamp_text("timestamp"),
            pl.col("n"),
        ],
    )
    seen: dict[tuple[str | None, str, datetime], int] = {}
    expected = []
    for row in rows:
        seen[row] = seen.get(row, 0) + 1
        expected.append(event_key("src", *row, seen[row]))
    assert keys.to_list() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-06T07:08:09", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06 07:08:09.5Z", datetime(2024, 5, 6, 7, 8, 9, 500_000, tzinfo=UTC)),
        ("2024-05-06T07:08:09-05:00", datetime(2024, 5, 6, 12, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08+0100", datetime(2024, 5, 6, 6, 8, tzinfo=UTC)),
        ("2024-05-06", datetime(2024, 5, 6, tzinfo=UTC)),
        ("1715000000", datetime(2024, 5, 6, 12, 53, 20, tzinfo=UTC)),
        ("1715000000.25", datetime(2024, 5, 6, 12, 53, 20, 250_000, tzinfo=UTC)),
        (" -1.5 ", datetime(1969, 12, 31, 23, 59, 58, 500_000, tzinfo=UTC)),
        ("06/05/2024", None),
        ("1e9", None),
        ("", None),
    ],
)
def test_timestamp_spellings(text: str, expected: datetime | None) -> None:
    # A second, differently spelled value exercises the fall-back parsers.
    parsed = parse_timestamps(pl.Series(["2000-01-01T00:00:00Z", text]))
    assert parsed[1] == expected


def test_weights() -> None:
    parsed = parse_weights(pl.Series(["2", " ", "-0.1", "nan", "x", "0"]), 1.5)
    assert parsed.to_list() == [2.0, 1.5, None, None, None, 0.0]


def test_json_array_element_lines() -> None:
    text = '[\n  {"a": 1},\n\n  {"b": [1,\n 2]}, {"c": "]"}\n]'
    assert json_array_element_lines(text) == [2, 4, 5]
