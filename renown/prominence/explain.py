"""Per-person explanations: why a score is what it is, in numbers and in words.

An explanation lists each component's raw value, percentile and points (the points add up
to the score exactly), the people who drive the person's influence, the departments that
seek them out, the trend against the previous window, and whether a detected ring was
discounted. The words are generated from the numbers, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from renown.prominence.components import COMPONENTS
from renown.prominence.model import ProminenceModel


@dataclass(frozen=True)
class ComponentPart:
    """One component's share of a score."""

    name: str
    label: str
    raw: float
    percentile: float
    weight: float
    points: float
    previous_points: float | None = None

    @property
    def delta(self) -> float | None:
        """Points gained (+) or lost (-) since the previous window."""
        return None if self.previous_points is None else self.points - self.previous_points


@dataclass(frozen=True)
class Driver:
    """Someone whose attention lifts the person's influence."""

    person: str
    share: float
    """Share of the person's PageRank inflow that comes from this driver (0..1)."""


@dataclass(frozen=True)
class Explanation:
    """Everything needed to understand one person's score."""

    person: str
    score: int
    score_exact: float
    rank: int
    population: int
    parts: tuple[ComponentPart, ...]
    drivers: tuple[Driver, ...]
    groups_reached: tuple[tuple[str, float], ...]
    ring: tuple[str, ...] | None
    previous_score: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def trend(self) -> float | None:
        """Score change against the previous window."""
        return None if self.previous_score is None else self.score_exact - self.previous_score

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "person": self.person,
            "score": self.score,
            "score_exact": round(self.score_exact, 4),
            "rank": self.rank,
            "population": self.population,
            "trend": None if self.trend is None else round(self.trend, 4),
            "components": [
                {
                    "name": p.name,
                    "label": p.label,
                    "raw": p.raw,
                    "percentile": round(p.percentile, 6),
                    "weight": p.weight,
                    "points": round(p.points, 4),
                    "delta": None if p.delta is None else round(p.delta, 4),
                }
                for p in self.parts
            ],
            "drivers": [{"person": d.person, "share": round(d.share, 4)} for d in self.drivers],
            "groups_reached": [
                {"group": g, "strength": round(s, 4)} for g, s in self.groups_reached
            ],
            "ring": list(self.ring) if self.ring else None,
            "summary": self.summary(),
        }

    def summary(self) -> str:
        """Plain-words explanation."""
        weighted = [p for p in self.parts if p.weight > 0]
        top = sorted(weighted, key=lambda p: p.points, reverse=True)
        strongest = top[0] if top else None
        weakest = top[-1] if top else None
        lines = [
            f"{self.person} scores {self.score}/100, rank {self.rank} of {self.population}"
            + (
                f" ({_signed(self.trend)} since the previous window)."
                if self.trend is not None
                else "."
            )
        ]
        if strongest is not None and weakest is not None:
            lines.append(
                f"Strongest: {strongest.label.lower()} ({_standing(strongest.percentile)}, "
                f"{strongest.points:.1f} points). Weakest: {weakest.label.lower()} "
                f"({_standing(weakest.percentile)}, {weakest.points:.1f} points)."
            )
        if self.drivers:
            names = ", ".join(f"{d.person} ({_share(d.share)})" for d in self.drivers[:3])
            if self.drivers[0].share < 0.05:
                lines.append(
                    f"Influence is broad: no one dominates; the largest shares are {names}."
                )
            else:
                lines.append(f"Influence comes mostly from attention by {names}.")
        if self.groups_reached:
            groups = ", ".join(g for g, _ in self.groups_reached[:3])
            lines.append(f"Sought out by other groups: {groups}.")
        if self.ring:
            lines.append(
                "Interactions inside a detected reciprocal ring with "
                + ", ".join(p for p in self.ring if p != self.person)
                + " were discounted."
            )
        lines.extend(self.notes)
        return " ".join(lines)


def explain(
    model: ProminenceModel,
    person: str,
    *,
    previous: ProminenceModel | None = None,
    top: int = 5,
) -> Explanation:
    """Explain ``person``'s score in a fitted ``model`` (``previous``: the prior window's)."""
    graph = model.graph_
    try:
        i = graph.index[person]
    except KeyError:
        raise KeyError(f"{person!r} was not scored in this run") from None
    prev_index = previous.graph_.index if previous is not None else {}
    j = prev_index.get(person)
    parts = tuple(
        ComponentPart(
            name=name,
            label=COMPONENTS[name].label,
            raw=float(model.raw_[name][i]),
            percentile=float(model.percentiles_[name][i]),
            weight=model.weights_[name],
            points=float(model.points_[name][i]),
            previous_points=(
                float(previous.points_[name][j])
                if previous is not None and j is not None and name in previous.points_
                else None
            ),
        )
        for name in model.components_
    )
    scores = model.scores_
    rank = int((scores > scores[i]).sum()) + 1
    ring = next((r.members for r in model.ring_report_.rings if person in r.members), None)
    return Explanation(
        person=person,
        score=int(np.clip(np.floor(scores[i] + 0.5), 1, 100)),
        score_exact=float(scores[i]),
        rank=rank,
        population=graph.n,
        parts=parts,
        drivers=_drivers(model, i, top),
        groups_reached=_groups_reached(model, i, top),
        ring=ring,
        previous_score=(
            float(previous.scores_[j]) if previous is not None and j is not None else None
        ),
    )


def _drivers(model: ProminenceModel, i: int, top: int) -> tuple[Driver, ...]:
    """People whose PageRank flow into ``i`` is largest: alpha * PR_j * w_ji / out_j."""
    graph = model.graph_
    inbound = graph.inbound
    lo, hi = inbound.indptr[i], inbound.indptr[i + 1]
    if hi == lo:
        return ()
    senders = inbound.indices[lo:hi]
    out_strength = model.raw_.get("out_strength")
    if out_strength is None:
        out_strength = graph.out.strength()
    rank_values = model.raw_.get("pagerank")
    weight = inbound.weights[lo:hi]
    flow = weight / np.maximum(out_strength[senders], 1e-300)
    if rank_values is not None:
        flow = flow * rank_values[senders]
    share = flow / flow.sum()
    order = np.argsort(-share, kind="stable")[:top]
    return tuple(Driver(str(graph.people[senders[k]]), float(share[k])) for k in order)


def _groups_reached(model: ProminenceModel, i: int, top: int) -> tuple[tuple[str, float], ...]:
    graph = model.graph_
    if graph.groups is None:
        return ()
    inbound = graph.inbound
    lo, hi = inbound.indptr[i], inbound.indptr[i + 1]
    codes = graph.groups[inbound.indices[lo:hi]]
    keep = (codes >= 0) & (codes != graph.groups[i])
    if not keep.any():
        return ()
    strength = np.bincount(codes[keep], weights=inbound.weights[lo:hi][keep])
    order = np.argsort(-strength, kind="stable")
    return tuple((graph.group_names[g], float(strength[g])) for g in order[:top] if strength[g] > 0)


def _standing(percentile: float) -> str:
    """``top 3%`` / ``bottom 20%`` wording of a percentile."""
    if percentile >= 0.5:
        return f"top {max(1, round((1 - percentile) * 100))}%"
    return f"bottom {max(1, round(percentile * 100))}%"


def _share(share: float) -> str:
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1f}"
