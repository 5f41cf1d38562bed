"""Append-only, hash-chained audit log of automated outputs and human decisions."""

from renown.audit.log import (
    AuditBreak,
    HeldEntry,
    OrgBreak,
    OrgChainCheck,
    append,
    append_by,
    append_held,
    entries,
    holding,
    verify,
    verify_for_org,
)
from renown.audit.personal import personal

__all__ = [
    "AuditBreak",
    "HeldEntry",
    "OrgBreak",
    "OrgChainCheck",
    "append",
    "append_by",
    "append_held",
    "entries",
    "holding",
    "personal",
    "verify",
    "verify_for_org",
]
