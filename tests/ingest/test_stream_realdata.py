"""The chunked import on the public Enron messages table (``$RENOWN_DATA_HOME``).

A gzip-compressed TSV of 125,409 rows of which about 63% repeat a named row (one message
filed in several folders): chunks and groups are made small so that copies, ordinals and
refusals cross every boundary, and the lake must hold exactly what a whole-file import stores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.ingest import stream
from renown.ingest.events import read_events
from renown.ingest.lake import EventLake
from renown.ingest.stream import import_source
from tests.ingest.test_realdata import data_file

pytestmark = pytest.mark.realdata

MAPPING = {"actor": "from_id", "target": "to_id", "timestamp": "time", "kind": "reciptype"}


def test_enron_messages_in_chunks_equal_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = data_file("enron", "messages_jhu184.tsv.gz")
    whole = EventLake(tmp_path / "whole")
    expected = whole.append(read_events(table, mapping=MAPPING))
    monkeypatch.setattr(stream, "GROUP_ROWS", 10_000)
    chunked = EventLake(tmp_path / "chunked")
    result = import_source(table, chunked, mapping=MAPPING, chunk_bytes=200_000)
    assert (result.added, result.duplicates) == (expected.added, expected.duplicates)
    assert (
        chunked.scan().collect().sort("event_key").equals(whole.scan().collect().sort("event_key"))
    )
    assert import_source(table, chunked, mapping=MAPPING, chunk_bytes=200_000).added == 0
