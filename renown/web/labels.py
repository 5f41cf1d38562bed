"""The one place pages turn stored keys into the words people read.

Keys (``customer_focus``, ``peer``, ``clap``) are what the database and the API use; a page
never shows one. Competency names come from the organisation's framework (HR may rename
them), the rest are fixed here, so the kudos wall, the 360 results and the badges page
call a thing by the same name.
"""

from __future__ import annotations

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


def competency_labels(session: Session, org_id: int) -> dict[str, str]:
    """Competency key -> its name in the organisation's active framework."""
    return {c.key: c.name for c in frameworks.competencies(session, org_id)}


def label(labels: dict[str, str], key: str) -> str:
    """``key``'s label, or the key made readable (``customer_focus`` -> ``Customer focus``)
    when a framework no longer names it, so an old key never reaches a page raw."""
    return labels.get(key) or key.replace("_", " ").replace("-", " ").strip().capitalize()


def label_globals() -> dict[str, object]:
    """What every template (and every macro it imports) may call: ``label(map, key)`` and
    the fixed maps, so no page needs its route to pass them along."""
    return {"label": label, "rater_groups": RATER_GROUPS, "reaction_labels": REACTIONS}
