"""The one place recognition reads the feedback domain's tables (a seam).

Badges count feedback given and received, and the event lake gets feedback as the
``feedback`` channel. Everything recognition needs from feedback goes through this module,
so a change in that schema is one edit in one file.

Anonymity: an anonymous item never names its giver here either, and it enters the lake
only once the feedback domain has published it in a release (a whole group of at least the
anonymity threshold of distinct givers), timed at the release, with no actor (it still
counts towards the receiver's reach). Exporting answers as they arrive would let anyone
who watches the receiver's score or the lake tell one answer from the next; and it gives
its giver no badge fact, since an award dated at the moment of an anonymous answer would
point at it.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.events import Channel, EventColumn, Kind, event_key
from renown.ingest.schema import EVENT_SCHEMA
from renown.store.tables.feedback import AnonymousRelease, FeedbackItem


def feedback_events(session: Session, org_id: int) -> pl.DataFrame:
    """Canonical events of the organisation's feedback, people named by person id."""
    rows = session.execute(
        sa.select(
            FeedbackItem.id,
            FeedbackItem.giver_person_id,
            FeedbackItem.receiver_id,
            FeedbackItem.anonymous,
            FeedbackItem.created_at,
            AnonymousRelease.cut_at,
        )
        .outerjoin(AnonymousRelease, AnonymousRelease.id == FeedbackItem.release_id)
        .where(
            FeedbackItem.org_id == org_id,
            # unpublished anonymous answers wait for their release
            sa.or_(FeedbackItem.anonymous.is_(False), FeedbackItem.release_id.is_not(None)),
        )
        .order_by(FeedbackItem.id)
    ).all()
    data: dict[str, list[object]] = {column: [] for column in EVENT_SCHEMA}
    for item_id, giver, receiver, anonymous, created_at, released_at in rows:
        named = giver is not None and not anonymous
        when = created_at if named else (released_at or _day_start(created_at))
        data[EventColumn.EVENT_KEY].append(event_key("renown", org_id, "feedback", item_id))
        data[EventColumn.ACTOR].append(str(giver) if named else None)
        data[EventColumn.TARGET].append(str(receiver))
        data[EventColumn.TIMESTAMP].append(when)
        data[EventColumn.CHANNEL].append(Channel.FEEDBACK.value)
        data[EventColumn.KIND].append(Kind.FEEDBACK.value)
        data[EventColumn.WEIGHT].append(1.0)
        data[EventColumn.SOURCE].append("renown-feedback")
    return pl.DataFrame(data, schema=EVENT_SCHEMA)


def _day_start(instant: datetime) -> datetime:
    return instant.replace(hour=0, minute=0, second=0, microsecond=0)
