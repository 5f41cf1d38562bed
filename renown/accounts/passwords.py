"""Passwords: Argon2id hashes, and which passwords are refused (NIST SP 800-63B, 5.1.1.2).

Hashing uses argon2-cffi's recommended parameters. Hashes carry their own parameters, so
raising the cost later only needs :func:`needs_rehash` at the next sign-in.

What is refused follows NIST: no composition rules, but no password that an attacker
would try early: too short, on lists of passwords seen in breaches, dictionary words and
names, repeated or sequential characters ("aaaaaaaaaa", "1234567890", "qwertyuiop"),
keyboard patterns, dates, and words of the context (the person's e-mail and name, the
product's name). zxcvbn (Dropbox's estimator, with its frequency lists of leaked
passwords, words and names shipped inside the package) scores each guessable pattern; a
password must need at least :data:`MIN_GUESSES_LOG10` guesses, zxcvbn's "safely
unguessable" level, against an attacker who has the hash.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from renown.core.errors import Invalid

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MIN_GUESSES_LOG10 = 8
"""10^8 guesses: zxcvbn's score 3 ("safely unguessable: moderate protection from an
offline slow-hash scenario"); renown stores Argon2id hashes, a slow hash."""
ESTIMATED_PREFIX = 72
"""zxcvbn's cost grows with length; the first 72 characters decide (a longer password
whose first 72 characters are guessable is guessable)."""
CONTEXT_WORDS = ("renown",)

# A real hash to verify against when the account does not exist, so that sign-in takes
# as long for an unknown email as for a wrong password (no account enumeration by timing).
_DUMMY_HASH = _HASHER.hash("renown-timing-equaliser")


def check_password_policy(
    password: str, context: Iterable[str] = (), *, field: str = "password"
) -> None:
    """Refuse a password an attacker would guess early, saying why and what to do instead.

    ``context`` holds words the owner's password must not lean on: their e-mail address,
    name and similar. ``field`` names the password's field in the refusal (a form that
    asks for a new password calls it ``new_password``).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"a password has at most {MAX_PASSWORD_LENGTH} characters", field=field)
    if any(unicodedata.category(c) in {"Cc", "Cs"} for c in password):
        raise Invalid("a password cannot contain control characters", field=field)
    words = [*CONTEXT_WORDS, *_context_words(context)]
    estimate = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=words)
    if estimate["guesses_log10"] >= MIN_GUESSES_LOG10:
        return
    feedback = estimate.get("feedback") or {}
    reasons = [feedback.get("warning") or "This password would be guessed early."]
    reasons += list(feedback.get("suggestions") or [])[:2]
    if not feedback.get("suggestions"):
        reasons.append("A few unrelated words together make a strong password.")
    raise Invalid(
        "this password is too easy to guess. " + " ".join(r for r in reasons if r), field=field
    )


def _context_words(context: Iterable[str]) -> list[str]:
    """Each context value and its parts (an e-mail's name and domain words)."""
    words: list[str] = []
    for raw in context:
        value = raw.strip().lower()
        if value:
            words.append(value)
            words += [part for part in value.replace("@", " ").replace(".", " ").split() if part]
    return words


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (the policy is checked by the callers that set one)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; spends the same effort when there is no hash."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
