"""Engagement: how much attention a person receives, named or anonymous.

Why a volume measure beside endorsement and reach: on a public Q&A site most of the
recognition is anonymous (upvotes carry no actor, so no edge), and on the Stack Exchange
validation the engagement people receive predicts the badges they earn better than any
structural measure (``docs/validity.md``). The ratio renown used before, engagement *per
message sent* (kept as the informational ``amplification``), threw that volume away: a
prolific, much-upvoted answerer looked no better than a silent one.

Named attention enters with the pair-scaled weights (``log1p`` of each pair's decayed
volume), so one chatty correspondent cannot dominate anyone's engagement; anonymous
engagement enters at its decayed volume, because each unit is a different person's act
(a site lets a member upvote a post once).
"""

from __future__ import annotations

from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.measures._common import as_float, in_sums


def engagement(graph: InteractionGraph) -> FloatArray:
    """Pair-scaled inbound attention plus decayed anonymous engagement.

    ``engagement_i = sum_j w_ji + anonymous_i`` with ``w`` the scaled pair weights.

    Returns
    -------
    numpy.ndarray
        Engagement of each node (0 for people nobody engaged with).

    Notes
    -----
    Monotone in inbound attention by construction, and an extra interaction changes no one
    else's value. Cost ``O(m)``.
    """
    return as_float(in_sums(graph, graph.out.weights) + graph.anonymous)


def engagement_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`engagement` (plain loops); for tests only."""
    received = [float(a) for a in graph.anonymous]
    _, dst, weights = graph.edges()
    for target, weight in zip(dst, weights, strict=True):
        received[int(target)] += float(weight)
    return as_float(received)
