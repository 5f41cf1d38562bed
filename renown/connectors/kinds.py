"""The kinds of interaction a connector reports, and how much attention each signals.

Each network is scored on its own graph, so only the weights *within* a network matter:
a reply or an answer is written attention (1), a follow is a standing choice to listen
(0.5), a share puts the person in front of the sharer's audience (0.7), a like, star or
favourite is one click (0.3), and an anonymous vote counts like an internal upvote (0.5).
"""

from __future__ import annotations

from typing import Final

FOLLOW: Final = "follow"
SHARE: Final = "share"
"""A boost, repost, fork or quote."""
FAVORITE: Final = "favorite"
"""A star, like or favourite."""
REPLY: Final = "reply"
COMMENT: Final = "comment"
MENTION: Final = "mention"
ANSWER: Final = "answer"
ACCEPT: Final = "accept"
REVIEW: Final = "review"
UPVOTE: Final = "upvote"
CONTRIBUTION: Final = "interaction"
"""An issue, pull request or other contribution to someone's project."""

KIND_WEIGHTS: Final[dict[str, float]] = {
    FOLLOW: 0.5,
    SHARE: 0.7,
    FAVORITE: 0.3,
    UPVOTE: 0.5,
}
"""Passed to the graph as ``kind_weights`` when an external network is scored."""
