"""Tiny data-set files written into tmp_path, in the published formats, with matching pins."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from renown.datasets.integrity import git_blob_sha1, normalise_newlines
from renown.datasets.registry import REGISTRY, PinnedFile

EMPLOYEES_TSV = b"id\temail_local\tname\n0\talice.a\tAlice A\n1\tbob.b\tNA\n2\tcarol.c\tCarol C\n"

MESSAGE_ROWS = [
    ("1979-12-31 21:00:00", 0, 1, "to", 1, 0),
    ("2000-01-02 03:04:05", 0, 1, "to", 1, -1),
    ("2000-01-02 03:04:05", 0, 1, "to", 1, -1),
    ("2000-01-02 03:04:05", 0, 2, "cc", 2, 3),
    ("2000-01-02 03:04:05", 0, 2, "bcc", 2, 3),
    ("2001-06-07 08:09:10", 1, 1, "to", 0, 0),
    ("2001-06-07 08:09:10", 2, 0, "to", 3, 5),
]
MESSAGE_HEADER = "time\tfrom_id\tto_id\treciptype\ttopic\tldc_topic"


def messages_tsv(
    rows: Sequence[tuple[object, ...]] = MESSAGE_ROWS, header: str = MESSAGE_HEADER
) -> bytes:
    """The messages table as published: header, tabs, LF."""
    lines = [header, *("\t".join(str(v) for v in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def gz(data: bytes) -> bytes:
    """Gzip ``data`` (with a fixed time stamp, as a mirror might not)."""
    return gzip.compress(data, mtime=0)


def register(
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    text: bytes,
    *,
    url: str | None = None,
    max_bytes: int = 1 << 20,
) -> PinnedFile:
    """Pin ``key`` to the decoded text ``text`` for the duration of a test."""
    dataset, filename = key.split("/", 1)
    pin = PinnedFile(
        dataset=dataset,
        filename=filename,
        url=url,
        text_sha256=hashlib.sha256(normalise_newlines(text)).hexdigest(),
        text_size=len(normalise_newlines(text)),
        max_bytes=max_bytes,
    )
    monkeypatch.setitem(REGISTRY, key, pin)
    return pin


def register_blob(
    monkeypatch: pytest.MonkeyPatch, key: str, path: Path, *, url: str | None
) -> PinnedFile:
    """Pin ``key`` to the Git blob id of the file at ``path`` (as for ``enron.rda``)."""
    dataset, filename = key.split("/", 1)
    pin = PinnedFile(dataset=dataset, filename=filename, url=url, git_blob_sha1=git_blob_sha1(path))
    monkeypatch.setitem(REGISTRY, key, pin)
    return pin


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` at ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def enron_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Lay out and pin the Enron TSV conversion of the fixture under ``home``."""
    messages = messages_tsv()
    write(home / "enron" / "messages_jhu184.tsv.gz", gz(messages))
    write(home / "enron" / "employees_jhu184.tsv", EMPLOYEES_TSV)
    register(monkeypatch, "enron/messages_jhu184.tsv.gz", messages)
    register(monkeypatch, "enron/employees_jhu184.tsv", EMPLOYEES_TSV)
    return home


def write_enron_rda(path: Path, rows: Sequence[tuple[object, ...]] = MESSAGE_ROWS) -> Path:
    """Write the fixture as igraphdata stores it: an igraph object in an R data file.

    The object is the list igraph saves (n, directed, from, to, four index vectors,
    attributes); igraph's trailing environment is left out because ``rdata`` cannot
    write one, and the loader never reads it.
    """
    import rdata

    times, sources, targets, kinds, topics, ldc = (list(col) for col in zip(*rows, strict=True))
    n_edges = float(len(rows))
    index = np.arange(len(rows), dtype=np.float64)
    attributes = [
        np.array([1.0, 0.0, 1.0]),
        {"name": np.array(["Enron email network"])},
        {
            "Email": np.array(["alice.a@enron.com", "bob.b@enron.com", "carol.c@enron.com"]),
            "Name": np.array(["Alice A", None, "Carol C"], dtype=object),
            "Note": np.array(["Employee", "N/A", "Manager"]),
        },
        {
            "Time": np.array(times, dtype=object),
            "Reciptype": np.array(kinds, dtype=object),
            "Topic": np.array(topics, dtype=np.float64),
            "LDC_topic": np.array(ldc, dtype=np.float64),
        },
    ]
    graph = [
        np.array([3.0]),
        np.array([True]),
        np.array(sources, dtype=np.float64),
        np.array(targets, dtype=np.float64),
        index,
        index,
        np.array([0.0, n_edges]),
        np.array([0.0, n_edges]),
        attributes,
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    rdata.write_rda(path, {"enron": graph}, compression="xz")
    return path
