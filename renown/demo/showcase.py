"""``make demo`` / ``renown demo``: a synthetic organisation scored end to end.

The demo goes through the same path as real data: events are appended to the event lake
(so running the demo twice adds nothing), read back from the lake, scored with departments
as groups, and the run is recorded so that ``renown explain`` works on it afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from renown.core.private import private_output
from renown.demo.org import generate_org, inject_collusion_rings
from renown.ingest.lake import EventLake
from renown.scoring.pipeline import ScoringResult, score_events
from renown.scoring.runs import record_run, write_scores


@dataclass(frozen=True)
class DemoOutcome:
    """The scored demo organisation and what to print around it."""

    result: ScoringResult
    labels: dict[str, str]
    groups: dict[str, str]
    headline: str
    footer: str


def run_demo(
    home: Path,
    *,
    people: int = 3000,
    seed: int = 7,
    rings: int = 0,
    on_stage: Callable[[str], None] | None = None,
) -> DemoOutcome:
    """Generate, store, score and record the demo organisation under ``home``.

    ``rings`` plants that many 5-person collusion rings, to watch the detector find them.
    """
    stage = on_stage or (lambda _name: None)
    stage("generating the synthetic organisation")
    org = generate_org(people=people, seed=seed)
    if rings:
        org, _ = inject_collusion_rings(org, rings=rings, seed=seed)
    stage("writing events to the event lake")
    lake = EventLake(home / "lake")
    appended = lake.append(org.events)
    groups = org.groups
    groups_file = home / "groups.csv"
    with private_output(groups_file) as temporary:
        pl.DataFrame({"person": list(groups), "group": list(groups.values())}).write_csv(temporary)
    events = lake.scan().collect()
    result = score_events(
        events,
        groups=groups,
        source=json.dumps(
            {
                "path": str(lake.path.resolve()),
                "format": "lake",
                "mapping": None,
                "groups": str(groups_file.resolve()),
            }
        ),
        on_stage=stage,
    )
    stage("recording the run")
    write_scores(result, home / "scores.csv")
    folder = record_run(result, home / "runs")
    labels = dict(zip(org.people["person_id"].to_list(), org.people["name"].to_list(), strict=True))
    n_departments = len(set(groups.values()))
    headline = (
        f"Synthetic organisation: {org.people.height:,} people in {n_departments} departments, "
        f"{events.height:,} interactions (email, chat, code review, social, kudos) over the last "
        f"six months; {appended.added:,} new in the lake, {appended.duplicates:,} already there."
    )
    top_person = str(result.scores["person"][0])
    found = result.model.ring_report_.rings
    ring_line = (
        f"Anti-gaming: {len(found)} collusion ring(s) detected and discounted: "
        + "; ".join(", ".join(r.members) for r in found)
        + ". "
        if found
        else "Anti-gaming: no collusion rings detected (try --rings 3). "
    )
    footer = (
        f"{ring_line}Scores: {home / 'scores.csv'} (run {folder.name}). Explain anyone with "
        f"'renown explain {top_person} --home {home}'."
    )
    return DemoOutcome(result, labels, groups, headline, footer)
