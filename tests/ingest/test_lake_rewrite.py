"""Removing a person's events from the lake: exact, atomic, and safe to run again."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

import renown.ingest.rewrite as rewrite_module
from renown.core.events import event_key
from renown.ingest.lake import EventLake
from renown.ingest.rewrite import remove_identities
from tests.ingest.test_lake import content, events, snapshot


def _lake(tmp_path: Path) -> EventLake:
    """Two appends over three months; ``p1`` acts in some events, ``@P1`` in one more."""
    lake = EventLake(tmp_path / "lake")
    lake.append(events(40))
    extra = events(1, tag="chat").with_columns(
        pl.lit(" @P1 ").alias("actor"), pl.lit("p3").alias("target")
    )
    lake.append(extra)
    return lake


def _names_p1(frame: pl.DataFrame) -> pl.Series:
    """Events whose actor or target is ``p1`` however it was written (computed by rows)."""

    def named(value: str | None) -> bool:
        return value is not None and value.strip().lower().lstrip("@") == "p1"

    return pl.Series(
        [named(a) or named(t) for a, t in zip(frame["actor"], frame["target"], strict=True)]
    )


def test_every_event_of_the_identity_goes_and_nothing_else(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    before = content(lake)
    mine = before.filter(_names_p1(before))
    assert 0 < mine.height < before.height
    old_files = {p.file for p in lake.parts()}
    assert remove_identities(lake, {"p1"}) == mine.height
    after = content(lake)
    assert after.equals(before.filter(~_names_p1(before)))
    assert old_files != {p.file for p in lake.parts()}
    stored = {p.relative_to(lake.path).as_posix() for p in lake.path.rglob("*.parquet")}
    assert stored == {p.file for p in lake.parts()}, "replaced originals must be deleted"
    assert remove_identities(lake, {"p1"}) == 0
    assert content(lake).equals(after)


def test_a_failure_before_the_commit_leaves_the_lake_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = _lake(tmp_path)
    before = content(lake)
    files = snapshot(lake.path)
    written: list[Path] = []
    real = rewrite_module.write_part

    def write_then_fail(frame: pl.DataFrame, path: Path) -> None:
        if written:
            raise OSError("disk full")
        real(frame, path)
        written.append(path)

    monkeypatch.setattr(rewrite_module, "write_part", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        remove_identities(lake, {"p1"})
    assert snapshot(lake.path) == files
    assert content(lake).equals(before)


def test_a_crash_at_the_manifest_leaves_strays_the_next_run_sweeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = _lake(tmp_path)
    before = content(lake)

    def crash(self: EventLake, parts: object) -> None:
        raise KeyboardInterrupt  # the process dies before the manifest is replaced

    monkeypatch.setattr(EventLake, "_write_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        remove_identities(lake, {"p1"})
    monkeypatch.undo()
    assert content(lake).equals(before), "readers still see the old lake"
    strays = {p.name for p in lake.path.rglob("part-*.parquet")} - {
        Path(p.file).name for p in lake.parts()
    }
    assert strays, "the new parts were written, unlisted"
    assert remove_identities(lake, {"p1"}) > 0
    stored = {p.relative_to(lake.path).as_posix() for p in lake.path.rglob("*.parquet")}
    assert stored == {p.file for p in lake.parts()}
    assert content(lake).equals(before.filter(~_names_p1(before)))


def test_originals_left_by_a_crash_after_the_commit_are_ignored_and_swept(
    tmp_path: Path,
) -> None:
    lake = _lake(tmp_path)
    keep = tmp_path / "copy"
    shutil.copytree(lake.path, keep)
    remove_identities(lake, {"p1"})
    after = content(lake)
    for old in keep.rglob("part-*.parquet"):  # as if the deletes never happened
        target = lake.path / old.relative_to(keep)
        if not target.exists():
            shutil.copy(old, target)
    assert content(lake).equals(after)
    lake.append(events(1, tag="later"))
    stored = {p.relative_to(lake.path).as_posix() for p in lake.path.rglob("*.parquet")}
    assert stored == {p.file for p in lake.parts()}
    assert event_key("later", 0) in set(content(lake)["event_key"])
