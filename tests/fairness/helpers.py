"""Tiny pools of people built from hand-countable numbers."""

from __future__ import annotations

import polars as pl


def pool(groups: dict[tuple[str | None, ...], tuple[int, int]], by: list[str]) -> pl.DataFrame:
    """People per group: ``{(value, ...): (selected, n)}`` -> one row per person.

    The rows are interleaved across groups so no test can pass by relying on input order.
    """
    columns: dict[str, list[str | None]] = {name: [] for name in by}
    selected: list[bool] = []
    for values, (chosen, n) in groups.items():
        assert len(values) == len(by) and 0 <= chosen <= n
        for index in range(n):
            for name, value in zip(by, values, strict=True):
                columns[name].append(value)
            selected.append(index < chosen)
    frame = pl.DataFrame(
        {**columns, "selected": selected}, schema_overrides=dict.fromkeys(by, pl.String)
    )
    return frame.sample(fraction=1.0, shuffle=True, seed=7)


def row(table: pl.DataFrame, **where: str) -> dict[str, object]:
    """The one row of ``table`` whose group columns equal ``where``."""
    matches = table.filter(*(pl.col(name) == value for name, value in where.items()))
    assert matches.height == 1, matches
    return matches.row(0, named=True)
