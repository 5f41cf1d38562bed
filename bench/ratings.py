"""Challenge ratings: the vectorised Weng-Lin update against the openskill library.

openskill rates a contest with Python loops over every pair of participants (O(n^2) per
contest); renown's :func:`renown.challenges.ratings.weng_lin.plackett_luce` does one sort
and prefix sums (O(n log n)). Both rate the same contests from the same beliefs in the
same run, and must agree to 1e-9 before either is timed. Then the throughput of a whole fit
(contest rows per second) on the Codeforces standings when RENOWN_DATA_HOME is set, or on a
synthetic table of the same size otherwise.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from openskill.models import PlackettLuce

from bench import report
from renown.challenges.ratings.model import fit
from renown.challenges.ratings.standings import Standings, read_standings
from renown.challenges.ratings.weng_lin import CHOSEN, OPENSKILL_DEFAULTS, plackett_luce


def _contests(count: int, size: int, seed: int = 11) -> list[tuple[Any, Any, Any]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        mu = rng.normal(25.0, 6.0, size)
        sigma = rng.uniform(1.0, 25.0 / 3.0, size)
        rank = np.sort(rng.integers(0, size, size)).astype(np.int64)  # ties included
        out.append((mu, sigma, rank))
    return out


def _versus_openskill(count: int, size: int) -> dict[str, Any]:
    contests = _contests(count, size)
    model = PlackettLuce()
    began = time.perf_counter()
    theirs = []
    for mu, sigma, rank in contests:
        teams = [
            [model.rating(mu=float(m), sigma=float(s))] for m, s in zip(mu, sigma, strict=True)
        ]
        rated = model.rate(teams, ranks=[int(r) for r in rank])
        theirs.append(np.array([[t[0].mu, t[0].sigma] for t in rated]))
    openskill_s = time.perf_counter() - began
    best = np.inf
    for _ in range(5):
        began = time.perf_counter()
        ours = [plackett_luce(mu, sigma, rank, OPENSKILL_DEFAULTS) for mu, sigma, rank in contests]
        best = min(best, time.perf_counter() - began)
    worst = max(
        float(np.abs(np.column_stack(o) - t).max()) for o, t in zip(ours, theirs, strict=True)
    )
    if worst > 1e-9:
        raise AssertionError(f"renown and openskill disagree by {worst:.2e}")
    ratio = openskill_s / best
    report.table(
        f"Plackett-Luce: {count} contests of {size} players (ties included), same run",
        ["implementation", "time", "contests/s", "openskill / renown"],
        [
            [
                "openskill 6 PlackettLuce.rate",
                report.seconds(openskill_s),
                f"{count / openskill_s:,.1f}",
                f"{ratio:.0f}x",
            ],
            ["renown (numpy, O(n log n))", report.seconds(best), f"{count / best:,.0f}", "1x"],
        ],
    )
    report.note(f"largest difference in mu or sigma: {worst:.1e}")
    return {
        "contests": count,
        "players": size,
        "openskill_s": openskill_s,
        "renown_s": best,
        "ratio": ratio,
        "max_difference": worst,
    }


def _synthetic(contests: int = 937, size: int = 2_199, players: int = 201_963) -> Standings:
    rng = np.random.default_rng(5)
    sizes = np.full(contests, size, dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    player = np.concatenate([rng.choice(players, size, replace=False) for _ in range(contests)])
    rank = np.concatenate([np.sort(rng.integers(0, size, size)) for _ in range(contests)])
    return Standings(
        source="synthetic",
        contest_ids=[str(c) for c in range(contests)],
        handles=[f"h{i}" for i in range(players)],
        offsets=offsets,
        player=player.astype(np.int64),
        rank_lo=rank.astype(np.int64),
        rank_hi=rank.astype(np.int64),
    )


def _throughput() -> dict[str, Any]:
    home = os.environ.get("RENOWN_DATA_HOME")
    path = Path(home) / "codeforces-elo-mmr" / "standings.tsv.gz" if home else None
    if path is not None and path.is_file():
        began = time.perf_counter()
        standings = read_standings(path)
        read_s = time.perf_counter() - began
        label = "Codeforces standings"
    else:
        standings, read_s, label = _synthetic(), None, "synthetic standings (same size)"
    rows = []
    record: dict[str, Any] = {
        "table": label,
        "rows": standings.rows,
        "contests": standings.contests,
        "read_s": read_s,
    }
    for name, params in (("chosen", CHOSEN), ("plackett-luce", OPENSKILL_DEFAULTS)):
        best = min(_timed(lambda p=params: fit(standings, p)) for _ in range(3))
        record[name] = {
            "seconds": best,
            "rows_per_second": standings.rows / best,
            "model": params.describe(),
        }
        rows.append([params.describe(), report.seconds(best), report.rate(standings.rows / best)])
    report.table(
        f"Rating fit on the {label}: {standings.rows:,} rows, {standings.contests:,} contests"
        + (f" (read in {report.seconds(read_s)})" if read_s is not None else ""),
        ["model", "fit", "rows/s"],
        rows,
    )
    return record


def _timed(call: Any) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def run(count: int = 50, size: int = 200) -> dict[str, Any]:
    """Both sections; the JSON record."""
    report.note("\nchallenge ratings")
    return {"versus_openskill": _versus_openskill(count, size), "throughput": _throughput()}
