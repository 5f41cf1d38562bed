"""The radar's benchmark tables are pinned: a copy that is not the published file is refused,
a missing one is an error naming where it was looked for (no real data needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.datasets import REGISTRY, ChecksumError, DatasetError
from renown.datasets.radar_tables import (
    IBM_ATTRITION_FILE,
    JOB_CHANGE_FILE,
    load_ibm_attrition,
    load_job_change,
)


def test_both_tables_are_registered_with_the_source_notes_digests() -> None:
    ibm = REGISTRY[IBM_ATTRITION_FILE]
    assert ibm.url is not None and ibm.url.startswith("https://raw.githubusercontent.com/")
    assert ibm.local_copies[0].sha256.startswith("a5c31e38")
    job = REGISTRY[JOB_CHANGE_FILE]
    assert job.url is None  # a split kept in the data home, not a public download
    assert job.local_copies[0].sha256.startswith("d120174d")


def test_an_altered_copy_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ibm-attrition"
    folder.mkdir()
    (folder / "WA_Fn-UseC_-HR-Employee-Attrition.csv").write_text("Age,Attrition\n41,Yes\n")
    with pytest.raises(ChecksumError):
        load_ibm_attrition(data_home=tmp_path, cache_dir=tmp_path / "cache")


def test_a_missing_copy_names_where_it_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"train_labeled\.csv"):
        load_job_change(data_home=tmp_path, cache_dir=tmp_path / "cache")
