"""The recruiter radar's labelled benchmark tables, verified against their pins.

* **job change** (``job-change-ds/train_labeled.csv.gz``): "HR Analytics: Job Change of Data
  Scientists", enrollees of a training course, ``target`` = 1 when looking for a job change;
  a seeded 70 % split of the public ``aug_train.csv`` (13,386 rows), kept in the data home.
* **IBM attrition** (``ibm-attrition/WA_Fn-UseC_-HR-Employee-Attrition.csv``): IBM's
  *fictional* HR table (1,470 employees, ``Attrition`` Yes/No, id ``EmployeeNumber``).

Both are benchmarks, not evidence about real people. The loaders return the verified text
(gunzipped, LF line endings); parsing it into a typed table is the radar's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from renown.datasets.fetch import default_locations, fetch
from renown.datasets.integrity import read_text_bytes, text_limit
from renown.datasets.registry import pinned

JOB_CHANGE_FILE: Final = "job-change-ds/train_labeled.csv.gz"
IBM_ATTRITION_FILE: Final = "ibm-attrition/WA_Fn-UseC_-HR-Employee-Attrition.csv"


@dataclass(frozen=True)
class LabelledTable:
    """A benchmark table's CSV text and what its columns mean."""

    name: str
    text: bytes
    source: str
    label: str
    positive: str
    id_column: str


def _read(key: str, data_home: Path | None, cache_dir: Path | None) -> tuple[bytes, str]:
    home, cache = default_locations(data_home, cache_dir)
    path = fetch(key, cache_dir=cache, data_home=home)
    return read_text_bytes(path, limit=text_limit(pinned(key))), str(path)


def load_job_change(
    *, data_home: Path | None = None, cache_dir: Path | None = None
) -> LabelledTable:
    """The labelled job-change table (label ``target``, movers ``1``, id ``enrollee_id``)."""
    text, source = _read(JOB_CHANGE_FILE, data_home, cache_dir)
    return LabelledTable("job change", text, source, "target", "1", "enrollee_id")


def load_ibm_attrition(
    *, data_home: Path | None = None, cache_dir: Path | None = None
) -> LabelledTable:
    """IBM's fictional attrition table (label ``Attrition``, leavers ``Yes``, id
    ``EmployeeNumber``)."""
    text, source = _read(IBM_ATTRITION_FILE, data_home, cache_dir)
    return LabelledTable("IBM attrition", text, source, "Attrition", "Yes", "EmployeeNumber")
