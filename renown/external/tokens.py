"""OAuth tokens of linked accounts, sealed at rest with Fernet (the ``cryptography`` library).

Fernet is authenticated encryption (AES-128-CBC with HMAC-SHA256) with a versioned,
timestamped format: a token sealed under another key, or altered, does not open
(:func:`unseal` answers ``None`` and the account asks for a new sign-in). The key is the
installation's ``connector_key`` (:meth:`renown.settings.Settings.connector_secret`),
separate from the cookie key so that rotating one does not touch the other.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


def seal(key: str, token: str) -> str:
    """``token`` encrypted under ``key``."""
    return Fernet(key.encode("ascii")).encrypt(token.encode("utf-8")).decode("ascii")


def unseal(key: str, sealed: str | None) -> str | None:
    """The token, or ``None`` when there is none or it does not open under ``key``."""
    if not sealed:
        return None
    try:
        return Fernet(key.encode("ascii")).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
