"""Reproducing a recorded run exactly, for explanations and audits."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from renown.core.errors import RenownError
from renown.ingest import read_aliases
from renown.ingest.files import EventFile
from renown.ingest.lake import EventLake
from renown.prominence.model import ProminenceModel
from renown.scoring.inputs import load_groups, open_events
from renown.scoring.pipeline import (
    ScoringResult,
    input_fingerprint,
    score_events,
    table_digest,
)
from renown.scoring.runs import load_run


def reproduce_run(runs_dir: Path, run: str | None = None) -> ScoringResult:
    """Re-read a run's input, check it is unchanged, and refit with the recorded parameters.

    Raises
    ------
    RenownError
        When the run's input is gone or no longer has the recorded fingerprint (the events
        changed since the run, so its scores can no longer be explained exactly).
    """
    record = load_run(runs_dir, run)
    source = json.loads(record["source"]) if record.get("source") else None
    if not source or not source.get("path"):
        raise RenownError(f"run {record['run_id']} has no recorded input to reproduce it from")
    path = Path(source["path"])
    events = open_events(path, source.get("format"), source.get("mapping"))
    # a lake's manifest key sums give the fingerprint without reading any event
    fingerprint = (
        events.fingerprint()
        if isinstance(events, EventLake | EventFile)
        else input_fingerprint(events)
    )
    if fingerprint != record["input_fingerprint"]:
        raise RenownError(
            f"the input of run {record['run_id']} ({path}) has changed since the run "
            f"(fingerprint {fingerprint} != {record['input_fingerprint']}); score it again"
        )
    graph_params = dict(record["graph_params"])
    half_life = float(graph_params.pop("half_life_days"))
    window = graph_params.pop("window_days")
    graph_params.pop("ring_discount", None)
    groups = load_groups(Path(source["groups"])) if source.get("groups") else None
    aliases = read_aliases(Path(source["aliases"])) if source.get("aliases") else None
    # runs recorded before tables were digested are checked by their alias count alone
    if record.get("groups_digest", table_digest(groups)) != table_digest(groups):
        raise RenownError(
            f"the groups table of run {record['run_id']} ({source['groups']}) has changed "
            "since the run; score it again"
        )
    if len(aliases or {}) != record.get("aliases", 0) or record.get(
        "aliases_digest", table_digest(aliases)
    ) != table_digest(aliases):
        raise RenownError(
            f"the alias table of run {record['run_id']} ({source['aliases']}) has changed "
            "since the run; score it again"
        )
    return score_events(
        events,
        aliases=aliases,
        as_of=datetime.fromisoformat(record["as_of"]),
        half_life_days=half_life,
        window_days=window,
        groups=groups,
        model=ProminenceModel(**record["model_params"]),
        trend_days=record.get("trend_days"),
        source=record.get("source"),
        as_of_rule=record.get("as_of_rule"),
        graph_options=graph_params,
    )
