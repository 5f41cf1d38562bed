"""The challenge and marketplace tables in the privacy registry (:mod:`renown.privacy.registry`,
whose docstring says what is decided for challenges and why)."""

from __future__ import annotations

from typing import Final

from renown.privacy.kinds import Erase, Exported, Names, PersonalColumn
from renown.privacy.kinds import col as _col

A = Names.ACCOUNT
DEL, CLEAR = Erase.DELETE, Erase.CLEAR

CHALLENGE_COLUMNS: Final[tuple[PersonalColumn, ...]] = (
    _col(
        "challenges",
        "sponsor_account_id",
        A,
        CLEAR,
        "a challenge they posted stays for its entrants (results, prizes owed); who posted it"
        " is forgotten, its sponsor name says which organisation or team it was for",
        Exported("challenges.posted"),
    ),
    _col(
        "challenge_reviewers",
        "account_id",
        A,
        DEL,
        "their place among a challenge's reviewers (a challenge still in review needs another"
        " reviewer from its sponsor)",
        Exported("challenges.reviewing", match="challenge_id", key="challenge_id"),
    ),
    _col(
        "challenge_reviews",
        "reviewer_account_id",
        A,
        DEL,
        "their scorecards, their own judgement of others' work: what those decided is kept in"
        " the challenge's results; appeals against them go with them (cascade)",
        Exported("challenges.reviews_written"),
    ),
    _col(
        "challenge_registrations",
        "account_id",
        A,
        DEL,
        "their registrations",
        Exported("challenges.registrations", match="challenge_id", key="challenge_id"),
    ),
    _col(
        "challenge_submissions",
        "account_id",
        A,
        DEL,
        "their work (a file can hold their name); its reviews go with it (cascade)",
        Exported("challenges.submissions"),
    ),
    _col(
        "challenge_results",
        "account_id",
        A,
        DEL,
        "their standing, which means nothing without them; the others' ranks and ratings stay"
        " as decided (the erased rank is a gap), and the audit log keeps the settling",
        Exported("challenges.results", match="challenge_id", key="challenge_id"),
    ),
    _col(
        "prize_ledger",
        "account_id",
        A,
        DEL,
        "prizes owed to them: renown moves no money, so the financial record is the sponsor's"
        " own payment (the reference), kept in its books as long as the law asks; renown's"
        " copy goes once the export has given it to them",
        Exported("challenges.prizes"),
    ),
    _col(
        "prize_ledger",
        "paid_by_account_id",
        A,
        CLEAR,
        "the winner's prize stays recorded as paid; who recorded it is forgotten (the audit log"
        " keeps it under the pseudonym)",
        Exported("challenges.payments_recorded"),
    ),
    _col(
        "skill_ratings",
        "account_id",
        A,
        DEL,
        "their rating",
        Exported("challenges.rating", match="account_id", key="account_id"),
    ),
    _col(
        "rating_history",
        "account_id",
        A,
        DEL,
        "their rating's history",
        Exported("challenges.rating_history"),
    ),
    _col(
        "member_profiles",
        "account_id",
        A,
        DEL,
        "their marketplace profile (name, headline, skills, availability)",
        Exported("challenges.profiles", match="account_id", key="account_id"),
    ),
    _col(
        "marketplace_invitations",
        "sponsor_account_id",
        A,
        DEL,
        "an invitation is a private message between two named accounts, meaningless"
        " without either (as a kudos is)",
        Exported("challenges.invitations_sent"),
    ),
    _col(
        "marketplace_invitations",
        "member_account_id",
        A,
        DEL,
        "an invitation is a private message between two named accounts, meaningless"
        " without either (as a kudos is)",
        Exported("challenges.invitations_received"),
    ),
    _col(
        "sponsor_feedback",
        "member_account_id",
        A,
        DEL,
        "a sponsor's word about their work",
        Exported("challenges.feedback_received"),
    ),
    _col(
        "sponsor_feedback",
        "sponsor_account_id",
        A,
        CLEAR,
        "the member keeps the feedback on their profile, shown as the challenge's sponsor"
        " organisation's; which account wrote it is forgotten",
        Exported("challenges.feedback_given"),
    ),
)

CHALLENGE_TABLES_NAMING_NOBODY: Final[dict[str, str]] = {
    "challenge_prizes": "a challenge's prizes (who won them is in the prize ledger)",
    "challenge_answer_keys": "a challenge's hidden answer key: data about the task, no person",
    "challenge_appeals": (
        "reached through its review: the appellant is the author of the reviewed submission;"
        " erased with that submission or the review (cascade)"
    ),
}
