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

__all__ = [
    "AuditBreak",
    "OrgBreak",
    "OrgChainCheck",
    "append",
    "entries",
    "verify",
    "verify_for_org",
]
