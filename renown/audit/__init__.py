"""Append-only, hash-chained audit log of automated outputs and human decisions."""

from renown.audit.log import AuditBreak, append, entries, verify

__all__ = ["AuditBreak", "append", "entries", "verify"]
