"""Detection and discounting of reciprocal rings (collusion).

A small group that messages, mentions or kudos each other far more than colleagues do can
inflate reach, responsiveness and even PageRank for its members. The detector looks for
what such a group leaves behind:

1. **Heavy reciprocal pairs.** For every pair that addresses each other, the *mutual volume*
   ``min(v_ij, v_ji)`` (decayed events each way, the smaller side) is compared with the
   organisation's norm: a pair is heavy when its mutual volume is in the top
   ``1 - quantile`` of all reciprocated pairs *and* at least ``min_ratio`` times their
   median. (A quantile, not a z-score: time decay spreads volumes over orders of magnitude,
   which makes dispersion-based thresholds useless on multi-year data.)
2. **Closed, dense, unexplained groups.** Heavy pairs are joined into connected groups. A
   group of at least ``min_size`` people is a ring when the heavy pairs cover at least
   ``min_density`` of its possible pairs, at least ``min_insularity`` of its members' inbound
   volume comes from inside the group, *and* the heavy ties are not explained by shared
   context: the members' other contacts overlap no more than ``max_embeddedness`` times
   what two strangers' contacts overlap in this population (the median over the group's
   heavy pairs of their Jaccard overlap, divided by the Jaccard overlap implied by the exact
   mean number of contacts two random people share). Teammates who work together intensely
   share their manager and colleagues (3-5x strangers in the synthetic organisation); a ring
   recruited across the organisation shares about what strangers share (0.5-1.3x). A ring
   made only of teammates is indistinguishable from a busy team and is, deliberately, not
   flagged.

Discounting multiplies the weight of every edge *inside* a ring by ``discount`` (default 0:
the ring's internal interactions are not counted at all) so that members keep exactly the
attention they earn from everybody else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from renown.graph.csr import CSR, InteractionGraph
from renown.prominence.reciprocity import reciprocated_pairs

MAX_RING_SIZE = 64
"""Groups of heavy ties larger than this are communities, not rings, and are not judged."""


@dataclass(frozen=True)
class Ring:
    """A detected group of people who inflate each other."""

    members: tuple[str, ...]
    density: float
    """Share of the group's possible pairs that are heavy reciprocal pairs."""
    insularity: float
    """Share of the members' inbound volume that comes from inside the group."""
    embeddedness: float
    """Overlap of the members' other contacts, relative to strangers' (1 = like strangers)."""
    mutual_volume: float
    """Median mutual volume of the group's heavy pairs (decayed events)."""
    norm_volume: float
    """The organisation's median mutual volume, for comparison."""


@dataclass(frozen=True)
class RingReport:
    """What the detector found."""

    rings: tuple[Ring, ...]
    heavy_pairs: int
    reciprocated_pairs: int

    @property
    def flagged(self) -> frozenset[str]:
        """Everybody who belongs to a ring."""
        return frozenset(p for r in self.rings for p in r.members)


def detect_rings(
    graph: InteractionGraph,
    *,
    quantile: float = 0.99,
    min_ratio: float = 8.0,
    min_size: int = 3,
    min_density: float = 0.8,
    min_insularity: float = 0.5,
    max_embeddedness: float = 2.0,
) -> RingReport:
    """Find reciprocal rings in ``graph`` (see the module docstring for the rule)."""
    a, b, there, back = reciprocated_pairs(graph)
    if len(a) == 0:
        return RingReport((), 0, 0)
    mutual = np.minimum(there, back)
    median, threshold = heavy_threshold(mutual, quantile=quantile, min_ratio=min_ratio)
    heavy = mutual >= threshold
    return judge_heavy_pairs(
        graph,
        a[heavy],
        b[heavy],
        mutual[heavy],
        norm=median,
        reciprocated=len(a),
        min_size=min_size,
        min_density=min_density,
        min_insularity=min_insularity,
        max_embeddedness=max_embeddedness,
    )


def heavy_threshold(
    mutual: NDArray[np.float64], *, quantile: float, min_ratio: float
) -> tuple[float, float]:
    """Return the organisation's median mutual volume and the heavy-pair threshold."""
    median = float(np.median(mutual))
    return median, max(float(np.quantile(mutual, quantile)), median * min_ratio)


