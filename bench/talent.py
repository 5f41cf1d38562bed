"""Promotion-board hot paths: the what-if sweep and the bias-audit impact table.

The what-if recomputes every candidate's composite and rank at each weight step. renown does
it as one vectorised pass per step (:func:`renown.talent.composite.composite_matrix`); the
peer is the same computation written the idiomatic way in polars (weighted mean over the
criteria a candidate has, then a ``min`` rank), run on the same data in the same process.
Both must agree on every top N before either is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from bench import report
from renown.fairness import impact_table
from renown.talent.composite import WeightedCriterion
from renown.talent.whatif import sweep

KEYS = ("performance", "feedback", "prominence_internal", "badges", "tenure", "leadership")
WEIGHTS = (40.0, 25.0, 20.0, 5.0, 10.0, 15.0)
VARIED = "prominence_internal"


def _data(candidates: int, seed: int = 7) -> dict[str, dict[int, float | None]]:
    rng = np.random.default_rng(seed)
    points: dict[str, dict[int, float | None]] = {}
    for key in KEYS:
        values = rng.uniform(0, 100, candidates).round(1)
        missing = rng.random(candidates) < 0.1
        points[key] = {
            pid: (None if missing[pid] else float(values[pid])) for pid in range(candidates)
        }
    return points


def _polars_sweep(
    points: dict[str, dict[int, float | None]], top_n: int, weights: list[float]
) -> list[set[int]]:
    """The peer: one polars query per weight step."""
    frame = pl.DataFrame(
        {"person_id": list(range(len(points[KEYS[0]])))}
        | {key: list(points[key].values()) for key in KEYS}
    )
    tops = []
    for varied in weights:
        used = [varied if key == VARIED else w for key, w in zip(KEYS, WEIGHTS, strict=True)]
        numerator = pl.sum_horizontal(
            [pl.col(k).fill_null(0) * w for k, w in zip(KEYS, used, strict=True) if w > 0]
        )
        denominator = pl.sum_horizontal(
            [
                pl.col(k).is_not_null().cast(pl.Float64) * w
                for k, w in zip(KEYS, used, strict=True)
                if w > 0
            ]
        )
        ranked = frame.select(
            "person_id",
            # nobody with none of the weighted criteria is ranked (0/0 would rank first)
            pl.when(denominator > 0)
            .then((numerator / denominator).round(9))
            .rank("min", descending=True)
            .alias("rank"),
        )
        tops.append(set(ranked.filter(pl.col("rank") <= top_n).get_column("person_id")))
    return tops


def _labels(
    rng: np.random.Generator, values: list[str | None], size: int, p: list[float] | None = None
) -> pl.Series:
    """Category labels with nulls (numpy's choice gives objects; polars wants strings)."""
    picked = rng.choice(len(values), size, p=p)
    return pl.Series([values[i] for i in picked], dtype=pl.String)


def _best(repeats: int, call: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best, result


def run(candidates: int = 100_000, steps: int = 21, repeats: int = 3) -> dict[str, Any]:
    """Time both sweeps and the impact table; print the tables and return the figures."""
    points = _data(candidates)
    people = list(range(candidates))
    criteria = [WeightedCriterion(k, w) for k, w in zip(KEYS, WEIGHTS, strict=True)]
    top_n = max(1, candidates // 100)
    ours_s, result = _best(
        repeats, lambda: sweep(people, criteria, points, key=VARIED, top_n=top_n, steps=steps)
    )
    weights = [step.weight for step in result.steps]
    peer_s, peer_tops = _best(repeats, lambda: _polars_sweep(points, top_n, weights))
    agree = all(set(step.top) == top for step, top in zip(result.steps, peer_tops, strict=True))
    if not agree:
        raise SystemExit("the what-if and the polars reference disagree on a top N")
    evaluations = candidates * steps
    report.table(
        f"what-if sweep: {candidates:,} candidates x {len(KEYS)} criteria x {steps} weight steps",
        ["engine", "time", "candidate-steps/s", "time / renown's"],
        [
            ["renown (numpy)", report.seconds(ours_s), report.rate(evaluations / ours_s), "1.00x"],
            [
                "polars reference",
                report.seconds(peer_s),
                report.rate(evaluations / peer_s),
                f"{peer_s / ours_s:.2f}x",
            ],
        ],
    )
    audit_people = 1_000_000
    rng = np.random.default_rng(11)
    frame = pl.DataFrame(
        {
            "sex": _labels(
                rng,
                ["female", "male", "non-binary", None],
                audit_people,
                p=[0.45, 0.45, 0.02, 0.08],
            ),
            "race": _labels(rng, ["A", "B", "C", "D", "E", None], audit_people),
            "selected": rng.random(audit_people) < 0.1,
            "score": rng.uniform(0, 100, audit_people),
        }
    )
    selection_s, _ = _best(
        repeats, lambda: impact_table(frame, ["sex", "race"], selected="selected")
    )
    scoring_s, _ = _best(repeats, lambda: impact_table(frame, ["sex", "race"], score="score"))
    report.table(
        f"impact table (sex x race/ethnicity, {audit_people:,} people)",
        ["rate", "time", "people/s"],
        [
            ["selection", report.seconds(selection_s), report.rate(audit_people / selection_s)],
            [
                "scoring (median rule)",
                report.seconds(scoring_s),
                report.rate(audit_people / scoring_s),
            ],
        ],
    )
    return {
        "candidates": candidates,
        "steps": steps,
        "sweep_s": ours_s,
        "polars_sweep_s": peer_s,
        "polars_over_renown": peer_s / ours_s,
        "impact_people": audit_people,
        "impact_selection_s": selection_s,
        "impact_scoring_s": scoring_s,
    }
