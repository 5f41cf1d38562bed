"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

Hashes carry their own parameters, so raising the cost later only needs
:func:`needs_rehash` at the next sign-in, not a migration.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

# A real hash to verify against when the account does not exist, so that sign-in takes
# as long for an unknown email as for a wrong password (no account enumeration by timing).
_DUMMY_HASH = _HASHER.hash("renown-timing-equaliser")


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
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
