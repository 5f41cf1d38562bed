"""The person's interaction events from their organisation's event lake, for the export.

The lake holds every interaction renown scores (mail, chat, reviews, kudos...), keyed by
the identities of actor and target. An export that left them out would hold the person's
profile but not the record of their interactions, which erasure does remove. Each event
is given with its time, channel, kind, direction and the other party's identity as the
source recorded it (an address or handle: what the person's own mailbox or chat shows).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from renown.core.events import EventColumn
from renown.ingest.lake import EventLake
from renown.ingest.rewrite import events_naming, matching_values
from renown.privacy.traces import Traces
from renown.settings import Settings


def my_events(settings: Settings, traces: Traces) -> list[dict[str, Any]]:
    """Every event of the lake whose actor or target is one of the person's identities."""
    lake = EventLake(settings.org_lake_dir(traces.org_slug))
    if not traces.lookup_keys or not lake.path.is_dir():
        return []
    events: list[dict[str, Any]] = []
    for file in lake.files():
        frame = pl.read_parquet(file)
        mine = frame.filter(events_naming(frame, traces.lookup_keys))
        if mine.is_empty():
            continue
        sent = set(matching_values(mine.get_column(EventColumn.ACTOR), traces.lookup_keys))
        for row in mine.iter_rows(named=True):
            outgoing = row[EventColumn.ACTOR] in sent
            events.append(
                {
                    "at": row[EventColumn.TIMESTAMP].isoformat(),
                    "channel": row[EventColumn.CHANNEL],
                    "kind": row[EventColumn.KIND],
                    "direction": "sent" if outgoing else "received",
                    "other": row[EventColumn.TARGET] if outgoing else row[EventColumn.ACTOR],
                    "source": row[EventColumn.SOURCE],
                }
            )
    return sorted(events, key=lambda e: (e["at"], e["channel"], e["kind"]))
