"""Enron loader on tiny fixtures: the TSV conversion and the igraphdata .rda route."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.core.events import event_key
from renown.datasets import ChecksumError, DatasetError, load_enron
from renown.datasets.enron import read_enron_tsv, same_name_aliases, without_bcc_twins
from renown.datasets.enron_rda import read_enron_rda
from renown.ingest.schema import EVENT_SCHEMA
from tests.datasets.fixtures import (
    EMPLOYEES_TSV,
    MESSAGE_ROWS,
    enron_home,
    gz,
    messages_tsv,
    register,
    register_blob,
    write,
    write_enron_rda,
)


@pytest.fixture(autouse=True)
def _no_environment_data_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets RENOWN_DATA_HOME for the real-data tests; these tests choose their own."""
    monkeypatch.delenv("RENOWN_DATA_HOME", raising=False)


def test_tsv_conversion_becomes_canonical_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = enron_home(monkeypatch, tmp_path / "home")

    data = load_enron(data_home=home, cache_dir=tmp_path / "cache")

    events = data.events
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert events.height == len(MESSAGE_ROWS) - 3  # the bogus date, one copy, one bcc twin
    assert data.dropped == 1
    assert events["timestamp"].min() == datetime(2000, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert events["kind"].to_list() == ["to", "cc", "to", "to"]
    assert set(events["channel"]) == {"email"}
    assert events.row(3, named=True)["actor"] == "enron:carol.c"
    assert events.row(3, named=True)["target"] == "enron:alice.a"
    assert data.groups is None
    assert data.people.to_dicts() == [
        {"id": "enron:alice.a", "email": "alice.a@enron.com", "name": "Alice A"},
        {"id": "enron:bob.b", "email": "bob.b@enron.com", "name": None},
        {"id": "enron:carol.c", "email": "carol.c@enron.com", "name": "Carol C"},
    ]


def test_notes_report_the_choices_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = load_enron(data_home=enron_home(monkeypatch, tmp_path), cache_dir=tmp_path / "c")
    notes = " ".join(data.notes)
    assert "UTC" in notes
    assert "Dropped 1 rows" in notes
    assert "1 bcc rows repeat a cc row" in notes
    assert "1 rows are mail from an employee to themself" in notes


def test_identical_rows_get_distinct_stable_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = enron_home(monkeypatch, tmp_path / "home")
    first = load_enron(data_home=home, cache_dir=tmp_path / "cache").events["event_key"]
    second = load_enron(data_home=home, cache_dir=tmp_path / "cache").events["event_key"]

    assert first.to_list() == second.to_list()
    assert first.n_unique() == first.len()
    row = ("2000-01-02 03:04:05", 0, 1, "to", 1, -1)
    assert first[0] == event_key("enron", *row, 0)
    # the next row is the same message (same sender, recipient, time and type): a copy
    assert event_key("enron", *row, 1) not in first.to_list()


def test_environment_data_home_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = enron_home(monkeypatch, tmp_path / "home")
    monkeypatch.setenv("RENOWN_DATA_HOME", str(home))
    assert load_enron(cache_dir=tmp_path / "cache").events.height == len(MESSAGE_ROWS) - 3


def test_data_home_without_enron_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not in the data home") as caught:
        load_enron(data_home=tmp_path, cache_dir=tmp_path / "cache")
    assert "messages_jhu184.tsv.gz" in str(caught.value)
    assert "enron.rda" in str(caught.value)


@pytest.mark.parametrize(
    ("row", "line", "field", "message"),
    [
        (("2000-01-02 03:04:05", 0, 7, "to", 1, 0), 3, "to_id", "unknown employee id 7"),
        (("2000-01-02 03:04:05", "x", 1, "to", 1, 0), 3, "from_id", "not an integer"),
        (("2000-01-02 03:04:05", 0, 1, "fwd", 1, 0), 3, "reciptype", "not to, cc or bcc"),
        (("02/01/2000 03:04", 0, 1, "to", 1, 0), 3, "time", "YYYY-MM-DD HH:MM:SS"),
    ],
)
def test_malformed_messages_are_located(
    tmp_path: Path, row: tuple[object, ...], line: int, field: str, message: str
) -> None:
    messages = write(tmp_path / "m.tsv.gz", gz(messages_tsv([MESSAGE_ROWS[1], row])))
    employees = write(tmp_path / "e.tsv", EMPLOYEES_TSV)
    from renown.datasets.enron import enron_dataset

    with pytest.raises(InputError, match=message) as caught:
        enron_dataset(read_enron_tsv(messages, employees))
    assert (caught.value.line, caught.value.field) == (line, field)
    assert caught.value.source == str(messages)


def test_missing_column_is_reported_on_the_header_line(tmp_path: Path) -> None:
    header = "time\tfrom_id\tto_id\ttopic\tldc_topic"
    messages = write(
        tmp_path / "m.tsv", messages_tsv([("2000-01-02 03:04:05", 0, 1, 1, 0)], header)
    )
    employees = write(tmp_path / "e.tsv", EMPLOYEES_TSV)
    with pytest.raises(InputError) as caught:
        read_enron_tsv(messages, employees)
    assert (caught.value.line, caught.value.field) == (1, "reciptype")


def test_repeated_employee_is_rejected(tmp_path: Path) -> None:
    messages = write(tmp_path / "m.tsv", messages_tsv(MESSAGE_ROWS[1:2]))
    employees = write(tmp_path / "e.tsv", EMPLOYEES_TSV + b"3\talice.a\tAlice Again\n")
    from renown.datasets.enron import enron_dataset

    with pytest.raises(InputError, match="repeated") as caught:
        enron_dataset(read_enron_tsv(messages, employees))
    assert (caught.value.line, caught.value.field) == (5, "email_local")


def _rda_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: Sequence[tuple[object, ...]]
) -> None:
    rda = write_enron_rda(tmp_path / "server" / "enron.rda", rows)
    register_blob(monkeypatch, "enron/enron.rda", rda, url=rda.as_uri())
    register(monkeypatch, "enron/messages_jhu184.tsv.gz", messages_tsv())
    register(monkeypatch, "enron/employees_jhu184.tsv", EMPLOYEES_TSV)


