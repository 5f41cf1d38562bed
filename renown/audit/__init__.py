"""Append-only, hash-chained audit log of automated outputs and human decisions."""

from renown.audit.log import AuditBreak, append, entries, verify
from renown.audit.personal import personal

__all__ = ["AuditBreak", "append", "entries", "personal", "verify"]
