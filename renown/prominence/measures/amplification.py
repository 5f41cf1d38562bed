"""Amplification: engagement a person's voice draws per message they send.

Reach and strength reward people who receive a lot; amplification asks how much each of
their own messages is worth. It separates the engineer whose rare posts draw a crowd from
the person who is mentioned often only because they write to everyone, and it includes
anonymous engagement (public upvotes), which carries no graph edge.
"""

from __future__ import annotations

from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.measures._common import as_float, in_sums, out_sums


def amplification(graph: InteractionGraph) -> FloatArray:
    """Decayed engagement received per unit of decayed activity sent.

    ``amplification_i = (sum_j volume_ji + anonymous_i) / (sum_j volume_ij + 1)`` on the
    decayed pair volumes *before* pair scaling, because the ratio is about rates of
    engagement, which the per-pair ``log1p`` would distort.

    Parameters
    ----------
    graph:
        Interaction graph (uses ``out.volume`` and ``anonymous``).

    Returns
    -------
    numpy.ndarray
        Amplification of each node (0 for people nobody engaged with).

    Notes
    -----
    The ``+ 1`` in the denominator stops a single reply to someone who never writes from
    looking infinitely amplified, and keeps the value defined for silent people. An
    extra interaction addressed to ``i`` raises only ``amplification_i`` (the sender's own
    value can only fall). Cost ``O(m)``.

    References
    ----------
    M. Cha, H. Haddadi, F. Benevenuto and K. P. Gummadi, "Measuring user influence in
    Twitter: the million follower fallacy", Proc. ICWSM 2010 (retweets and mentions per
    tweet as influence); E. Bakshy, J. M. Hofman, W. A. Mason and D. J. Watts,
    "Everyone's an influencer", Proc. WSDM 2011.
    """
    received = in_sums(graph, graph.out.volume) + graph.anonymous
    sent = out_sums(graph, graph.out.volume)
    return as_float(received / (sent + 1.0))


def amplification_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`amplification` (plain loops); for tests only."""
    received = [float(a) for a in graph.anonymous]
    sent = [0.0] * graph.n
    src, dst, _ = graph.edges()
    for actor, target, volume in zip(src, dst, graph.out.volume, strict=True):
        received[int(target)] += float(volume)
        sent[int(actor)] += float(volume)
    return as_float([r / (s + 1.0) for r, s in zip(received, sent, strict=True)])
