"""Small generated standings tables (never the shared real data)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest


def synthetic_rows(
    *, players: int = 300, contests: int = 60, field: int = 80, seed: int = 3
) -> tuple[list[tuple[str, str, int, int]], np.ndarray]:
    """Rows ``(contest_id, handle, rank_lo, rank_hi)`` of contests whose order follows a
    known skill plus noise (ties where the rounded performance is equal), and the skills.

    Who takes part is random and independent of skill, so experience alone predicts
    nothing; a rating that learns skill should.
    """
    rng = np.random.default_rng(seed)
    skill = rng.normal(0.0, 1.0, players)
    rows: list[tuple[str, str, int, int]] = []
    for contest in range(contests):
        who = rng.choice(players, size=min(field, players), replace=False)
        performance = np.round((skill[who] + rng.normal(0.0, 0.7, who.size)) * 4) / 4
        order = np.argsort(-performance, kind="stable")
        ranked = performance[order]
        for position, index in enumerate(order):
            lo = int(np.searchsorted(-ranked, -ranked[position], side="left"))
            hi = int(np.searchsorted(-ranked, -ranked[position], side="right")) - 1
            rows.append((f"c{contest}", f"p{who[index]}", lo, hi))
    return rows, skill


def write_table(path: Path, rows: list[tuple[object, ...]], delimiter: str = "\t") -> Path:
    """``rows`` under the standard header, gzip-compressed when ``path`` ends in .gz."""
    header = delimiter.join(("contest_id", "handle", "rank_lo", "rank_hi"))
    text = "\n".join([header, *(delimiter.join(str(c) for c in row) for row in rows)]) + "\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def synthetic_file(tmp_path: Path) -> Path:
    rows, _skill = synthetic_rows()
    return write_table(tmp_path / "standings.tsv.gz", list(rows))