def test_rda_download_yields_the_same_events_as_the_tsv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_tsv = load_enron(data_home=enron_home(monkeypatch, tmp_path / "home"), cache_dir=tmp_path)
    _rda_download(tmp_path, monkeypatch, MESSAGE_ROWS)

    from_rda = load_enron(cache_dir=tmp_path / "cache")

    assert from_rda.files == (tmp_path / "cache" / "enron" / "enron.rda",)
    assert from_rda.events.equals(from_tsv.events)
    assert from_rda.people.equals(from_tsv.people)
    assert from_rda.dropped == from_tsv.dropped


def test_rda_that_differs_from_the_published_conversion_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    altered = [*MESSAGE_ROWS[:-1], ("2001-06-07 08:09:10", 2, 0, "to", 3, 6)]
    _rda_download(tmp_path, monkeypatch, altered)
    with pytest.raises(ChecksumError, match="differ from the pinned"):
        load_enron(cache_dir=tmp_path / "cache")


def test_rda_reader_locates_bad_values(tmp_path: Path) -> None:
    rows = [*MESSAGE_ROWS[:2], ("2000-01-02 03:04:05", 0.5, 1, "to", 1, 0)]
    with pytest.raises(InputError, match="not an integer") as caught:
        read_enron_rda(write_enron_rda(tmp_path / "enron.rda", rows))
    assert (caught.value.line, caught.value.field) == (3, "from")


def test_foreign_file_is_not_an_enron_object(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a readable R data file"):
        read_enron_rda(write(tmp_path / "enron.rda", b"not R data"))


def test_missing_rdata_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rda = write_enron_rda(tmp_path / "enron.rda")
    monkeypatch.setitem(sys.modules, "rdata.parser", None)
    with pytest.raises(DatasetError, match=r"renown\[datasets\]"):
        read_enron_rda(rda)


def test_ids_sharing_a_full_name_are_offered_as_aliases() -> None:
    employees = pl.DataFrame(
        {
            "person": ["enron:jeff.d", "enron:jeff.d2", "enron:ann.b", "enron:x", "enron:y"],
            "name": ["Jeff D", "Jeff D", "Ann B", None, None],
        }
    )
    # unnamed ids are never merged: the name is the only evidence the source gives
    assert same_name_aliases(employees) == {"enron:jeff.d2": "enron:jeff.d"}


def test_a_bcc_twin_of_a_cc_row_is_dropped_and_a_lone_bcc_is_kept() -> None:
    # The corpus records every cc'd recipient twice (cc and bcc); a genuine bcc has no twin.
    messages = pl.DataFrame(
        {
            "time": ["2000-01-02 03:04:05"] * 4,
            "from_id": [0, 0, 0, 0],
            "to_id": [2, 2, 1, 3],
            "reciptype": ["cc", "bcc", "bcc", "to"],
            "topic": [1, 1, 1, 1],
            "ldc_topic": [0, 0, 0, 0],
        }
    )

    kept = without_bcc_twins(messages)

    assert kept.select("to_id", "reciptype").rows() == [(2, "cc"), (1, "bcc"), (3, "to")]
    assert kept.columns == messages.columns
