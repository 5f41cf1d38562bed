"""Consecutive snapshots of one subject turned into update events.

A recruiter reads a profile's history as a list of edits ("headline edited", "added three
skills"), and the radar's features count them; this module is the one place that decides
what counts as an edit, so the page, the reasons and the model agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from renown.radar.snapshots import ProfileSnapshot, snapshot_key

SKILL_SEPARATOR: Final = "; "
"""Between the skills listed in a skills change's ``before`` / ``after``."""


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
    items: tuple[str, ...] = ()
    """The skills added or removed (for skills changes; empty otherwise)."""


SUMMARY_SIMILARITY: Final = 0.9
"""Summaries whose word sets overlap at least this much (Jaccard: shared words over all
words, case and punctuation ignored) are the same text lightly edited (a typo fixed, a
sentence moved), not a rewrite a recruiter would notice."""

JUMP_MIN: Final = 50
"""Fewest new connections that count as a jump: below this, growth is everyday noise."""

JUMP_SHARE: Final = 0.2
"""Share of the earlier count that counts as a jump for large networks (20%)."""

JUMP_PERIOD_DAYS: Final = 30.0
"""Growth is measured per this many days, so two captures a year apart do not make slow
growth look like a jump, and two captures a day apart are not inflated either."""

EDIT_KINDS: Final = frozenset(ChangeKind) - {ChangeKind.CONNECTIONS_JUMP}
"""Changes the member made to the profile (a jump in connections is others' doing too)."""

_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def detect_changes(snapshots: Iterable[ProfileSnapshot]) -> list[ProfileChange]:
    """The update events between consecutive snapshots of each subject.

    Snapshots are grouped by subject and ordered by capture time; snapshots captured at the
    same instant are ordered by :func:`~renown.radar.snapshots.snapshot_key`, so the answer
    does not depend on the order given. Each field of a snapshot is compared with the last
    *known* value of that field (``None`` is unknown: neither a change nor a reset), so a
    snapshot that captured only title and company (a position from a LinkedIn export) does
    not hide a skills change between the snapshots on either side of it.

    Rules:

    * headline, title, company, location: different after collapsing whitespace and
      ignoring case (``Senior Analyst`` is ``senior  analyst``);
    * skills added / removed: one event each, listing the skills (case-insensitive);
    * summary rewritten: word-set Jaccard below :data:`SUMMARY_SIMILARITY`;
    * photo changed: a different fingerprint;
    * connections jump: growth, per :data:`JUMP_PERIOD_DAYS` days (gaps shorter than that
      count as that long), of at least ``max(JUMP_MIN, JUMP_SHARE * earlier count)``;
      a fall is never a jump;
    * open to work switched on or off.

    Sorted by (at, subject, kind).
    """
    by_subject: dict[str, list[ProfileSnapshot]] = defaultdict(list)
    for snapshot in snapshots:
        by_subject[snapshot.subject].append(snapshot)
    changes: list[ProfileChange] = []
    for subject, group in by_subject.items():
        group.sort(key=lambda s: (s.captured_at, snapshot_key(s)))
        known = _Known()
        for snapshot in group:
            changes.extend(known.update(subject, snapshot))
    changes.sort(key=lambda c: (c.at, c.subject, str(c.kind)))
    return changes


def same_text(a: str, b: str) -> bool:
    """Equal after collapsing whitespace and ignoring case."""
    return _norm(a) == _norm(b)


def summary_similarity(a: str, b: str) -> float:
    """Jaccard overlap of the two texts' word sets (1.0 when both have no words)."""
    left = {w.casefold() for w in _WORDS.findall(a)}
    right = {w.casefold() for w in _WORDS.findall(b)}
    union = left | right
    return len(left & right) / len(union) if union else 1.0


