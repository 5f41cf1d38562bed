"""Append-only, hash-chained audit log of automated outputs and human decisions."""

from renown.audit.log import (
    AuditBreak,
    OrgBreak,
    OrgChainCheck,
    append,
    entries,
    verify,
    verify_for_org,
)
from renown.audit.personal import personal

__all__ = [
    "AuditBreak",
    "OrgBreak",
    "OrgChainCheck",
    "append",
    "entries",
    "personal",
    "verify",
    "verify_for_org",
]
