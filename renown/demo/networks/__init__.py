"""Synthetic recordings of the public networks' APIs for the demo's fictional people.

The demo organisation's people do not exist, so neither do their GitHub, Mastodon,
Bluesky, Stack Exchange and blog accounts. :func:`recordings` writes, for each
:class:`DemoAccount`, every exchange the real connectors need to read its profile, its
newest posts and a full pull of its last year (and the pull after it, which pages back
to where the first stopped), in each API's documented shapes and field names, so the
demo runs the same connector code as live data through
:class:`~renown.connectors.replay.Replay`.

Everything is drawn from ``seed`` and the handles through a stable hash (never Python's
salted ``hash()``), so the same accounts give the same recordings on every machine.
``popularity`` (0..1) drives a skewed range: a popular account has a couple of hundred
followers, dozens of posts and busy engagement; a quiet one a handful. Engagers are the
account's ``peers`` (named, so the demo's people meet in each network's graph) and made-up
strangers shared across a network; where an API gives only counts (Stack Exchange votes,
a blog's comments) the counts are all there is. Each stream fits one or two pages, and
Link headers (GitHub, Mastodon), cursors (Bluesky), ``has_more`` (Stack Exchange) and
RFC 5005 next pages (feeds) are each exercised where an account is big enough.

Pulls made later than ``now`` ask for moved time windows (Stack Exchange's ``fromdate``);
:class:`~renown.connectors.replay.Replay` answers them from the recorded window.

One module per network (``github``, ``mastodon``, ``bluesky``, ``stackexchange``,
``feeds``) writes its API's exchanges; ``common`` holds what they share.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from renown.demo.networks.bluesky import _bluesky
from renown.demo.networks.common import DemoAccount, _Context
from renown.demo.networks.feeds import _feed
from renown.demo.networks.github import _github
from renown.demo.networks.mastodon import _mastodon
from renown.demo.networks.stackexchange import _stackexchange

__all__ = ["DemoAccount", "recordings", "write_recordings"]


def recordings(
    accounts: Sequence[DemoAccount], *, now: datetime, seed: int
) -> list[dict[str, Any]]:
    """Every exchange the connectors need to read each account's profile, newest posts
    (``recent_texts``) and a full pull from scratch (state ``{}``) with
    ``since = now - 365 days``, and the pull after it from the state the first left."""
    moment = now.astimezone(UTC).replace(microsecond=0)
    names = {(a.network, a.handle): a.display_name for a in accounts}
    writers = {
        "github": _github,
        "mastodon": _mastodon,
        "bluesky": _bluesky,
        "stackexchange": _stackexchange,
        "rss": _feed,
    }
    exchanges: list[dict[str, Any]] = []
    for account in accounts:
        write = writers.get(account.network)
        if write is None:
            raise ValueError(f"no demo recordings for network {account.network!r}")
        context = _Context(account, now.astimezone(UTC), moment, seed, names)
        exchanges.extend(write(context))
    return exchanges


def write_recordings(folder: Path, exchanges: Sequence[Mapping[str, Any]], name: str) -> Path:
    """Write ``{"network": "demo", "exchanges": [...]}`` to ``folder/name.json`` (0700 folder)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{name}.json"
    body = json.dumps({"network": "demo", "exchanges": list(exchanges)}, separators=(",", ":"))
    path.write_text(body, encoding="utf-8")
    return path


# -- shared machinery --------------------------------------------------------------------
