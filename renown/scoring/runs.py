"""Saving scoring runs and finding them again.

Every run is written twice: the scores file the user asked for with a ``.run.json`` beside
it (parameters, input fingerprint, code version), and a copy under the renown home
(``runs/<run id>/``) so that ``renown explain`` can find the latest run without being told.
Explaining a run re-reads its recorded input, checks the fingerprint and refits with the
recorded parameters: the explanation is therefore of exactly the published score.

Scores are personal data: every file is written 0600 (folders renown creates 0700) whatever
the umask, and atomically, so a reader or a backup never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl

from renown.core.errors import RenownError
from renown.core.private import private_dir, private_output, write_private
from renown.scoring.pipeline import ScoringResult

OutputFormat = Literal["csv", "parquet", "json"]


def run_id(metadata: dict[str, Any]) -> str:
    """Deterministic id of a run: same input and parameters -> same id."""
    digest = hashlib.sha256(json.dumps(metadata, sort_keys=True, default=str).encode()).hexdigest()
    return f"{metadata['as_of'][:10]}-{digest[:10]}"


def write_scores(result: ScoringResult, out: Path, fmt: OutputFormat | None = None) -> Path:
    """Write the scores file and its ``.run.json`` sidecar; return the sidecar's path."""
    fmt = fmt or _format_from_suffix(out)
    with private_output(out) as temporary:
        if fmt == "csv":
            result.scores.write_csv(temporary)
        elif fmt == "parquet":
            result.scores.write_parquet(temporary, compression="lz4")
        else:
            text = json.dumps(result.scores.to_dicts(), default=str, indent=1) + "\n"
            temporary.write_text(text, encoding="utf-8")
    sidecar = out.with_name(out.name + ".run.json")
    write_private(sidecar, json.dumps(_run_record(result), indent=2, default=str) + "\n")
    return sidecar


def record_run(result: ScoringResult, runs_dir: Path, copy_of: Path | None = None) -> Path:
    """Keep a copy of the run under the renown home; return its folder.

    ``copy_of`` names a scores file :func:`write_scores` just wrote as Parquet: its bytes
    are the run's copy, copied instead of encoding a million rows a second time.
    """
    record = _run_record(result)
    private_dir(runs_dir)
    folder = private_dir(runs_dir / str(record["run_id"]))
    with private_output(folder / "scores.parquet") as temporary:
        if copy_of is not None:
            shutil.copyfile(copy_of, temporary)
        else:
            result.scores.write_parquet(temporary, compression="lz4")
    write_private(folder / "run.json", json.dumps(record, indent=2, default=str) + "\n")
    write_private(runs_dir / "LATEST", record["run_id"] + "\n")
    return folder


def load_run(runs_dir: Path, run: str | None = None) -> dict[str, Any]:
    """Return the record of ``run`` (default: the latest)."""
    if run is None:
        latest = runs_dir / "LATEST"
        if not latest.exists():
            raise RenownError(f"no scoring run recorded under {runs_dir}; run 'renown score' first")
        run = latest.read_text().strip()
    path = runs_dir / run / "run.json"
    if not path.exists():
        raise RenownError(f"no run {run!r} under {runs_dir}")
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def load_scores(runs_dir: Path, run_id_: str) -> pl.DataFrame:
    """Scores of a recorded run."""
    return pl.read_parquet(runs_dir / run_id_ / "scores.parquet")


def _run_record(result: ScoringResult) -> dict[str, Any]:
    meta = dict(result.metadata)
    return {
        "run_id": run_id(meta),
        "recorded_at": datetime.now(UTC).isoformat(),
        **meta,
        "timings_seconds": {k: round(v, 4) for k, v in result.timings.items()},
    }


def output_format(out: Path, fmt: OutputFormat | None = None) -> OutputFormat:
    """The format a scores file is written in: ``fmt``, else its suffix (CSV by default)."""
    return fmt or _format_from_suffix(out)


def _format_from_suffix(out: Path) -> OutputFormat:
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".json":
        return "json"
    return "csv"
