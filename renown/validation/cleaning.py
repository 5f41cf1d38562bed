"""The cleaning a score and its baselines share: aliases merged, self-mail dropped.

A baseline computed on uncleaned events would lose to the score for a reason unrelated to
the score's design (someone's second address splitting their in-degree in two), so every
figure in a validation is computed on the frame this module returns. Aliases are read and
merged by :mod:`renown.ingest.aliases`, exactly as ``renown score --aliases`` does.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from renown.core.events import EventColumn
from renown.ingest import merge_aliases, read_aliases

__all__ = ["clean_events", "read_aliases"]


def clean_events(events: pl.DataFrame, aliases: Mapping[str, str] | None = None) -> pl.DataFrame:
    """``events`` with every alias replaced by its person and self-addressed rows dropped."""
    frame = merge_aliases(events, aliases or {})
    actor, target = pl.col(EventColumn.ACTOR), pl.col(EventColumn.TARGET)
    return frame.filter(target.is_not_null() & (actor != target).fill_null(value=True))
