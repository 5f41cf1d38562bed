"""The one place pages turn stored keys into the words people read.

Keys (``customer_focus``, ``peer``, ``clap``, ``watchlist``) are what the database and the
API use; a page never shows one. Competency names come from the organisation's framework
(HR may rename them), the rest are fixed here, so the kudos wall, the 360 results, the
badges page, the radar and the challenges call a thing by the same name. A status word
with no entry here (``open``, ``upheld``, ``verified``) reads as itself, capitalised, through
:func:`label` with an empty map.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy.orm import Session

from renown.feedback import frameworks

RATER_GROUPS: Final = {
    "self": "Self",
    "manager": "Manager",
    "peer": "Peers",
    "report": "Reports",
    "client": "Clients",
    "other": "Others in the organisation",
    "others": "Several small groups together",
}
"""Who gave a rating, as a 360 report names the group (``others``: small groups pooled)."""

REACTIONS: Final = {
    "thumbsup": "Thumbs up",
    "clap": "Applause",
    "heart": "Love",
    "tada": "Celebrate",
    "rocket": "Rocket",
    "star": "Star",
}
"""Each kudos reaction's name in words, the text beside (or instead of) its emoji."""


RELATIONSHIPS: Final = {
    "self": "Self-assessment",
    "manager": "Manager",
    "report": "Report",
    "peer": "Peer",
    "client": "Client",
}
"""How a feedback giver stands to the receiver, as the pill on an answer reads."""

OUTREACH: Final = {
    "none": "Not approached",
    "watchlist": "On the watchlist",
    "contacted": "Contacted",
    "responded": "Responded",
    "hired": "Hired",
}
"""A radar subject's outreach step in words (``none``: nobody has approached them)."""

METRICS: Final = {
    "accuracy": "accuracy",
    "rmse": "root mean squared error (RMSE)",
    "mae": "mean absolute error (MAE)",
}
"""How an automatically scored challenge compares predictions with the answers."""


def competency_labels(session: Session, org_id: int) -> dict[str, str]:
    """Competency key -> its name in the organisation's active framework."""
    return {c.key: c.name for c in frameworks.competencies(session, org_id)}


_KEY_IN_TEXT: Final = re.compile(r"(?<![\w/.@=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@=-])")
"""A key written inside a sentence (``first prominence_score with ...``)."""


def readable(key: str) -> str:
    """``key`` as words, in lower case (``kudos_received`` -> ``kudos received``)."""
    return key.replace("_", " ").replace("-", " ").strip()


def label(labels: dict[str, str], key: str) -> str:
    """``key``'s label, or the key made readable (``customer_focus`` -> ``Customer focus``)
    when a framework no longer names it, so an old key never reaches a page raw."""
    return labels.get(key) or readable(key).capitalize()


def in_words(text: str) -> str:
    """A sentence the code wrote from keys (a badge's reason names the facts of its rule:
    ``first prominence_score with value=100``) with each key written as words. Badge
    rules are files an organisation may write, so their fact names cannot all be listed
    here; every one reads as words the same way."""
    return _KEY_IN_TEXT.sub(lambda found: readable(found.group()), text)


def label_globals() -> dict[str, object]:
    """What every template (and every macro it imports) may call: ``label(map, key)``,
    ``in_words(sentence)`` and the fixed maps, so no page needs its route to pass them
    along."""
    return {
        "label": label,
        "in_words": in_words,
        "rater_groups": RATER_GROUPS,
        "reaction_labels": REACTIONS,
        "relationships": RELATIONSHIPS,
        "outreach_labels": OUTREACH,
        "metric_labels": METRICS,
    }
