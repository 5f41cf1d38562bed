"""Reading standings tables: the good path and every refusal, located."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renown.challenges.ratings.standings import pairwise_wins, read_standings
from renown.core.errors import InputError

from .conftest import write_table

GOOD = [("a", "x", 0, 0), ("a", "y", 1, 2), ("a", "z", 1, 2), ("b", "y", 0, 0), ("b", "w", 1, 1)]


@pytest.mark.parametrize(
    ("name", "delimiter"), [("s.csv", ","), ("s.tsv", "\t"), ("s.tsv.gz", "\t")]
)
def test_reads_csv_tsv_and_gzip(tmp_path: Path, name: str, delimiter: str) -> None:
    standings = read_standings(write_table(tmp_path / name, list(GOOD), delimiter))
    assert standings.contest_ids == ["a", "b"]
    assert standings.handles == ["x", "y", "z", "w"]
    assert standings.rows == 5 and standings.players == 4 and standings.contests == 2
    players, lo, hi = standings.contest(1)
    assert players.tolist() == [1, 3] and lo.tolist() == [0, 1] and hi.tolist() == [0, 1]
    assert standings.head(1).rows == 3


def test_delimiter_comes_from_the_header_not_the_suffix(tmp_path: Path) -> None:
    standings = read_standings(write_table(tmp_path / "s.txt", list(GOOD), "\t"))
    assert standings.rows == 5


def _error(tmp_path: Path, text: str, name: str = "bad.csv") -> InputError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_standings(path)
    assert caught.value.source == str(path)
    return caught.value


HEADER = "contest_id,handle,rank_lo,rank_hi\n"


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("contest_id,handle,rank_lo\na,x,0\n", 1, "rank_hi", "no column"),
        (HEADER + "a,x,0,0\na,y,one,1\n", 3, "rank_lo", "not a non-negative integer"),
        (HEADER + "a,x,0,0\na,y,1,1.5\n", 3, "rank_hi", "not a non-negative integer"),
        (HEADER + "a,x,0,-1\n", 2, "rank_hi", "not a non-negative integer"),
        (HEADER + "a,x,0,0\na,y,2,1\n", 3, "rank_lo", "above rank_hi"),
        (HEADER + "a,x,0,0\nb,y,0,0\na,z,1,1\n", 4, "contest_id", "contiguous"),
        (HEADER + "a,x,0,0\na,y,1,1\na,x,2,2\n", 4, "handle", "twice"),
        (HEADER + "a,x,0,0\na,,1,1\n", 3, "handle", "empty"),
        (HEADER + "a,x,0,0\n\na,y,one,1\n", 4, "rank_lo", "not a non-negative integer"),
        (HEADER, 2, None, "no rows"),
        ("", 1, None, "empty"),
    ],
)
def test_refusals_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    error = _error(tmp_path, text)
    assert (error.line, error.field) == (line, field), str(error)
    assert words in error.message


def test_malformed_text_is_located(tmp_path: Path) -> None:
    error = _error(tmp_path, HEADER + "a,x,0,0\na,y,1\n")
    assert error.line == 3


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_standings(tmp_path / "nothing.csv")


def test_pairwise_wins_count_ties_half() -> None:
    wins = pairwise_wins(np.array([0, 1, 1, 3, 4], dtype=np.int64))
    assert wins.tolist() == [4.0, 2.5, 2.5, 1.0, 0.0]
