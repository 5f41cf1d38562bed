"""Recruiter radar: profile snapshots over time, the changes between them, and calibrated
job-change predictions with their reasons.

Pure parts (no database): ``snapshots`` (reading JSONL, CSV and LinkedIn data exports),
``changes`` (consecutive snapshots to update events), ``features`` (update rates, bursts,
tenure, network growth), ``model`` (:class:`JobChangeModel`), ``survival`` (time to move),
``tabular`` (typed tables), ``evaluation`` and ``report``. The organisation's radar (stored
snapshots, prospects, outreach, consent) is in ``actions`` / ``queries`` / ``results``.

``JobChangeModel`` is imported lazily: scikit-learn loads only when a model is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from renown.radar.model import JobChangeModel

__all__ = ["JobChangeModel"]


def __getattr__(name: str) -> Any:
    if name == "JobChangeModel":
        from renown.radar.model import JobChangeModel

        return JobChangeModel
    raise AttributeError(name)