def judge_heavy_pairs(
    graph: InteractionGraph,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    mutual: NDArray[np.float64],
    *,
    norm: float,
    reciprocated: int,
    min_size: int,
    min_density: float,
    min_insularity: float,
    max_embeddedness: float,
) -> RingReport:
    """Group heavy pairs ``a[k] < b[k]`` (listed by ``a`` then ``b``) into rings.

    Shared by every engine: an engine finds the heavy pairs its own way and this function
    applies the group rule of the module docstring on the collected graph.
    """
    core = _peel(a, b, min_size - 1)
    rings = _closed_groups(
        graph,
        a[core],
        b[core],
        norm,
        mutual[core],
        min_size,
        min_density,
        min_insularity,
        max_embeddedness,
    )
    return RingReport(tuple(rings), len(a), reciprocated)


def _peel(a: NDArray[np.int32], b: NDArray[np.int32], k: int) -> NDArray[np.bool_]:
    """Keep the heavy pairs of the ``k``-core of the heavy-pair graph.

    A ring of ``s`` people is a clique in which everyone has ``s - 1`` heavy partners; an
    honest person hanging on to it by one intense collaboration has one. Peeling people with
    fewer than ``k`` heavy partners stops such a bystander from merging into the ring.
    """
    keep = np.ones(len(a), dtype=bool)
    size = int(max(a.max(initial=0), b.max(initial=0))) + 1
    while keep.any():
        weak = np.bincount(np.concatenate([a[keep], b[keep]]), minlength=size) < k
        drop = keep & (weak[a] | weak[b])
        if not drop.any():
            break
        keep &= ~drop
    return keep


def _densest(
    members: NDArray[np.int64],
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    min_size: int,
    min_density: float,
) -> NDArray[np.int64]:
    """Peel the least-connected member until the group's heavy pairs are dense enough.

    Greedy peeling (Charikar 2000) separates a clique from the people who touch it through
    one or two intense but honest collaborations. Ties go to the larger node number so the
    result does not depend on the order in which pairs were listed.
    """
    group = members
    while len(group) >= min_size:
        inside = np.isin(a, group) & np.isin(b, group)
        k = len(group)
        if inside.sum() >= min_density * k * (k - 1) / 2:
            return group
        degree = np.array(
            [int((a[inside] == m).sum() + (b[inside] == m).sum()) for m in group.tolist()]
        )
        group = np.delete(group, int(np.flatnonzero(degree == degree.min())[-1]))
    return group


def _closed_groups(
    graph: InteractionGraph,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    norm: float,
    mutual: NDArray[np.float64],
    min_size: int,
    min_density: float,
    min_insularity: float,
    max_embeddedness: float,
) -> list[Ring]:
    """Judge each connected group of heavy pairs (work proportional to the heavy pairs)."""
    if len(a) == 0:
        return []
    n = graph.n
    adj = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)).tocsr()
    _, labels = connected_components(adj, directed=False)
    pair_label = labels[a]
    order = np.argsort(pair_label, kind="stable")
    bounds = np.flatnonzero(np.diff(pair_label[order])) + 1
    in_total: NDArray[np.float64] | None = None
    strangers: float | None = None
    rings: list[Ring] = []
    for chunk in np.split(order, bounds):
        ga, gb, gm = a[chunk], b[chunk], mutual[chunk]
        members = _densest(np.unique(np.concatenate([ga, gb])), ga, gb, min_size, min_density)
        k = len(members)
        if k < min_size or k > MAX_RING_SIZE:
            continue
        inside = np.isin(ga, members) & np.isin(gb, members)
        density = float(inside.sum()) / (k * (k - 1) / 2)
        if density < min_density:
            continue
        if in_total is None:
            rows = np.repeat(np.arange(n), np.diff(graph.inbound.indptr))
            in_total = np.bincount(rows, weights=graph.inbound.volume, minlength=n).astype(
                np.float64
            )
        insularity = _internal_inbound(graph.inbound, members) / max(
            float(in_total[members].sum()), 1e-12
        )
        if insularity < min_insularity:
            continue
        if strangers is None:
            strangers = _strangers_overlap(graph)
        embedded = _embeddedness(graph, ga[inside], gb[inside], members, strangers)
        if embedded <= max_embeddedness:
            rings.append(
                Ring(
                    members=tuple(sorted(str(graph.people[m]) for m in members)),
                    density=density,
                    insularity=insularity,
                    embeddedness=embedded,
                    mutual_volume=float(np.median(gm[inside])),
                    norm_volume=norm,
                )
            )
    return sorted(rings, key=lambda r: r.members)


