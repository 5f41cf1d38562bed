"""Typed tables and their encoding: column kinds, bins, rare and unseen levels, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.core.errors import InputError
from renown.radar.tabular import (
    MAX_BINS,
    CategoricalColumn,
    Encoding,
    NumericColumn,
    learn_encoding,
    parse_table,
    read_table,
)


def test_read_table_keeps_text_lines_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,age,team\n1,34,"red"\n\n2,,blue\n3, 41 ,\n')
    table = read_table(path)
    assert table.frame.columns == ["id", "age", "team"]
    assert table.frame["age"].to_list() == ["34", None, "41"]
    assert table.frame["team"].to_list() == ["red", "blue", None]
    assert [table.line_of(i) for i in range(3)] == [2, 4, 5]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("a,b\n1,2\n3\n", 3, "b"),
        ("a,a\n1,2\n", 1, "a"),
        ("a,b\n", 2, None),
        ('a,b\n1,x"y\n', 2, "b"),
    ],
)
def test_bad_csv_names_line_and_field(text: str, line: int, field: str | None) -> None:
    with pytest.raises(InputError) as caught:
        parse_table(text, source="t.csv")
    assert caught.value.source == "t.csv"
    assert caught.value.line == line
    assert caught.value.field == field


def test_kinds_constant_columns_and_forced_categoricals() -> None:
    frame = pl.DataFrame(
        {
            "age": ["30", "41", None, "25"] * 10,
            "level": ["1", "2", "3", "2"] * 10,
            "team": ["a", "b", "a", "b"] * 10,
            "same": ["x"] * 40,
            "empty": pl.Series([None] * 40, dtype=pl.String),
        }
    )
    encoding = learn_encoding(frame, categorical=["level"])
    kinds = {c.name: c.kind for c in encoding.columns}
    assert kinds == {"age": "numeric", "level": "categorical", "team": "categorical"}
    assert encoding.dropped == ("same", "empty")
    assert len(encoding.notes) == 2
    with pytest.raises(ValueError, match="not in the table"):
        learn_encoding(frame, categorical=["nope"])
    with pytest.raises(ValueError, match="no column varies"):
        learn_encoding(frame.select("same", "empty"))


def test_rare_and_unseen_levels_become_other() -> None:
    teams = ["a"] * 20 + ["b"] * 15 + ["rare"] * 3 + [None] * 2
    encoding = learn_encoding(pl.DataFrame({"team": teams}))
    column = encoding.columns[0]
    assert isinstance(column, CategoricalColumn)
    assert column.levels == ("a", "b")
    codes = encoding.codes(pl.DataFrame({"team": ["a", "b", "rare", "new", None]}))[:, 0]
    assert codes[:4].tolist() == [0.0, 1.0, 2.0, 2.0]
    assert np.isnan(codes[4])
    assert [column.label(c) for c in range(4)] == ["a", "b", "other", "missing"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=400))
def test_numeric_bins_are_ordered_and_bounded(values: list[float]) -> None:
    frame = pl.DataFrame({"x": values})
    if len(set(values)) < 2:
        with pytest.raises(ValueError):
            learn_encoding(frame)
        return
    column = learn_encoding(frame).columns[0]
    assert isinstance(column, NumericColumn)
    assert len(column.edges) + 1 <= MAX_BINS
    assert list(column.edges) == sorted(set(column.edges))
    codes = Encoding((column,)).codes(frame)[:, 0]
    order = np.argsort(values)
    assert np.all(np.diff(codes[order]) >= 0)  # bins follow the values
    assert codes.min() >= 0 and codes.max() <= len(column.edges)


def test_encoding_round_trips_through_json_and_refuses_bad_edges() -> None:
    frame = pl.DataFrame({"x": [str(v) for v in range(100)], "t": ["a", "b"] * 50})
    encoding = learn_encoding(frame)
    again = Encoding.from_dict(encoding.to_dict())
    assert again == encoding
    assert np.array_equal(again.codes(frame), encoding.codes(frame))
    data = encoding.to_dict()
    data["columns"][0]["edges"] = [3.0, 1.0]
    with pytest.raises(ValueError, match="not increasing"):
        Encoding.from_dict(data)


def test_numeric_column_with_text_at_predict_is_named() -> None:
    encoding = learn_encoding(pl.DataFrame({"x": ["1", "2", "3"]}))
    with pytest.raises(ValueError, match="'x' is numeric but holds 'many'"):
        encoding.codes(pl.DataFrame({"x": ["1", "many"]}))
