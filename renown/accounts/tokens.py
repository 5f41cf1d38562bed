"""API tokens: random, shown once, stored only as a SHA-256 digest.

Tokens are long random strings (not passwords), so a fast digest is enough to make a
stolen database useless while keeping per-request lookup cheap.
"""

from __future__ import annotations

import hashlib
import secrets

# A recognisable prefix, not a secret:
TOKEN_PREFIX = "rn_"  # nosec B105


def new_token() -> str:
    """A fresh token (about 256 bits of randomness)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
