"""What a published ranking leaves out, in sentences: the candidate's view of a board.

A round published to its candidates (or to everyone) shows ranks and names but withholds
the composite, the contributions and most evidence (:func:`renown.talent.board.published_row`
says why). The page used to show a column of dashes for each; it now leaves those columns
out and says, one sentence per hidden column, what is hidden and why.
"""

from __future__ import annotations

from renown.talent.board import Board
from renown.talent.criteria import EXTERNAL_KEYS, PROMINENCE_KEYS


def hidden_columns(board: Board) -> tuple[tuple[str, str], ...]:
    """(column, why it is hidden) for each column a published ranking leaves out."""
    labels = {info.key: info.label for info in board.criteria}
    weighted = [str(c["key"]) for c in board.round.criteria if float(c["weight"]) > 0]
    hidden: list[tuple[str, str]] = [
        (
            "Composite and contributions",
            "Shown only to HR and to each candidate for themselves: next to the round's "
            "published weights, a colleague's composite would let anyone work out their "
            "confidential rating or 360 results.",
        ),
    ]
    confidential = [labels.get(key, key) for key in weighted if key not in PROMINENCE_KEYS]
    if confidential:
        hidden.append(
            (
                ", ".join(confidential),
                "Confidential evidence: shown only to HR and to each candidate for "
                "themselves, in their own explanation.",
            )
        )
    for key in weighted:
        if key in PROMINENCE_KEYS:
            where = "public social networks" if key in EXTERNAL_KEYS else "work collaboration"
            hidden.append(
                (
                    labels.get(key, key),
                    f"A prominence score from {where}: shown only for people who chose to "
                    "keep their profile public; hidden for everyone else.",
                )
            )
    hidden.append(
        (
            "Missing inputs and 9-box cell",
            "Hidden, because saying which inputs a colleague lacks would reveal, for "
            "example, that they have no rating.",
        )
    )
    return tuple(hidden)