def is_connections_jump(before: int, after: int, days: float) -> bool:
    """Whether ``before`` → ``after`` connections over ``days`` days is a jump (see above)."""
    growth = after - before
    if growth <= 0:
        return False
    per_period = growth * JUMP_PERIOD_DAYS / max(days, JUMP_PERIOD_DAYS)
    return per_period >= max(JUMP_MIN, JUMP_SHARE * before)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _short(text: str, limit: int = 60) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class _Known:
    """The last known value of each field of one subject's profile, and since when."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.skills: tuple[str, ...] | None = None
        self.connections: tuple[int, datetime] | None = None
        self.open_to_work: bool | None = None

    def update(self, subject: str, s: ProfileSnapshot) -> list[ProfileChange]:
        found: list[ProfileChange] = []

        def add(kind: ChangeKind, before: str | None, after: str | None, detail: str) -> None:
            found.append(ProfileChange(subject, s.captured_at, kind, before, after, detail))

        for name, kind, label in _TEXT_CHANGES:
            value = getattr(s, name)
            if value is None:
                continue
            old = self.text.get(name)
            self.text[name] = value
            if old is None:
                continue
            if name == "summary":
                if summary_similarity(old, value) < SUMMARY_SIMILARITY:
                    words = f"{len(_WORDS.findall(old))} → {len(_WORDS.findall(value))} words"
                    add(kind, old, value, f"Summary rewritten ({words})")
            elif name == "photo":
                if old != value:
                    add(kind, old, value, "Photo changed")
            elif not same_text(old, value):
                add(kind, old, value, f"{label}: {_short(old)} → {_short(value)}")
        if s.skills is not None:
            if self.skills is not None:
                found.extend(_skill_changes(subject, s.captured_at, self.skills, s.skills))
            self.skills = s.skills
        if s.connections is not None:
            if self.connections is not None:
                before, since = self.connections
                days = (s.captured_at - since).total_seconds() / 86_400
                if is_connections_jump(before, s.connections, days):
                    gain = s.connections - before
                    add(
                        ChangeKind.CONNECTIONS_JUMP,
                        str(before),
                        str(s.connections),
                        f"Connections: {before:,} → {s.connections:,} "
                        f"(+{gain:,} in {_plural(round(days), 'day')})",
                    )
            self.connections = (s.connections, s.captured_at)
        if s.open_to_work is not None:
            old_flag = self.open_to_work
            self.open_to_work = s.open_to_work
            if old_flag is not None and old_flag != s.open_to_work:
                if s.open_to_work:
                    add(ChangeKind.OPEN_TO_WORK_ON, "no", "yes", "Open to work switched on")
                else:
                    add(ChangeKind.OPEN_TO_WORK_OFF, "yes", "no", "Open to work switched off")
        return found


_TEXT_CHANGES: Final = (
    ("headline", ChangeKind.HEADLINE_EDITED, "Headline"),
    ("title", ChangeKind.TITLE_CHANGED, "Title"),
    ("company", ChangeKind.COMPANY_CHANGED, "Company"),
    ("location", ChangeKind.LOCATION_CHANGED, "Location"),
    ("summary", ChangeKind.SUMMARY_REWRITTEN, "Summary"),
    ("photo", ChangeKind.PHOTO_CHANGED, "Photo"),
)


def _skill_changes(
    subject: str, at: datetime, old: tuple[str, ...], new: tuple[str, ...]
) -> list[ProfileChange]:
    old_keys = {_norm(x) for x in old}
    new_keys = {_norm(x) for x in new}
    added = _distinct(x for x in new if _norm(x) not in old_keys)
    removed = _distinct(x for x in old if _norm(x) not in new_keys)
    found: list[ProfileChange] = []
    if added:
        found.append(
            ProfileChange(
                subject,
                at,
                ChangeKind.SKILLS_ADDED,
                None,
                SKILL_SEPARATOR.join(added),
                f"Added {_plural(len(added), 'skill')}: {', '.join(added)}",
                tuple(added),
            )
        )
    if removed:
        found.append(
            ProfileChange(
                subject,
                at,
                ChangeKind.SKILLS_REMOVED,
                SKILL_SEPARATOR.join(removed),
                None,
                f"Removed {_plural(len(removed), 'skill')}: {', '.join(removed)}",
                tuple(removed),
            )
        )
    return found


def _distinct(skills: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for skill in skills:
        key = _norm(skill)
        if key not in seen:
            seen.add(key)
            result.append(skill)
    return result


def recent_moves(
    changes: Iterable[ProfileChange], *, as_of: datetime, within_days: int
) -> dict[str, ProfileChange]:
    """Subject -> their latest company change in ``(as_of - within_days, as_of]``.

    The radar does not estimate these people: the model learns only from people who had not
    just moved (:func:`renown.radar.backtest.training_rows` drops such rows), so an estimate
    for someone who changed company last month would be read off a situation it never saw,
    and the burst of edits that came with the move would read as a sign of the next one.
    Pages say "moved on <date>" instead.
    """
    since = as_of - timedelta(days=within_days)
    found: dict[str, ProfileChange] = {}
    for change in changes:
        if change.kind is not ChangeKind.COMPANY_CHANGED or not since < change.at <= as_of:
            continue
        known = found.get(change.subject)
        if known is None or change.at > known.at:
            found[change.subject] = change
    return found
