"""The alias table: one person's several ids, read with errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.ingest import merge_aliases, read_aliases


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_aliases_and_ignores_a_person_listed_as_their_own_alias(tmp_path: Path) -> None:
    table = write(tmp_path / "a.csv", "alias,person\nann2,ann\n ann3 , ann \nann,ann\n")
    assert read_aliases(table) == {"ann2": "ann", "ann3": "ann"}


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("alias,person\nann2,ann\nann2,bob\n", 3, "alias", "already an alias of 'ann'"),
        ("alias,person\nann2,\n", 2, "person", "empty value"),
        ("alias,person\nbob,cid\nann2,bob\n", 3, "person", "both an alias and a person"),
    ],
)
def test_bad_rows_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    table = write(tmp_path / "a.csv", text)
    with pytest.raises(InputError, match=words) as caught:
        read_aliases(table)
    assert (caught.value.source, caught.value.line, caught.value.field) == (str(table), line, field)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="person"):
        read_aliases(write(tmp_path / "a.csv", "alias,who\nann2,ann\n"))


def test_merging_rewrites_actors_and_targets() -> None:
    events = pl.DataFrame({"actor": ["ann2", None, "bob"], "target": ["bob", "ann3", "ann2"]})
    merged = merge_aliases(events, {"ann2": "ann", "ann3": "ann"})
    assert merged["actor"].to_list() == ["ann", None, "bob"]
    assert merged["target"].to_list() == ["bob", "ann", "ann"]
