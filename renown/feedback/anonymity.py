"""The anonymity engine: when anonymous answers may be published, and what is shown of them.

Pure functions over plain values (no database), so every rule can be attacked in tests.

The threat is a curious reader (the receiver, their manager, HR) who looks at the
aggregate, waits, and looks again: if the view changed because one more person answered,
the difference *is* that person's answer. Thresholds on a live group do not stop this,
since ``group(n+1) - group(n)`` is one giver however large ``n`` is. So answers are
published in **releases**:

- Pending anonymous answers about a receiver are partitioned by audience (``private``:
  the receiver only; ``manager``: also their manager chain) and relationship group (peer,
  report, client, other). A release is cut for a group only when it holds at least
  ``threshold`` *distinct* givers; small groups are pooled into ``others`` when the pool
  reaches the threshold, else they wait (and are shown as "fewer than N responses").
  Outside raters' answers (``client``) are never pooled with colleagues' groups: the
  requester chose those raters, so a pool they fill up could hold one colleague's answer
  as its only unknown (see :mod:`renown.feedback.raters`).
- Only givers the product can tell apart count toward a threshold: a person, or an outside
  rater whose link went to them alone; answers that ``counts=False`` marks are published
  with their group but never make it reach its threshold.
- Every answer belongs to at most one release, so every view is a union of whole releases
  and any two views differ by whole releases: by at least ``threshold`` givers, never one.
- A competency's mean from a release is used only if at least ``threshold`` distinct givers
  of that release rated it, so narrowing to one competency cannot isolate a rating.
- Filters (dates, competency, request) never cut into anonymous data: views show the
  fixed groups over whole releases, and times only as the month of the latest release.
- Comments are ordered by a keyed hash of the release's random salt and the answer: stable
  for a release, unrelated to arrival time or giver.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from renown.core.errors import Invalid
from renown.settings import ANONYMITY_FLOOR

ANONYMOUS_GROUPS = ("peer", "report", "client", "other")
"""Relationship groups anonymous answers are published in (manager and self never are)."""
POOLED_GROUPS = ("peer", "report", "other")
"""Colleagues' groups that may be pooled into ``others`` when too small on their own."""
MERGED_GROUP = "others"
"""Label of a release pooled from groups too small on their own."""
AUDIENCES = ("private", "manager")


def checked_threshold(value: int) -> int:
    """``value`` as a threshold, refused below the floor of 3 (no setting can go lower)."""
    if value < ANONYMITY_FLOOR:
        raise Invalid(f"the anonymity threshold cannot be below {ANONYMITY_FLOOR}")
    return value


def effective_threshold(*thresholds: int | None) -> int:
    """The strictest of the given thresholds, and never below the floor."""
    return max([ANONYMITY_FLOOR, *(t for t in thresholds if t is not None)])


def fewer_than(threshold: int) -> str:
    """What a view says instead of a count that is too small to show."""
    return f"fewer than {threshold} responses"


@dataclass(frozen=True)
class PendingAnswer:
    """An anonymous answer not yet published."""

    item_id: int
    giver_key: str
    """Identifies the giver for counting distinct givers; never leaves this module's callers."""
    group: str
    audience: str
    threshold: int | None = None
    """The threshold the giver was promised (a request may ask for more than the org's)."""
    counts: bool = True
    """Whether this giver counts toward a threshold (False: the product cannot tell them
    apart from a reader of the result, e.g. an outside rater whose link the requester had)."""


@dataclass(frozen=True)
class ReleaseCut:
    """A release to publish: these answers, together, for this audience and group."""

    audience: str
    group: str
    item_ids: tuple[int, ...]
    givers: int


def _distinct(answers: Iterable[PendingAnswer]) -> int:
    """Givers the product can tell apart: distinct keys among answers that count."""
    return len({a.giver_key for a in answers if a.counts})


def plan_releases(pending: Sequence[PendingAnswer], org_threshold: int) -> list[ReleaseCut]:
    """The releases due now among ``pending`` (all of one receiver).

    Groups that reach their threshold are released on their own; the rest are pooled into
    ``others`` if the pool reaches the strictest threshold of its answers. Answers of a
    group that does not qualify stay pending, whole: a release never takes part of a group,
    so the answers left behind are not a remainder someone could compute.
    """
    cuts: list[ReleaseCut] = []
    by_key: dict[tuple[str, str], list[PendingAnswer]] = defaultdict(list)
    for answer in pending:
        if answer.group not in ANONYMOUS_GROUPS or answer.audience not in AUDIENCES:
            raise Invalid(f"{answer.group}/{answer.audience} answers are never anonymous")
        by_key[answer.audience, answer.group].append(answer)
    for audience in AUDIENCES:
        leftovers: list[PendingAnswer] = []
        for group in ANONYMOUS_GROUPS:
            answers = by_key.get((audience, group), [])
            if not answers:
                continue
            needed = effective_threshold(org_threshold, *(a.threshold for a in answers))
            if _distinct(answers) >= needed:
                cuts.append(_cut(audience, group, answers))
            elif group in POOLED_GROUPS:
                leftovers.extend(answers)
        if leftovers:
            needed = effective_threshold(org_threshold, *(a.threshold for a in leftovers))
            if _distinct(leftovers) >= needed:
                cuts.append(_cut(audience, MERGED_GROUP, leftovers))
    return cuts


