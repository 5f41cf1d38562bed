"""The chunked synthetic generator: deterministic, bounded chunks, and a lake renown reads."""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from bench.synth import AS_OF, SPAN, SynthSpec, synth_events
from bench.synthgen import generate, label_count, parse_count, synth_chunks
from renown.ingest.lake import EventLake, event_key_sum, events_fingerprint
from renown.ingest.schema import EVENT_SCHEMA

SPEC = SynthSpec(people=300, events=2_500, team_size=50, seed=7)


def _all(spec: SynthSpec, chunk: int) -> pl.DataFrame:
    return pl.concat(list(synth_chunks(spec, chunk)))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100M", 100_000_000),
        ("2.5m", 2_500_000),
        ("500k", 500_000),
        ("1e6", 1_000_000),
        ("2_000_000", 2_000_000),
        ("7", 7),
    ],
)
def test_counts_read_with_suffixes(text: str, value: int) -> None:
    assert parse_count(text) == value
    assert parse_count(label_count(value)) == value


@pytest.mark.parametrize("text", ["", "many", "0", "-3M"])
def test_counts_refuse_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="count"):
        parse_count(text)


def test_chunks_are_deterministic_bounded_and_keyed_in_order() -> None:
    chunks = list(synth_chunks(SPEC, 1_000))
    assert [c.height for c in chunks] == [1_000, 1_000, 500]
    frame = pl.concat(chunks)
    assert frame.schema == pl.Schema(EVENT_SCHEMA)
    assert frame["event_key"].to_list() == [f"e{i}" for i in range(SPEC.events)]
    assert frame.equals(_all(SPEC, 1_000))
    assert not frame.equals(_all(SynthSpec(**{**SPEC.__dict__, "seed": 8}), 1_000))


def test_chunks_draw_the_distribution_of_synth_events() -> None:
    """Not the same rows (other generators), but the same people, shares and span."""
    spec = SynthSpec(people=2_000, events=60_000, team_size=100, seed=3)
    chunked, whole = _all(spec, 7_000), synth_events(spec)

    def shape(frame: pl.DataFrame) -> dict[str, float]:
        return {
            "anonymous": frame["actor"].null_count() / frame.height,
            "email": (frame["channel"] == "email").mean(),  # type: ignore[dict-item]
            "cc": (frame["kind"] == "cc").mean(),  # type: ignore[dict-item]
            "targets": frame["target"].n_unique() / spec.people,
        }

    for key, value in shape(whole).items():
        assert shape(chunked)[key] == pytest.approx(value, abs=0.02), key
    stamps = chunked["timestamp"]
    assert stamps.min() >= AS_OF - SPAN  # type: ignore[operator]
    assert stamps.max() < AS_OF  # type: ignore[operator]


def test_generated_lake_is_a_lake_renown_reads(tmp_path: Path) -> None:
    done = generate(tmp_path / "lake", SPEC, chunk_events=1_000)
    lake = EventLake(done.path)
    frame = lake.scan().collect()
    expected = _all(SPEC, 1_000)
    assert frame.sort("event_key").equals(expected.sort("event_key"))
    assert len(lake.parts()) == done.files == 3 * len(lake.stats().months)
    assert lake.fingerprint() == events_fingerprint(
        expected.height, event_key_sum(expected["event_key"])
    )
    for part in lake.parts():
        rows = pl.read_parquet(done.path / part.file)
        assert rows["timestamp"].is_sorted()
        assert (part.rows, part.first, part.last) == (
            rows.height,
            rows["timestamp"].min(),
            rows["timestamp"].max(),
        )
    files = [p for p in done.path.rglob("*") if p.is_file()]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert lake.append(expected.head(10)).added == 0  # the lake's own dedupe sees every key
    assert not list(tmp_path.glob(".*.tmp"))


def test_generated_parquet_file_and_no_overwrite(tmp_path: Path) -> None:
    done = generate(tmp_path / "events.parquet", SPEC, chunk_events=1_000, parquet=True)
    assert pq.ParquetFile(done.path).metadata.num_rows == SPEC.events
    assert pl.read_parquet(done.path).equals(_all(SPEC, 1_000))
    with pytest.raises(FileExistsError):
        generate(done.path, SPEC, parquet=True)
