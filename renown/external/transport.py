"""Where connectors' requests go: the real public APIs, or recorded exchanges.

With ``RENOWN_CONNECTORS_REPLAY`` set to a folder, every connector is answered from the
recordings in it (``*.json``, :mod:`renown.connectors.replay`) and nothing leaves the
machine: the demo and the browser tests run this way. The folder is read at each use, so
a recording added while renown runs (the browser test's "the person edited their bio") is
seen at once.
"""

from __future__ import annotations

import httpx

from renown.connectors.replay import Replay
from renown.settings import Settings


def connector_transport(settings: Settings) -> httpx.BaseTransport | None:
    """The transport connectors use under ``settings`` (``None``: the network)."""
    folder = settings.connectors_replay
    if folder is None:
        return None
    return Replay.from_files(sorted(folder.glob("*.json"))).transport()