def _cut(audience: str, group: str, answers: Sequence[PendingAnswer]) -> ReleaseCut:
    return ReleaseCut(
        audience, group, tuple(sorted(a.item_id for a in answers)), _distinct(answers)
    )


@dataclass(frozen=True)
class Release:
    """A published release as views see it."""

    id: int
    group: str
    givers: int
    salt: str
    cut_at: datetime


@dataclass(frozen=True)
class ReleasedAnswer:
    """An answer of a release: what it says, and who gave it (for counting only)."""

    release_id: int
    item_id: int
    giver_key: str
    text: str
    ratings: Mapping[str, int] = field(default_factory=dict)
    counts: bool = True
    """Whether the giver counts toward a threshold (see :class:`PendingAnswer`)."""


@dataclass(frozen=True)
class CompetencyBlock:
    """One competency's ratings in one release, publishable as a whole."""

    release_id: int
    cut_at: datetime
    key: str
    total: int
    n: int


@dataclass(frozen=True)
class CompetencyMean:
    """A competency's mean over whole publishable blocks (``None``: too few raters)."""

    key: str
    mean: float | None
    n: int | None
    note: str = ""


@dataclass(frozen=True)
class GroupAggregate:
    """What anyone is ever shown of a group's anonymous answers."""

    group: str
    givers: int
    """The released size: the sum of its releases' distinct givers."""
    period: str
    """Month of the latest release (``YYYY-MM``): the only time shown."""
    competencies: tuple[CompetencyMean, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True)
class SuppressedGroup:
    """A group with nothing published (whether or not anyone answered is not said)."""

    group: str
    note: str


def publishable(releases: Iterable[Release], threshold: int) -> list[Release]:
    """Releases still meeting the current threshold (an organisation may have raised it)."""
    return [r for r in releases if r.givers >= effective_threshold(threshold)]


def competency_blocks(
    releases: Sequence[Release], answers: Sequence[ReleasedAnswer], threshold: int
) -> list[CompetencyBlock]:
    """Per release and competency, the ratings of at least ``threshold`` distinct givers."""
    needed = effective_threshold(threshold)
    cut_at = {r.id: r.cut_at for r in publishable(releases, needed)}
    totals: dict[tuple[int, str], list[int]] = defaultdict(list)
    raters: dict[tuple[int, str], set[str]] = defaultdict(set)
    for answer in answers:
        if answer.release_id not in cut_at:
            continue
        for key, rating in answer.ratings.items():
            totals[answer.release_id, key].append(rating)
            if answer.counts:
                raters[answer.release_id, key].add(answer.giver_key)
    return [
        CompetencyBlock(release_id, cut_at[release_id], key, sum(values), len(values))
        for (release_id, key), values in sorted(totals.items())
        if len(raters[release_id, key]) >= needed
    ]


def shuffled_comments(releases: Sequence[Release], answers: Sequence[ReleasedAnswer]) -> list[str]:
    """Non-empty comments ordered by a keyed hash: neither arrival order nor giver order."""
    salts = {r.id: r.salt for r in releases}
    keyed = [
        (_order_key(salts[a.release_id], a.item_id), a.text.strip())
        for a in answers
        if a.release_id in salts and a.text.strip()
    ]
    return [text for _key, text in sorted(keyed)]


def _order_key(salt: str, item_id: int) -> str:
    return hmac.new(salt.encode(), str(item_id).encode(), hashlib.sha256).hexdigest()


def summarise(
    releases: Sequence[Release],
    answers: Sequence[ReleasedAnswer],
    threshold: int,
    competency_keys: Sequence[str] = (),
) -> tuple[list[GroupAggregate], list[SuppressedGroup]]:
    """Aggregates per group over whole publishable releases, and the groups with none.

    Every anonymous group is listed one way or the other, so whether a group appears says
    nothing about whether someone has answered since the last release.
    """
    needed = effective_threshold(threshold)
    shown = publishable(releases, needed)
    blocks = competency_blocks(shown, answers, needed)
    aggregates: list[GroupAggregate] = []
    suppressed: list[SuppressedGroup] = []
    for group in (*ANONYMOUS_GROUPS, MERGED_GROUP):
        mine = [r for r in shown if r.group == group]
        if not mine:
            if group != MERGED_GROUP:
                suppressed.append(SuppressedGroup(group, fewer_than(needed)))
            continue
        ids = {r.id for r in mine}
        group_answers = [a for a in answers if a.release_id in ids]
        group_blocks = [b for b in blocks if b.release_id in ids]
        keys = list(dict.fromkeys([*competency_keys, *sorted({b.key for b in group_blocks})]))
        aggregates.append(
            GroupAggregate(
                group=group,
                givers=sum(r.givers for r in mine),
                period=max(r.cut_at for r in mine).strftime("%Y-%m"),
                competencies=tuple(_mean(key, group_blocks, needed) for key in keys),
                comments=tuple(shuffled_comments(mine, group_answers)),
            )
        )
    return aggregates, suppressed


def _mean(key: str, blocks: Sequence[CompetencyBlock], threshold: int) -> CompetencyMean:
    mine = [b for b in blocks if b.key == key]
    n = sum(b.n for b in mine)
    if not n:
        return CompetencyMean(key, None, None, f"fewer than {threshold} ratings")
    return CompetencyMean(key, round(sum(b.total for b in mine) / n, 2), n)
