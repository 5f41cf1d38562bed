"""Consecutive snapshots of one subject turned into update events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChangeKind(StrEnum):
    """What changed between two consecutive snapshots of a profile."""

    HEADLINE_EDITED = "headline_edited"
    TITLE_CHANGED = "title_changed"
    COMPANY_CHANGED = "company_changed"
    LOCATION_CHANGED = "location_changed"
    SKILLS_ADDED = "skills_added"
    SKILLS_REMOVED = "skills_removed"
    SUMMARY_REWRITTEN = "summary_rewritten"
    PHOTO_CHANGED = "photo_changed"
    CONNECTIONS_JUMP = "connections_jump"
    OPEN_TO_WORK_ON = "open_to_work_on"
    OPEN_TO_WORK_OFF = "open_to_work_off"


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """One update event: ``kind`` seen at ``at`` (the later snapshot's capture time)."""

    subject: str
    at: datetime
    kind: ChangeKind
    before: str | None
    after: str | None
    detail: str
    """The change in plain words (``Title: Analyst → Senior analyst``)."""
