"""Format detection and read_source dispatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.ingest.detect import SOURCE_FORMATS, detect_format, read_source


def test_detects_each_layout(tmp_path: Path) -> None:
    slack = tmp_path / "slack"
    slack.mkdir()
    (slack / "users.json").write_text("[]", encoding="utf-8")
    maildir = tmp_path / "maildir"
    (maildir / "cur").mkdir(parents=True)
    dump = tmp_path / "se"
    dump.mkdir()
    (dump / "posts.csv.gz").write_bytes(b"")
    files = {
        "box.mbox": "mbox",
        "events.csv": "csv",
        "events.tsv.gz": "tsv",
        "events.jsonl": "jsonl",
        "events.parquet": "parquet",
        "edges.txt.gz": "snap",
    }
    for name in files:
        (tmp_path / name).write_bytes(b"")
    assert detect_format(slack) == "slack"
    assert detect_format(maildir) == "maildir"
    assert detect_format(dump) == "stackexchange"
    for name, expected in files.items():
        assert detect_format(tmp_path / name) == expected


def test_unknown_layout_lists_formats(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        detect_format(tmp_path / "notes.docx")
    assert caught.value.field == "format"
    for name in SOURCE_FORMATS:
        assert name in str(caught.value)
    with pytest.raises(InputError, match="no such file"):
        detect_format(tmp_path / "missing.csv")


def test_read_source_dispatches_with_mapping_and_options(tmp_path: Path) -> None:
    file = tmp_path / "log.jsonl"
    file.write_text(json.dumps({"who": "a", "whom": "b", "when": 0}) + "\n", encoding="utf-8")
    events = read_source(
        file, mapping={"actor": "who", "target": "whom", "timestamp": "when"}, channel="chat"
    )
    assert events["channel"].to_list() == ["chat"]
    edges = tmp_path / "graph.edges"
    edges.write_text("1 2 0\n", encoding="utf-8")
    assert read_source(edges, prefix="g:")["actor"].to_list() == ["g:1"]
    with pytest.raises(InputError, match="field 'mapping'"):
        read_source(edges, mapping={"actor": "x"})
    assert (
        read_source(
            tmp_path / "log.jsonl",
            format="jsonl",
            mapping={"actor": "who", "target": "whom", "timestamp": "when"},
        ).height
        == 1
    )


def test_public_surface_resolves() -> None:
    from renown import ingest

    for name in ingest.__all__:
        assert getattr(ingest, name) is not None
