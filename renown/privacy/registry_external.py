"""The external prominence tables in the privacy registry (:mod:`renown.privacy.registry`).

A linked account, what was pulled from it, the person's external scores, their consent
to bulk linking and their public card all hang off the person (``ON DELETE CASCADE``) and
go with them; the items and events pulled from an account go with the account.
"""

from __future__ import annotations

from typing import Final

from renown.privacy.kinds import Erase, Exported, Names, PersonalColumn
from renown.privacy.kinds import col as _col

EXTERNAL_COLUMNS: Final[tuple[PersonalColumn, ...]] = (
    _col(
        "external_accounts",
        "person_id",
        Names.PERSON,
        Erase.DELETE,
        "the public accounts they linked; what was pulled from them goes too (cascade)",
        Exported("external.accounts"),
    ),
    _col(
        "external_accounts",
        "linked_by_account_id",
        Names.ACCOUNT,
        Erase.CLEAR,
        "who linked an account (the person, or HR from a file) is forgotten; the link stays"
        " the linked person's",
    ),
    _col(
        "external_scores",
        "person_id",
        Names.PERSON,
        Erase.DELETE,
        "their external prominence scores and explanations",
        Exported("external.scores"),
    ),
    _col(
        "external_consents",
        "person_id",
        Names.PERSON,
        Erase.DELETE,
        "their choice on HR linking their accounts from a file",
        Exported("external.consent", match="person_id", key="person_id"),
    ),
    _col(
        "public_cards",
        "person_id",
        Names.PERSON,
        Erase.DELETE,
        "their public profile card and what it shows",
        Exported("external.card", match="person_id", key="person_id"),
    ),
)

EXTERNAL_TABLES_NAMING_NOBODY: Final[dict[str, str]] = {
    "external_items": "reached through its linked account (exported and erased with it)",
    "external_events": (
        "reached through its linked account (exported and erased with it); the other"
        " accounts it names are public handles on the network, not people of renown"
    ),
}
