"""SNAP email-Eu-core loader on tiny fixtures in the published formats."""

from __future__ import annotations

import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.datasets import EU_CORE_ORIGIN, load_eu_core
from renown.datasets.eu_core import read_snap_columns
from renown.ingest.schema import EVENT_SCHEMA
from tests.datasets.fixtures import gz, register, write

TEMPORAL = b"0 1 10\n1 0 20\n0 1 10\n2 1 5\n"
STATIC = b"0 1\r\n1 2\r\n2 2\r\n"
LABELS = b"0 1\n1 1\n2 3\n3 0\n"


@pytest.fixture(autouse=True)
def _no_environment_data_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets RENOWN_DATA_HOME for the real-data tests; these tests choose their own."""
    monkeypatch.delenv("RENOWN_DATA_HOME", raising=False)


def eu_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    write(home / "eu-core" / "email-Eu-core-temporal.txt.gz", gz(TEMPORAL))
    write(home / "eu-core" / "email-Eu-core.txt.gz", gz(STATIC))
    write(home / "eu-core" / "email-Eu-core-department-labels.txt", LABELS)
    register(monkeypatch, "eu-core/email-Eu-core-temporal.txt.gz", TEMPORAL)
    register(monkeypatch, "eu-core/email-Eu-core.txt.gz", STATIC)
    register(monkeypatch, "eu-core/email-Eu-core-department-labels.txt.gz", LABELS)
    return home


def test_temporal_offsets_become_times_from_the_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_eu_core(data_home=eu_home(monkeypatch, tmp_path), cache_dir=tmp_path / "c")

    events = data.events
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert events["actor"].to_list() == ["eu:0", "eu:1", "eu:0", "eu:2"]
    assert events["target"].to_list() == ["eu:1", "eu:0", "eu:1", "eu:1"]
    offsets = [10, 20, 10, 5]
    assert events["timestamp"].to_list() == [EU_CORE_ORIGIN + timedelta(seconds=s) for s in offsets]
    assert set(events["kind"]) == {"message"}
    assert set(events["source"]) == {"eu-core-temporal"}
    assert data.people["id"].to_list() == ["eu:0", "eu:1", "eu:2"]
    assert data.groups is None
    assert any("2 rows share (src, dst, t)" in note for note in data.notes)


def test_repeated_rows_get_distinct_stable_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = eu_home(monkeypatch, tmp_path)
    first = load_eu_core(data_home=home, cache_dir=tmp_path / "c").events["event_key"]
    second = load_eu_core(data_home=home, cache_dir=tmp_path / "c").events["event_key"]
    assert first.to_list() == second.to_list()
    assert first.n_unique() == 4


def test_static_graph_carries_department_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = eu_home(monkeypatch, tmp_path)

    data = load_eu_core(temporal=False, data_home=home, cache_dir=tmp_path / "c")

    assert data.events.height == 3
    assert set(data.events["timestamp"]) == {EU_CORE_ORIGIN}
    assert data.people.to_dicts() == [
        {"id": "eu:0", "node": 0, "department": 1},
        {"id": "eu:1", "node": 1, "department": 1},
        {"id": "eu:2", "node": 2, "department": 3},
        {"id": "eu:3", "node": 3, "department": 0},
    ]
    assert data.groups == {"eu:0": "dept:1", "eu:1": "dept:1", "eu:2": "dept:3", "eu:3": "dept:0"}
    assert any("1 edges go from a person to themself" in note for note in data.notes)


def test_download_route_caches_snap_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = write(tmp_path / "snap" / "email-Eu-core-temporal.txt.gz", gz(TEMPORAL))
    register(monkeypatch, "eu-core/email-Eu-core-temporal.txt.gz", TEMPORAL, url=served.as_uri())
    opened: list[str] = []
    original = urllib.request.urlopen

    def counting(request: urllib.request.Request, *args: Any, **kwargs: Any) -> Any:
        opened.append(request.full_url)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", counting)

    first = load_eu_core(cache_dir=tmp_path / "cache")
    second = load_eu_core(cache_dir=tmp_path / "cache")

    assert opened == [served.as_uri()]
    assert first.events.equals(second.events)
    assert first.files == (tmp_path / "cache" / "eu-core" / "email-Eu-core-temporal.txt.gz",)


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (b"0 1 10\n0 1 x\n", 2, "t", "not a non-negative integer"),
        (b"0 1 10\n0 1\n", 2, None, "expected 3 fields"),
        (b"0 1 10\n-1 1 3\n", 2, "src", "not a non-negative integer"),
    ],
)
def test_malformed_lines_are_located(
    tmp_path: Path, text: bytes, line: int, field: str | None, message: str
) -> None:
    path = write(tmp_path / "t.txt", text)
    with pytest.raises(InputError, match=message) as caught:
        read_snap_columns(path, ("src", "dst", "t"), limit=1000)
    assert (caught.value.line, caught.value.field) == (line, field)


def test_comments_and_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", b"# Directed graph\n\n0\t1 10\n")
    frame = read_snap_columns(path, ("src", "dst", "t"), limit=1000)
    assert frame.to_dicts() == [{"src": 0, "dst": 1, "t": 10, "line": 3}]


def test_node_labelled_twice_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = eu_home(monkeypatch, tmp_path)
    labels = LABELS + b"1 4\n"
    write(home / "eu-core" / "email-Eu-core-department-labels.txt", labels)
    register(monkeypatch, "eu-core/email-Eu-core-department-labels.txt.gz", labels)
    with pytest.raises(InputError, match="node 1 is labelled twice") as caught:
        load_eu_core(temporal=False, data_home=home, cache_dir=tmp_path / "c")
    assert caught.value.line == 5
