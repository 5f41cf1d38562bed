"""Why an outside rater's address is refused, in renown's words.

email-validator (which decides) explains in its own sentences: "An email address must have
an @-sign." Appended to ours they read as two sentences run together, with a capital after
a colon and "email" where renown writes "e-mail". Here the common reasons are a short
clause of ours, and any other is the library's sentence made a clause in our spelling, so
a refusal reads as one sentence: "“not-an-email” is not an e-mail address (it has no @)".
"""

from __future__ import annotations

from typing import Final

OUR_WORDS: Final = (
    ("An email address must have an @-sign", "it has no @"),
    ("There must be something before the @-sign", "nothing comes before the @"),
    ("There must be something after the @-sign", "nothing comes after the @"),
    (
        "The part after the @-sign is not valid. It should have a period",
        "the part after the @ has no dot, as in client.example",
    ),
    (
        "The part after the @-sign is not valid. It is not within a valid top-level domain",
        "the part after the @ does not end in a known top-level domain",
    ),
    (
        "The part after the @-sign is a special-use or reserved name",
        "the part after the @ is a reserved name that receives no mail",
    ),
    (
        "The email address contains invalid characters before the @-sign",
        "it has characters an address cannot have before the @",
    ),
    (
        "The part after the @-sign contains invalid characters",
        "it has characters an address cannot have after the @",
    ),
    ("An email address cannot have two periods in a row", "it has two dots in a row"),
    ("The email address is too long", "it is too long"),
    (
        "A display name and angle brackets",
        "write the address alone, without a name or angle brackets",
    ),
    ("There can't be anything after the email address", "something follows the address"),
    (
        "The email address is not valid ASCII",
        "it has characters other than letters, digits and punctuation",
    ),
)
"""The library's reason (how its sentence begins) -> ours."""
MAX_QUOTED: Final = 80
"""A longer address is quoted up to here (it is still the person's own line)."""


def not_an_address(text: str, reason: str) -> str:
    """``text`` is not an e-mail address, and why (``reason``: email-validator's)."""
    quoted = text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"
    return f"“{quoted}” is not an e-mail address ({in_our_words(reason)})"


def in_our_words(reason: str) -> str:
    """email-validator's ``reason`` as a clause: ours where we have one, else its own
    sentence without the capital and the full stop, in our spelling."""
    for theirs, ours in OUR_WORDS:
        if reason.startswith(theirs):
            return ours
    clause = reason.strip().rstrip(".")
    clause = clause.replace("email address", "address").replace("@-sign", "@")
    clause = clause.replace("email", "e-mail")
    return clause[:1].lower() + clause[1:] if clause[1:2].islower() else clause
