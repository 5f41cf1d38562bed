"""Tabular reader: CSV / TSV / JSON Lines / Parquet with a column mapping."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.core.events import event_key
from renown.ingest.readers.tabular import read_tabular
from renown.ingest.schema import EVENT_SCHEMA


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_default_header_with_optional_columns_missing(tmp_path: Path) -> None:
    file = write(
        tmp_path / "events.csv",
        "actor,target,timestamp\n"
        "ann,bob,2024-03-01T10:00:00Z\n"
        ",bob,2024-03-01 11:30:00+02:00\n"
        "carl,ann,1709290800\n"
        "dora,ann,2024-03-02\n",
    )
    events = read_tabular(file)
    assert events.schema == EVENT_SCHEMA
    assert events["actor"].to_list() == ["ann", None, "carl", "dora"]
    assert events["target"].to_list() == ["bob", "bob", "ann", "ann"]
    assert events["timestamp"].to_list() == [
        datetime(2024, 3, 1, 10, tzinfo=UTC),
        datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        datetime(2024, 3, 1, 11, tzinfo=UTC),
        datetime(2024, 3, 2, tzinfo=UTC),
    ]
    assert set(events["channel"]) == {"other"}
    assert set(events["kind"]) == {"interaction"}
    assert set(events["weight"]) == {1.0}
    assert set(events["source"]) == {"events.csv"}


def test_full_header_and_blank_cells_take_defaults(tmp_path: Path) -> None:
    file = write(
        tmp_path / "full.csv",
        "actor,target,timestamp,channel,kind,weight\n"
        "ann,bob,2024-03-01T10:00:00,email,cc,0.5\n"
        "bob,ann,2024-03-01T10:05:00,,,\n",
    )
    events = read_tabular(file, channel="chat", kind="message", weight=2.0)
    assert events["channel"].to_list() == ["email", "chat"]
    assert events["kind"].to_list() == ["cc", "message"]
    assert events["weight"].to_list() == [0.5, 2.0]


def test_key_is_the_documented_event_key_and_stable(tmp_path: Path) -> None:
    file = write(
        tmp_path / "dups.csv",
        "actor,target,timestamp\n"
        ",bob,2024-03-01T10:00:00.250\n"
        ",bob,2024-03-01T10:00:00.250\n"
        "bob,ann,2024-03-01T10:00:00\n"
        "bob,ann,2024-03-01T10:00:00\n",
    )
    first = read_tabular(file)
    stamp = datetime(2024, 3, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    # anonymous repeats are distinct acts (ordinals 1, 2); a named repeat is a copy, dropped
    assert first["event_key"].to_list() == [
        event_key("dups.csv", None, "bob", stamp, "other", "interaction", 1),
        event_key("dups.csv", None, "bob", stamp, "other", "interaction", 2),
        event_key(
            "dups.csv", "bob", "ann", stamp.replace(microsecond=0), "other", "interaction", 1
        ),
    ]
    assert read_tabular(file)["event_key"].to_list() == first["event_key"].to_list()
    relabelled = read_tabular(file, source="hr-export")
    assert set(relabelled["source"]) == {"hr-export"}
    assert relabelled["event_key"][0] != first["event_key"][0]


def test_mapping_and_native_ids(tmp_path: Path) -> None:
    file = write(
        tmp_path / "mail.csv",
        "id,from,to,sent_at,type\nm1,ann,bob,2024-01-05T08:00:00Z,to\nm2,bob,ann,1704441600,cc\n",
    )
    mapping = {
        "event_key": "id",
        "actor": "from",
        "target": "to",
        "timestamp": "sent_at",
        "kind": "type",
    }
    events = read_tabular(file, mapping=mapping, channel="email")
    assert events["actor"].to_list() == ["ann", "bob"]
    assert events["kind"].to_list() == ["to", "cc"]
    assert set(events["channel"]) == {"email"}
    assert events["event_key"].to_list() == [
        event_key("mail.csv", "m1"),
        event_key("mail.csv", "m2"),
    ]


def test_tsv_gz_jsonl_and_parquet(tmp_path: Path) -> None:
    tsv = tmp_path / "edges.tsv.gz"
    with gzip.open(tsv, "wt", encoding="utf-8") as handle:
        handle.write("actor\ttarget\ttimestamp\nann\tbob\t2024-01-01T00:00:00\n")
    assert read_tabular(tsv)["target"].to_list() == ["bob"]

    jsonl = tmp_path / "events.jsonl"
    records = [
        {"actor": "ann", "target": "bob", "timestamp": 1704067200, "weight": 2},
        {"actor": None, "target": "ann", "timestamp": 1704067260},
    ]
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    events = read_tabular(jsonl)
    assert events["actor"].to_list() == ["ann", None]
    assert events["weight"].to_list() == [2.0, 1.0]
    assert events["timestamp"][1] == datetime(2024, 1, 1, 0, 1, tzinfo=UTC)

    parquet = tmp_path / "events.parquet"
    pl.DataFrame(
        {
            "actor": [1, 2],
            "target": [2, 3],
            "timestamp": [datetime(2024, 1, 1, 12), datetime(2024, 1, 2, 12)],
        }
    ).write_parquet(parquet)
    events = read_tabular(parquet)
    assert events["actor"].to_list() == ["1", "2"]
    assert events["timestamp"][0] == datetime(2024, 1, 1, 12, tzinfo=UTC)


def test_bad_timestamp_names_physical_line_and_mapped_field(tmp_path: Path) -> None:
    file = write(
        tmp_path / "bad.csv",
        'from,to,sent_at,note\nann,bob,2024-01-01,"two\nlines"\n\nbob,ann,yesterday,x\n',
    )
    with pytest.raises(InputError) as caught:
        read_tabular(file, mapping={"actor": "from", "target": "to", "timestamp": "sent_at"})
    message = str(caught.value)
    assert str(file) in message
    assert "line 5" in message
    assert "'sent_at'" in message
    assert "yesterday" in message


def test_missing_required_column_names_the_field(tmp_path: Path) -> None:
    file = write(tmp_path / "nocol.csv", "actor,timestamp\nann,2024-01-01\n")
    with pytest.raises(InputError, match=r"nocol\.csv, field 'target': missing required column"):
        read_tabular(file)


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    file = tmp_path / "latin1.csv"
    file.write_bytes(b"actor,target,timestamp\nann,bob,2024-01-01\nj\xf6rg,ann,2024-01-02\n")
    with pytest.raises(InputError, match=r"latin1\.csv, line 3, field 'actor': is not valid UTF-8"):
        read_tabular(file)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("ann,,2024-01-01,1", "target", "target is empty"),
        ("ann,bob,,1", "timestamp", "timestamp is empty"),
        ("ann,bob,2024-01-01,-1", "weight", "finite number >= 0"),
        ("ann,bob,2024-01-01,inf", "weight", "finite number >= 0"),
        ("ann,bob,2024-01-01,heavy", "weight", "finite number >= 0"),
        ("ann,bob,2024-02-30,1", "timestamp", "cannot read timestamp"),
    ],
)
def test_invalid_values_name_file_line_and_field(
    tmp_path: Path, row: str, field: str, words: str
) -> None:
    file = write(
        tmp_path / "v.csv", f"actor,target,timestamp,weight\nann,bob,2024-01-01,1\n{row}\n"
    )
    with pytest.raises(InputError) as caught:
        read_tabular(file)
    assert caught.value.line == 3
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{file}, line 3, field '{field}'")
    assert words in str(caught.value)


def test_ragged_row_and_bad_json_name_the_line(tmp_path: Path) -> None:
    ragged = write(tmp_path / "r.csv", "actor,target,timestamp\nann,bob,2024-01-01\na,b,c,d\n")
    with pytest.raises(InputError, match=r"r\.csv, line 3: has 4 fields"):
        read_tabular(ragged)
    broken = write(
        tmp_path / "b.jsonl",
        '{"actor": "a", "target": "b", "timestamp": 1}\n\n{"actor": "a" "target": 1}\n',
    )
    with pytest.raises(InputError, match=r"b\.jsonl, line 3: is not valid JSON"):
        read_tabular(broken)


def test_jsonl_value_error_uses_physical_line(tmp_path: Path) -> None:
    file = write(
        tmp_path / "e.jsonl",
        '{"actor": "a", "target": "b", "timestamp": "2024-01-01"}\n\n'
        '{"actor": "a", "target": "", "timestamp": "2024-01-01"}\n',
    )
    with pytest.raises(InputError, match=r"e\.jsonl, line 3, field 'target'"):
        read_tabular(file)


def test_mapping_and_format_mistakes(tmp_path: Path) -> None:
    file = write(tmp_path / "x.csv", "actor,target,timestamp\n")
    with pytest.raises(InputError, match="field 'sender'"):
        read_tabular(file, mapping={"sender": "from"})
    with pytest.raises(InputError, match="field 'format'"):
        read_tabular(write(tmp_path / "x.dat", "a"))
    assert read_tabular(file).height == 0
