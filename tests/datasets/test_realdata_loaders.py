"""Validations on the real public data sets in RENOWN_DATA_HOME.

Skipped when the variable is unset; when it is set, a missing or altered file fails.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from renown.datasets import EU_CORE_ORIGIN, REGISTRY, load_enron, load_eu_core, locate
from renown.datasets.enron import read_enron_tsv
from renown.datasets.enron_tables import canonical_tsv
from renown.datasets.fetch import candidate_paths
from renown.ingest.schema import EVENT_SCHEMA

pytestmark = pytest.mark.realdata

ENRON_ROWS = 125_409
ENRON_BCC_TWINS = 22_135
"""``bcc`` rows repeating a ``cc`` row in every other field: one delivery recorded twice."""
ENRON_COPIES = 64_919
"""Rows (after the twins) repeating an earlier row in sender, recipient, time and type."""
ENRON_BOGUS = 174
LOCAL_FILES = (
    "enron/messages_jhu184.tsv.gz",
    "enron/employees_jhu184.tsv",
    "eu-core/email-Eu-core.txt.gz",
    "eu-core/email-Eu-core-department-labels.txt.gz",
    "eu-core/email-Eu-core-temporal.txt.gz",
)


def test_every_local_copy_is_present_and_verified(data_home: Path) -> None:
    missing = [
        key
        for key in LOCAL_FILES
        if not any(path.is_file() for path in candidate_paths(REGISTRY[key], data_home))
    ]
    assert not missing, f"missing from {data_home}: {missing}"
    for key in LOCAL_FILES:
        assert locate(key, data_home=data_home) is not None


def test_enron(data_home: Path, tmp_path: Path) -> None:
    data = load_enron(data_home=data_home, cache_dir=tmp_path)

    events = data.events
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert data.dropped == ENRON_BOGUS
    assert events.height == ENRON_ROWS - ENRON_BOGUS - ENRON_BCC_TWINS - ENRON_COPIES
    assert any(note.startswith(f"{ENRON_BCC_TWINS} bcc rows") for note in data.notes)
    assert events["event_key"].n_unique() == events.height
    assert data.people.height == 184
    assert data.people["id"].n_unique() == 184
    people = set(data.people["id"])
    assert set(events["actor"]) <= people
    assert set(events["target"]) <= people
    assert events.filter(pl.col("timestamp") < datetime(1998, 1, 1, tzinfo=UTC)).is_empty()
    assert events["timestamp"].max() == datetime(2002, 6, 21, 19, 40, 19, tzinfo=UTC)
    assert set(events["kind"]) == {"to", "cc"}  # every bcc row of the corpus is a cc twin


def test_enron_conversion_check_reproduces_the_published_tsv(data_home: Path) -> None:
    # The .rda route is accepted only if its tables serialise to these pinned texts.
    tables = read_enron_tsv(
        data_home / "enron" / "messages_jhu184.tsv.gz", data_home / "enron" / "employees_jhu184.tsv"
    )
    messages, employees = canonical_tsv(tables)
    assert (
        hashlib.sha256(messages).hexdigest() == REGISTRY["enron/messages_jhu184.tsv.gz"].text_sha256
    )
    assert (
        hashlib.sha256(employees).hexdigest() == REGISTRY["enron/employees_jhu184.tsv"].text_sha256
    )


def test_eu_core_temporal(data_home: Path, tmp_path: Path) -> None:
    data = load_eu_core(temporal=True, data_home=data_home, cache_dir=tmp_path)

    assert data.events.height == 332_334
    assert data.people.height == 986
    assert data.events["event_key"].n_unique() == 332_334
    assert data.events.filter(pl.col("timestamp") < EU_CORE_ORIGIN).is_empty()
    assert data.events["timestamp"].max() == EU_CORE_ORIGIN + timedelta(seconds=69_459_254)
    assert data.groups is None


def test_eu_core_static_with_departments(data_home: Path, tmp_path: Path) -> None:
    data = load_eu_core(temporal=False, data_home=data_home, cache_dir=tmp_path)

    assert data.events.height == 25_571
    assert data.people.height == 1_005
    assert data.groups is not None
    assert len(data.groups) == 1_005
    assert len(set(data.groups.values())) == 42
    assert data.events["event_key"].n_unique() == 25_571
