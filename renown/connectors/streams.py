"""Paging several newest-first lists of one account, resumably, a bounded amount per pull.

A connector reads an account through a few *streams* (statuses, followers; posts, likes;
a feed and its archive pages), each a list the API serves newest first, page by page.
:func:`walk` drives them in order and yields one
:class:`~renown.connectors.base.Checkpoint` per page whose ``state`` says, per stream:

* ``cursor``: where the unfinished pass resumes (a page token the connector understands,
  never an address the API handed over, unless the connector checks it);
* ``mark``: the newest thing the last *finished* pass saw (a time, or the newest
  follower), so the next pass pages back only to it;
* ``pass_mark``: the mark the current pass will record once finished.

Each stream reads at most ``max_pages`` pages per pull; an unfinished pass keeps its
cursor and the next pull goes on from there, then starts over from the newest page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from renown.connectors.base import Checkpoint, PulledItem, SocialEvent


@dataclass(frozen=True)
class Step:
    """What reading one page of a stream gave."""

    events: Sequence[SocialEvent] = ()
    items: Sequence[PulledItem] = ()
    cursor: str | None = None
    """The next page's token; ``None`` when the stream is done (its end, or the last mark)."""
    mark: str | None = None
    """The newest thing on this page (kept from the first page of a pass)."""
    remember: Mapping[str, str] = field(default_factory=dict)
    """More of the stream's state to keep (a feed's ``ETag``)."""


Reader = Callable[[Mapping[str, str]], Step]
"""Reads the page the stream's state points at (``cursor`` absent: the newest page)."""


def _stream_state(value: Any) -> dict[str, str]:
    """A stored stream state, keeping only string values (anything else is ignored)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def walk(
    streams: Sequence[tuple[str, Reader]], state: Mapping[str, Any], *, max_pages: int
) -> Iterator[Checkpoint]:
    """Read every stream from ``state`` on, one checkpoint per page (see the module doc)."""
    current = {name: _stream_state(state.get(name)) for name, _ in streams}
    for name, read in streams:
        mine = current[name]
        for _ in range(max_pages):
            step = read(dict(mine))
            mine.update(step.remember)
            if step.mark is not None and "pass_mark" not in mine:
                mine["pass_mark"] = step.mark
            if step.cursor is None:
                mine.pop("cursor", None)
                if "pass_mark" in mine:
                    mine["mark"] = mine.pop("pass_mark")
            else:
                mine["cursor"] = step.cursor
            snapshot = {n: dict(s) for n, s in current.items()}
            yield Checkpoint(tuple(step.events), tuple(step.items), snapshot)
            if step.cursor is None:
                break


def floor(since: datetime, mark: str | None) -> datetime:
    """The oldest time a pass reads back to: ``since``, or the last pass's newest if later."""
    if mark:
        try:
            last = datetime.fromisoformat(mark)
        except ValueError:
            return since
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        return max(since, last)
    return since


def stamp(moment: datetime) -> str:
    """A time as a mark."""
    return moment.astimezone(UTC).isoformat()
