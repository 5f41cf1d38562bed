"""Per-person explanations: why a score is what it is, in numbers and in words.

An explanation lists each component's raw value, percentile and points (the points add up
to the score exactly), the people who drive the person's influence, the departments that
seek them out, the trend against the previous window, and whether a detected ring was
discounted. The words are generated from the numbers, never the other way round.

The explanation itself is a value of :mod:`renown.core.explanation`, which the readers of
stored explanations share; this module computes it from a fitted model.
"""

from __future__ import annotations

import numpy as np

from renown.core.explanation import ComponentPart, Driver, Explanation, GroupReached
from renown.prominence.components import COMPONENTS
from renown.prominence.measures.endorsement import hubs, tie_strength
from renown.prominence.model import ProminenceModel


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
            delta=(
                float(model.points_[name][i]) - float(previous.points_[name][j])
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
        trend=(
            float(scores[i]) - float(previous.scores_[j])
            if previous is not None and j is not None
            else None
        ),
    )


def _drivers(model: ProminenceModel, i: int, top: int) -> tuple[Driver, ...]:
    """People whose attention lifts ``i``'s standing most.

    With endorsement computed, a sender's share is ``tie_ji * hub_j``: the strength of their
    tie to ``i`` times how well they are tied to endorsed people (their hub value in the
    last round), which is exactly how much of ``i``'s endorsement flows from them. Without
    it (an organisation that weighs PageRank instead), the PageRank flow
    ``PR_j * w_ji / out_j`` is used.
    """
    graph = model.graph_
    inbound = graph.inbound
    lo, hi = inbound.indptr[i], inbound.indptr[i + 1]
    if hi == lo:
        return ()
    senders = inbound.indices[lo:hi]
    endorsed = model.raw_.get("endorsement")
    if endorsed is not None:
        flow = tie_strength(inbound.volume[lo:hi]) * hubs(graph, endorsed)[senders]
    else:
        out_strength = model.raw_.get("out_strength")
        if out_strength is None:
            out_strength = graph.out.strength()
        rank_values = model.raw_.get("pagerank")
        flow = inbound.weights[lo:hi] / np.maximum(out_strength[senders], 1e-300)
        if rank_values is not None:
            flow = flow * rank_values[senders]
    total = float(flow.sum())
    if total <= 0.0:
        return ()
    share = flow / total
    order = np.argsort(-share, kind="stable")[:top]
    return tuple(Driver(str(graph.people[senders[k]]), float(share[k])) for k in order)


def _groups_reached(model: ProminenceModel, i: int, top: int) -> tuple[GroupReached, ...]:
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
    return tuple(
        GroupReached(graph.group_names[g], float(strength[g]))
        for g in order[:top]
        if strength[g] > 0
    )
