"""Bad input is refused with an InputError naming the column."""

from __future__ import annotations

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.fairness import impact_table

PEOPLE = pl.DataFrame({"sex": ["F", "M"], "hired": [True, False], "score": [1.0, 2.0]})


@pytest.mark.parametrize(
    ("by", "kwargs", "column"),
    [
        (["race"], {"selected": "hired"}, "race"),
        (["sex", "age_band"], {"selected": "hired"}, "age_band"),
        (["sex"], {"selected": "promoted"}, "promoted"),
        (["sex"], {"score": "prominence"}, "prominence"),
    ],
)
def test_missing_column_is_named(by: list[str], kwargs: dict[str, str], column: str) -> None:
    with pytest.raises(InputError, match="missing column") as raised:
        impact_table(PEOPLE, by, source="round 7", **kwargs)
    assert raised.value.field == column
    assert str(raised.value) == f"round 7, field {column!r}: missing column"


def test_selected_must_be_boolean_and_complete() -> None:
    with pytest.raises(InputError, match="true/false") as raised:
        impact_table(PEOPLE, ["sex"], selected="score")
    assert raised.value.field == "score"
    gaps = PEOPLE.with_columns(pl.Series("hired", [True, None], dtype=pl.Boolean))
    with pytest.raises(InputError, match="1 people have no selection value"):
        impact_table(gaps, ["sex"], selected="hired")


def test_score_must_be_numeric_and_complete() -> None:
    with pytest.raises(InputError, match="numeric") as raised:
        impact_table(PEOPLE, ["sex"], score="sex")
    assert raised.value.field == "sex"
    gaps = PEOPLE.with_columns(pl.Series("score", [1.0, None]))
    with pytest.raises(InputError, match="no score"):
        impact_table(gaps, ["sex"], score="score")
    nan = PEOPLE.with_columns(pl.Series("score", [1.0, float("nan")]))
    with pytest.raises(InputError, match="NaN"):
        impact_table(nan, ["sex"], score="score")


def test_empty_pool_is_refused() -> None:
    with pytest.raises(InputError, match="no people"):
        impact_table(PEOPLE.clear(), ["sex"], selected="hired")


@pytest.mark.parametrize(
    ("by", "kwargs", "message"),
    [
        (["sex"], {}, "exactly one"),
        (["sex"], {"selected": "hired", "score": "score"}, "exactly one"),
        ([], {"selected": "hired"}, "at least one"),
        (["sex", "sex"], {"selected": "hired"}, "twice"),
    ],
)
def test_misuse_is_a_value_error(by: list[str], kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        impact_table(PEOPLE, by, **kwargs)
