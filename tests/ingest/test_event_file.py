"""Scoring a table as it is: no event keys, the same events and scores as an import."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import renown.ingest.files as files_module
from renown.core.errors import InputError, RenownError
from renown.ingest.files import SCORED_COLUMNS, EventFile
from renown.ingest.lake import EventLake
from renown.ingest.readers._copies import copies, repeated_values
from renown.ingest.readers._keys import CONTENT_COLUMNS, occurrence
from renown.ingest.readers.tabular import read_tabular
from renown.ingest.stream import import_source
from renown.scoring.pipeline import score_events
from tests.helpers import random_events


def _slow_copies(events: pl.DataFrame) -> pl.Series:
    ordinal = occurrence(events, (*CONTENT_COLUMNS, "weight"))
    return (ordinal > 1) & events.get_column("actor").is_not_null()


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]),
            st.sampled_from(["a", "b", "c"]),
            st.integers(0, 2),
            st.sampled_from(["email", "chat"]),
            st.sampled_from(["to", "cc"]),
            st.sampled_from([1.0, 0.5]),
        ),
        max_size=60,
    )
)
def test_copies_agree_with_the_exact_window(
    rows: list[tuple[str | None, str, int, str, str, float]],
) -> None:
    frame = pl.DataFrame(
        rows,
        schema={
            "actor": pl.String,
            "target": pl.String,
            "timestamp": pl.Int64,
            "channel": pl.String,
            "kind": pl.String,
            "weight": pl.Float64,
        },
        orient="row",
    ).with_columns(pl.col("timestamp").cast(pl.Datetime("us", "UTC")))
    assert copies(frame).to_list() == _slow_copies(frame).to_list()


def test_repeated_values_marks_every_holder_of_a_repeated_hash() -> None:
    hashes = np.array([5, 1, 5, 7, 1, 9, 5], dtype=np.uint64)
    assert repeated_values(hashes).tolist() == [True, True, True, False, True, False, True]
    assert repeated_values(np.zeros(0, dtype=np.uint64)).tolist() == []


def _with_copies(tmp_path: Path) -> Path:
    events = random_events(40, 400, seed=5).drop("event_key", "source")
    doubled = pl.concat([events, events.head(25)])  # 25 copies of messages (a second folder)
    path = tmp_path / "events.csv"
    doubled.write_csv(path)
    return path


def test_an_unkeyed_read_keeps_the_events_an_import_keeps(tmp_path: Path) -> None:
    path = _with_copies(tmp_path)
    keyed = read_tabular(path)
    unkeyed = EventFile(path, "csv").read()
    assert unkeyed.get_column("event_key").null_count() == unkeyed.height
    columns = [c for c in keyed.columns if c != "event_key"]
    assert unkeyed.select(columns).equals(keyed.select(columns))
    scored = score_events(EventFile(path, "csv"), trend_days=None).scores
    assert scored.equals(score_events(keyed, trend_days=None).scores)


def test_fingerprint_follows_the_bytes_and_the_mapping(tmp_path: Path) -> None:
    path = _with_copies(tmp_path)
    first = EventFile(path, "csv").fingerprint()
    assert first.startswith("file:")
    assert EventFile(path, "csv").fingerprint() == first
    renamed = {"actor": "actor", "target": "target"}
    assert EventFile(path, "csv", renamed).fingerprint() != first
    path.write_text(path.read_text() + "x@corp,y@corp,2024-01-01T00:00:00Z,email,to,1.0\n")
    assert EventFile(path, "csv").fingerprint() != first


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_a_file_replaced_while_it_is_scored_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: Literal["csv", "parquet", "jsonl"]
) -> None:
    monkeypatch.setattr(files_module, "SLICE_ROWS", 37)
    events = random_events(40, 400, seed=5).drop("event_key", "source")
    path, other = tmp_path / f"events.{fmt}", tmp_path / f"other.{fmt}"
    for frame, target in ((events, path), (events.head(100), other)):
        getattr(frame, {"csv": "write_csv", "parquet": "write_parquet"}.get(fmt, "write_ndjson"))(
            target
        )
    source = EventFile(path, fmt)
    source.fingerprint()  # hashed before the file is replaced
    os.replace(other, path)  # a new export moved into place, between hashing and reading
    with pytest.raises(InputError, match="changed while it was being read"):
        source.scoring_events()


def test_a_file_written_to_while_it_is_checked_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "SLICE_ROWS", 37)
    path = _parquet_with_copies(tmp_path)
    checked = files_module._validated
    seen: list[int] = []

    def appending(*args: Any, **kwargs: Any) -> pl.DataFrame:
        if not seen:  # the exporter still writing when scoring starts
            with path.open("ab") as handle:
                handle.write(b"more")
        seen.append(1)
        return checked(*args, **kwargs)

    monkeypatch.setattr(files_module, "_validated", appending)
    source = EventFile(path, "parquet")
    with pytest.raises(InputError, match="changed while it was being read"):
        source.scoring_events()
        source.fingerprint()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "jsonl"])
def test_a_mapped_column_the_file_lacks_is_refused_not_defaulted(
    tmp_path: Path, fmt: Literal["csv", "tsv", "parquet", "jsonl"]
) -> None:
    frame = pl.DataFrame(
        {
            "actor": ["a", "b", "c"],
            "target": ["b", "c", "a"],
            "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "Weight": [5.0, 1.0, 1.0],
        }
    )
    path = tmp_path / f"events.{fmt}"
    if fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_csv(path, separator="\t" if fmt == "tsv" else ",")
    typo = {"weight": "weight_typo"}  # every weight would have been 1.0, without a word
    with pytest.raises(InputError, match="mapping") as refused:
        EventFile(path, fmt, typo).scoring_events()
    assert refused.value.field == "weight_typo"
    with pytest.raises(InputError, match="mapping"):
        read_tabular(path, mapping=typo)
    with pytest.raises(InputError, match="mapping"):
        import_source(path, EventLake(tmp_path / "lake"), mapping=typo)
    assert EventFile(path, fmt, {"weight": "Weight"}).read()["weight"].to_list() == [5, 1, 1]


def test_bad_rows_are_refused_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("actor,target,timestamp\na,b,2024-01-01\na,b,yesterday\n")
    with pytest.raises(InputError) as caught:
        EventFile(path, "csv").read()
    assert (caught.value.line, caught.value.field) == (3, "timestamp")


def _parquet_with_copies(tmp_path: Path, *, native: bool = False) -> Path:
    events = random_events(40, 400, seed=7).drop("source")
    again = events.slice(100, 30)
    if native:  # the same messages under ids of their own
        again = again.with_columns(pl.col("event_key") + "-again")
    else:
        events, again = events.drop("event_key"), again.drop("event_key")
    doubled = pl.concat([events, again])
    path = tmp_path / "events.parquet"
    doubled.write_parquet(path, row_group_size=64)
    return path


def test_a_parquet_file_is_checked_and_streamed_in_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "SLICE_ROWS", 37)  # copies land in other slices
    path = _parquet_with_copies(tmp_path)
    source = EventFile(path, "parquet")
    streamed = source.scoring_events()
    assert isinstance(streamed, pl.LazyFrame)
    expected = read_tabular(path).select(SCORED_COLUMNS)
    assert streamed.collect().equals(expected)  # 30 copies left out, order kept
    scored = score_events(EventFile(path, "parquet"), trend_days=30).scores
    assert scored.equals(score_events(read_tabular(path), trend_days=30).scores)
    source.close()


def test_native_ids_keep_identical_rows(tmp_path: Path) -> None:
    path = _parquet_with_copies(tmp_path, native=True)
    source = EventFile(path, "parquet", {"event_key": "event_key"})  # kept: it owns the spill
    streamed = source.scoring_events()
    assert isinstance(streamed, pl.LazyFrame)
    assert streamed.collect().height == 430  # distinct ids: two events, not a copy


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_repeated_native_id_keeps_its_first_row_as_an_import_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: Literal["csv", "parquet"]
) -> None:
    monkeypatch.setattr(files_module, "SLICE_ROWS", 37)  # repeats land in other slices
    events = random_events(40, 400, seed=11).drop("source")
    # the same id listed again further on (a message in a second folder), with other
    # fields, padded, or anonymous: an import keeps the first row of an id, whatever follows
    again = events.slice(20, 30).with_columns(
        pl.col("event_key").str.pad_start(70),
        pl.col("target").str.to_uppercase(),
        pl.lit(None, dtype=pl.String).alias("actor"),
    )
    path = tmp_path / f"ids.{fmt}"
    table = pl.concat([events, again])
    if fmt == "csv":
        table.write_csv(path)
    else:
        table.write_parquet(path, row_group_size=64)
    lake = EventLake(tmp_path / "lake")
    assert import_source(path, lake).added == 400
    source = EventFile(path, fmt)
    streamed = source.scoring_events()
    assert isinstance(streamed, pl.LazyFrame)
    assert streamed.collect().equals(events.select(SCORED_COLUMNS))
    assert EventFile(path, fmt).read().height == 400
    assert read_tabular(path).height == 400
    scored = score_events(source, trend_days=30).scores
    assert_same_scores(scored, score_events(lake, trend_days=30).scores)
    source.close()


def assert_same_scores(file: pl.DataFrame, lake: pl.DataFrame) -> None:
    """Equal scores of the same events read in another order: every person's values equal
    (floats to the last bits a different summation order may change); ranks left out, as
    tied people keep the order they first appear in."""
    assert file.columns == lake.columns
    file, lake = file.drop("rank").sort("person"), lake.drop("rank").sort("person")
    exact = [c for c in file.columns if not file.schema[c].is_float()]
    assert file.select(exact).equals(lake.select(exact))
    floats = [c for c in file.columns if file.schema[c].is_float()]
    assert np.allclose(file.select(floats).to_numpy(), lake.select(floats).to_numpy(), 0, 1e-9)


def test_a_bad_value_in_a_later_slice_names_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "SLICE_ROWS", 10)
    frame = pl.DataFrame(
        {
            "actor": [f"a{i}" for i in range(25)],
            "target": ["b"] * 24 + [" "],
            "timestamp": ["2024-01-01T00:00:00Z"] * 25,
        }
    )
    path = tmp_path / "bad.parquet"
    frame.write_parquet(path)
    with pytest.raises(InputError) as caught:
        EventFile(path, "parquet").scoring_events()
    assert (caught.value.line, caught.value.field) == (25, "target")


def test_the_spill_is_removed(tmp_path: Path) -> None:
    source = EventFile(_parquet_with_copies(tmp_path), "parquet")
    streamed = source.scoring_events()
    assert isinstance(streamed, pl.LazyFrame)
    folder = Path(streamed.explain().split("renown-score-")[1].split("/")[0])
    spill = Path(tempfile.gettempdir()) / f"renown-score-{folder}"
    assert spill.is_dir()
    source.close()
    assert not spill.exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_refused_file_leaves_no_spill_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: Literal["csv", "parquet"]
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(files_module, "SLICE_ROWS", 10)
    frame = pl.DataFrame(
        {
            "actor": [f"a{i}" for i in range(25)],
            "target": ["b"] * 24 + [" "],
            "timestamp": ["2024-01-01T00:00:00Z"] * 25,
        }
    )
    path = tmp_path / f"bad.{fmt}"
    frame.write_csv(path) if fmt == "csv" else frame.write_parquet(path)
    source = EventFile(path, fmt)  # still referenced, as by a caller reporting the error
    with pytest.raises(InputError):
        source.scoring_events()
    assert list(scratch.iterdir()) == []


def _declaring(tmp_path: Path, rows: int) -> Path:
    """A Parquet file of 40 rows whose footer declares ``rows`` (its row groups say 40)."""
    path = tmp_path / f"declares-{rows}.parquet"
    frame = pl.DataFrame(
        {
            "actor": [f"a{i % 7}" for i in range(40)],
            "target": [f"b{i % 5}" for i in range(40)],
            "timestamp": [1_704_067_200 + 3600 * i for i in range(40)],
        }
    )
    frame.write_parquet(path, row_group_size=10, statistics=False)
    data = bytearray(path.read_bytes())
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    # FileMetaData field 3 (num_rows, i64) after the schema list: header 0x16, zigzag varint
    at = data.index(bytes([0x16, 40 * 2]), footer)
    data[at + 1] = rows * 2
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("rows", [20, 60])
def test_a_parquet_footer_at_odds_with_its_row_groups_is_refused(tmp_path: Path, rows: int) -> None:
    path = _declaring(tmp_path, rows)
    # slices follow the footer: 20 would have scored half the file, 60 made polars panic
    with pytest.raises(InputError, match=f"declares {rows} rows.*row groups hold 40"):
        EventFile(path, "parquet").scoring_events()
    with pytest.raises(InputError, match="row groups hold 40"):
        read_tabular(path)


def test_an_empty_parquet_file_has_no_events_to_score(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pl.DataFrame(
        schema={"actor": pl.String, "target": pl.String, "timestamp": pl.Datetime("us", "UTC")}
    ).write_parquet(path)
    with pytest.raises(ValueError, match="no events"):
        score_events(EventFile(path, "parquet"))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_text_table_is_streamed_in_chunks_with_the_same_events(
    tmp_path: Path, fmt: Literal["csv", "tsv"]
) -> None:
    path = _with_copies(tmp_path)
    if fmt == "tsv":
        tsv = tmp_path / "events.tsv"
        pl.read_csv(path).write_csv(tsv, separator="\t")
        path = tsv
    source = EventFile(path, fmt)
    streamed = source.scoring_events()
    assert isinstance(streamed, pl.LazyFrame)
    assert streamed.collect().equals(read_tabular(path).select(SCORED_COLUMNS))


def test_a_full_temporary_folder_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    with pytest.raises(RenownError, match=r"No space left on device.*TMPDIR"):
        EventFile(_with_copies(tmp_path), "csv").scoring_events()