def _strangers_overlap(graph: InteractionGraph) -> float:
    """Jaccard overlap implied by the exact mean number of contacts two random people share."""
    degrees = _contact_degrees(graph).astype(np.float64)
    n = max(len(degrees), 2)
    shared = float((degrees * (degrees - 1)).sum()) / (n * (n - 1))
    return shared / max(2 * float(degrees.mean()) - shared, 1e-9)


def _embeddedness(
    graph: InteractionGraph,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    members: NDArray[np.int64],
    strangers: float,
) -> float:
    """Median, over heavy pairs, of how much the two people's outside contacts overlap.

    The overlap (Jaccard) is divided by what two strangers share in this population
    (:func:`_strangers_overlap`), so the rule does not depend on the size of the
    organisation: about 1 for strangers, far above 1 for teammates.
    """
    outside = set(members.tolist())
    lifts = []
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        ni = _contacts(graph, i) - outside
        nj = _contacts(graph, j) - outside
        union = len(ni | nj)
        lifts.append(len(ni & nj) / union / max(strangers, 1e-12) if union else 0.0)
    return float(np.median(lifts)) if lifts else 0.0


def _contact_degrees(graph: InteractionGraph) -> NDArray[np.int64]:
    """Number of distinct contacts (in or out) of every person."""
    src, dst, _ = graph.edges()
    lo, hi = np.minimum(src, dst).astype(np.int64), np.maximum(src, dst).astype(np.int64)
    pairs = np.unique(lo * graph.n + hi)
    ends = np.concatenate([pairs // graph.n, pairs % graph.n])
    return np.bincount(ends, minlength=graph.n)


def _contacts(graph: InteractionGraph, i: int) -> set[int]:
    out, inbound = graph.out, graph.inbound
    return set(out.indices[out.indptr[i] : out.indptr[i + 1]].tolist()) | set(
        inbound.indices[inbound.indptr[i] : inbound.indptr[i + 1]].tolist()
    )


def _internal_inbound(inbound: CSR, members: NDArray[np.int64]) -> float:
    member_set = np.zeros(len(inbound.indptr) - 1, dtype=bool)
    member_set[members] = True
    total = 0.0
    for m in members:
        lo, hi = inbound.indptr[m], inbound.indptr[m + 1]
        total += float(inbound.volume[lo:hi][member_set[inbound.indices[lo:hi]]].sum())
    return total


def discount_rings(
    graph: InteractionGraph, report: RingReport, discount: float = 0.0
) -> InteractionGraph:
    """Return ``graph`` with the edges inside detected rings weighted ``discount`` times.

    Only edges between two members of the *same* ring are touched, so members keep every
    bit of attention from the rest of the organisation. With the default ``discount=0`` the
    edges are removed outright, so that count-based components (reach) ignore them too.
    """
    if not report.rings:
        return graph
    ring_of = np.full(graph.n, -1, dtype=np.int64)
    index = graph.index
    for r, ring in enumerate(report.rings):
        for person in ring.members:
            ring_of[index[person]] = r
    src, dst, weights = graph.edges()
    inside = (ring_of[src] >= 0) & (ring_of[src] == ring_of[dst])
    if discount == 0.0:
        keep = ~inside
        counts = np.bincount(src[keep], minlength=graph.n)
        indptr = np.zeros(graph.n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        out = CSR(
            indptr=indptr,
            indices=graph.out.indices[keep],
            weights=weights[keep],
            volume=graph.out.volume[keep],
        )
    else:
        out = CSR(
            indptr=graph.out.indptr,
            indices=graph.out.indices,
            weights=np.where(inside, weights * discount, weights),
            volume=np.where(inside, graph.out.volume * discount, graph.out.volume),
        )
    return replace(graph, out=out, params={**graph.params, "ring_discount": discount})
