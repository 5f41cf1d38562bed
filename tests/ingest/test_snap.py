"""SNAP edge-list reader."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.core.events import event_key
from renown.ingest.readers.snap import read_snap


def test_temporal_gz_with_offset_and_comments(tmp_path: Path) -> None:
    file = tmp_path / "email-temporal.txt.gz"
    with gzip.open(file, "wt", encoding="utf-8") as handle:
        handle.write("# Directed graph\n# src dst t\n0 1 0\n0\t2   60\n\n1 0 3600.5\n0 1 0\n")
    start = datetime(2003, 10, 1, tzinfo=UTC)
    events = read_snap(file, channel="email", kind="to", epoch_offset=start, prefix="eu:")
    assert events["actor"].to_list() == ["eu:0", "eu:0", "eu:1", "eu:0"]
    assert events["target"].to_list() == ["eu:1", "eu:2", "eu:0", "eu:1"]
    assert events["timestamp"].to_list() == [
        start,
        datetime(2003, 10, 1, 0, 1, tzinfo=UTC),
        datetime(2003, 10, 1, 1, 0, 0, 500_000, tzinfo=UTC),
        start,
    ]
    assert set(events["kind"]) == {"to"}
    keys = events["event_key"].to_list()
    assert keys[0] == event_key(file.name, "eu:0", "eu:1", start, "email", "to", 1)
    assert keys[3] == event_key(file.name, "eu:0", "eu:1", start, "email", "to", 2)
    assert (
        read_snap(file, channel="email", kind="to", epoch_offset=start, prefix="eu:")[
            "event_key"
        ].to_list()
        == keys
    )


def test_static_list_uses_epoch_offset_as_time(tmp_path: Path) -> None:
    file = tmp_path / "static.txt"
    file.write_text("1 2\n2 3\n", encoding="utf-8")
    events = read_snap(file, epoch_offset=1_700_000_000)
    assert set(events["timestamp"]) == {datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)}


@pytest.mark.parametrize(
    ("line", "field"),
    [("7", "src"), ("1 2 3 4", "src"), ("1 2 soon", "time"), ("1 2 1e400", "time")],
)
def test_bad_line_names_file_line_and_field(tmp_path: Path, line: str, field: str) -> None:
    file = tmp_path / "edges.txt"
    file.write_text(f"# header\n1 2 10\n\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_snap(file)
    assert str(caught.value).startswith(f"{file}, line 4, field '{field}'")


def test_undecodable_line(tmp_path: Path) -> None:
    file = tmp_path / "edges.txt"
    file.write_bytes(b"1 2 10\n\xff 3 20\n")
    with pytest.raises(InputError, match=r"edges\.txt, line 2: is not valid UTF-8"):
        read_snap(file)
