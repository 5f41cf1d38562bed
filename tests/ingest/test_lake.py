"""Event lake: partitioning, dedupe, transactional appends, locking, scans."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

import renown.ingest.lake as lake_module
import renown.ingest.lake_parts as parts_module
from renown.core.errors import InputError
from renown.core.events import event_key
from renown.ingest.lake import EventLake
from renown.ingest.lock import LakeLock, LakeLockedError
from renown.ingest.readers.tabular import read_tabular
from renown.ingest.schema import EVENT_SCHEMA
from renown.scoring.pipeline import input_fingerprint
from tests.helpers import modes_under

START = datetime(2024, 1, 30, 12, tzinfo=UTC)


def events(
    count: int, *, start: datetime = START, step_days: float = 1.0, tag: str = "e"
) -> pl.DataFrame:
    """``count`` events one every ``step_days``, with keys unique per ``tag``."""
    return pl.DataFrame(
        {
            "event_key": [event_key(tag, i) for i in range(count)],
            "actor": [None if i % 5 == 0 else f"p{i % 3}" for i in range(count)],
            "target": [f"p{(i + 1) % 4}" for i in range(count)],
            "timestamp": [start + timedelta(days=step_days * i) for i in range(count)],
            "channel": ["email"] * count,
            "kind": ["to"] * count,
            "weight": [1.0 + i for i in range(count)],
            "source": ["test"] * count,
        },
        schema=EVENT_SCHEMA,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def content(lake: EventLake) -> pl.DataFrame:
    return lake.scan().collect().sort("event_key")


def test_append_partitions_by_month_and_round_trips(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    frame = events(40)  # 2024-01-30 .. 2024-03-09
    result = lake.append(frame)
    assert (result.added, result.duplicates) == (40, 0)
    assert result.months == ["2024-01", "2024-02", "2024-03"]
    folders = sorted(p.name for p in (tmp_path / "lake").glob("month=*"))
    assert folders == ["month=2024-01", "month=2024-02", "month=2024-03"]
    for folder in (tmp_path / "lake").glob("month=*"):
        parts = list(folder.glob("part-*.parquet"))
        assert len(parts) == 1
        months = pl.read_parquet(parts[0])["timestamp"].dt.strftime("%Y-%m").unique()
        assert months.to_list() == [folder.name.removeprefix("month=")]
    assert content(lake).equals(frame.sort("event_key"))


def test_reappending_adds_nothing_and_dedupes_within_frame(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    frame = events(10)
    lake.append(frame)
    before = snapshot(tmp_path / "lake")
    again = lake.append(frame)
    assert (again.added, again.duplicates, again.months) == (0, 10, [])
    assert snapshot(tmp_path / "lake") == before
    repeated = pl.concat([events(3, tag="x"), events(3, tag="x").with_columns(weight=pl.lit(9.0))])
    result = lake.append(repeated)
    assert (result.added, result.duplicates) == (3, 3)
    stored = content(lake).filter(pl.col("event_key").is_in(repeated["event_key"].implode()))
    assert sorted(stored["weight"]) == [1.0, 2.0, 3.0]  # the first occurrence is kept


def test_reimporting_a_file_adds_nothing(tmp_path: Path) -> None:
    source = tmp_path / "log.csv"
    source.write_text(
        "actor,target,timestamp\n,b,2024-01-01T00:00:00\n,b,2024-01-01T00:00:00\nb,a,2024-02-01\n",
        encoding="utf-8",
    )
    lake = EventLake(tmp_path / "lake")
    assert lake.append(read_tabular(source)).added == 3  # two anonymous acts, one message
    assert lake.append(read_tabular(source)).added == 0
    assert lake.stats().rows == 3


def test_failure_while_writing_leaves_lake_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lake"
    lake = EventLake(root)
    lake.append(events(5))
    before, stored = snapshot(root), content(lake)
    real_write = parts_module.write_part
    calls: list[Path] = []

    def failing_write(frame: pl.DataFrame, path: Path) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(frame, path)

    monkeypatch.setattr(parts_module, "write_part", failing_write)
    with pytest.raises(OSError, match="disk full"):
        lake.append(events(60, start=datetime(2024, 6, 1, tzinfo=UTC), tag="new"))
    assert len(calls) == 2
    assert snapshot(root) == before
    assert content(lake).equals(stored)


def test_failure_at_commit_removes_renamed_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lake"
    lake = EventLake(root)
    lake.append(events(5))
    before = snapshot(root)

    def failing_manifest(self: EventLake, parts: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(EventLake, "_write_manifest", failing_manifest)
    with pytest.raises(OSError, match="power cut"):
        lake.append(events(40, start=datetime(2024, 6, 1, tzinfo=UTC), tag="new"))
    assert snapshot(root) == before


def test_invalid_frame_is_rejected_before_any_write(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = EventLake(root)
    lake.append(events(3))
    before = snapshot(root)
    bad_target = events(4, tag="t").with_columns(
        target=pl.Series(["a", "b", None, "d"], dtype=pl.String)
    )
    with pytest.raises(InputError, match=r"event frame, line 3, field 'target'"):
        lake.append(bad_target)
    with pytest.raises(InputError, match=r"line 2, field 'weight'"):
        lake.append(events(3, tag="w").with_columns(weight=pl.Series([1.0, -2.0, 1.0])))
    with pytest.raises(InputError, match=r"field 'timestamp'"):
        lake.append(events(2, tag="s").with_columns(timestamp=pl.lit("2024-01-01")))
    with pytest.raises(InputError, match=r"field 'source'"):
        lake.append(events(2, tag="m").drop("source"))
    assert snapshot(root) == before


def test_scan_window_prunes_months(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    lake.append(events(90, start=datetime(2024, 1, 1, tzinfo=UTC)))  # Jan .. Mar
    files = lake.files(since=date(2024, 2, 10), until=datetime(2024, 3, 1))
    assert [f.parent.name for f in files] == ["month=2024-02"]
    window = lake.scan(since=date(2024, 2, 10), until=datetime(2024, 3, 1)).collect()
    assert window["timestamp"].min() == datetime(2024, 2, 10, tzinfo=UTC)
    assert window["timestamp"].max() == datetime(2024, 2, 29, tzinfo=UTC)
    assert window.height == 20
    assert lake.scan(since=datetime(2030, 1, 1, tzinfo=UTC)).collect().height == 0
    assert lake.scan(until=date(2024, 1, 1)).collect().schema == EVENT_SCHEMA


def test_stats_and_empty_lake(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    empty = lake.scan().collect()
    assert empty.height == 0
    assert empty.schema == EVENT_SCHEMA
    assert lake.stats().rows == 0
    lake.append(events(40))
    stats = lake.stats()
    assert stats.rows == 40
    assert stats.months == ["2024-01", "2024-02", "2024-03"]
    assert stats.people == 4  # p0..p3 (actors p0..p2, targets p0..p3)


def test_leftovers_of_a_crash_are_ignored_then_swept(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = EventLake(root)
    lake.append(events(3))
    orphan_dir = root / "month=2023-12"
    orphan_dir.mkdir()
    events(2, tag="ghost", start=datetime(2023, 12, 5, tzinfo=UTC)).write_parquet(
        orphan_dir / "part-orphan.parquet"
    )
    (orphan_dir / ".part-half.parquet.tmp").write_bytes(b"partial")
    assert lake.stats().rows == 3
    assert content(lake).height == 3
    lake.append(events(1, tag="next"))
    assert not (orphan_dir / "part-orphan.parquet").exists()
    assert not (orphan_dir / ".part-half.parquet.tmp").exists()
    assert content(lake).height == 4


def test_lock_keeps_a_second_writer_out(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = EventLake(root)
    lake.append(events(1))
    with LakeLock(root / ".lock"), pytest.raises(LakeLockedError, match="another import"):
        EventLake(root).append(events(2, tag="second"))
    assert lake.append(events(2, tag="second")).added == 2


def test_fingerprint_from_manifest_equals_the_row_by_row_one(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    assert lake.fingerprint() == "0:0000000000000000"
    lake.append(events(40))
    first = lake.fingerprint()
    assert first == input_fingerprint(lake.scan().collect())
    lake.append(events(30, start=START + timedelta(days=10), tag="more"))
    assert lake.fingerprint() == input_fingerprint(lake.scan().collect())
    assert lake.fingerprint() != first
    lake.append(events(40))  # nothing new: same events, same fingerprint
    assert lake.fingerprint() == input_fingerprint(lake.scan().collect())


def test_version_1_manifest_is_fingerprinted_then_upgraded(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    lake.append(events(40))
    manifest = tmp_path / "lake" / "_manifest.json"
    old = json.loads(manifest.read_text())
    for entry in old["parts"]:
        del entry["key_sum"]
    manifest.write_text(json.dumps({**old, "version": 1}))
    assert all(part.key_sum is None for part in lake.parts())
    assert lake.fingerprint() == input_fingerprint(lake.scan().collect())
    lake.append(events(5, start=START + timedelta(days=3), tag="new"))
    upgraded = json.loads(manifest.read_text())
    assert upgraded["version"] == lake_module.MANIFEST_VERSION
    assert all("key_sum" in entry for entry in upgraded["parts"])
    assert lake.fingerprint() == input_fingerprint(lake.scan().collect())


def test_keys_that_are_not_hex_are_stored_without_a_key_sum(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    frame = events(3).with_columns(pl.format("key-{}", pl.int_range(3)).alias("event_key"))
    assert lake.append(frame).added == 3
    assert [part.key_sum for part in lake.parts()] == [None, None]
    with pytest.raises(pl.exceptions.PolarsError):
        lake.fingerprint()  # as for the same events in a frame


@pytest.mark.usefixtures("any_umask")
def test_the_lake_is_readable_by_renown_only(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "home" / "orgs" / "acme" / "lake")
    lake.append(events(40, step_days=2))
    lake.append(events(10, tag="more"))
    modes = modes_under(tmp_path / "home")
    folders = {name for name in modes if (tmp_path / "home" / name).is_dir()}
    assert {"orgs/acme/lake", "orgs/acme/lake/month=2024-02"} <= folders
    assert {name: modes[name] for name in folders} == dict.fromkeys(folders, 0o700)
    files = set(modes) - folders
    assert {"orgs/acme/lake/_manifest.json", "orgs/acme/lake/.lock"} <= files
    assert len(files) == 2 + len(lake.parts())
    assert {name: modes[name] for name in files} == dict.fromkeys(files, 0o600)
