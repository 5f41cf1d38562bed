"""Append-only, hash-chained audit log of automated outputs and human decisions."""

from renown.audit.log import (
    AuditBreak,
    OrgBreak,
    OrgChainCheck,
    append,
    append_by,
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
    "append_by",
    "entries",
    "personal",
    "verify",
    "verify_for_org",
]
