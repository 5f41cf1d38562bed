"""Kudos rings: groups who thank each other far more than the organisation's norm (pure).

Kudos are cheap to give and count towards badges and prominence, so a few colleagues can
agree to thank each other every month. The budget and the pair cap bound how much each
person can give, but not *to whom*: a ring of five spending most of its budget inside the
ring stays within every limit. What it cannot hide is its shape, which is exactly what
:mod:`renown.prominence.rings` looks for in interaction volume, so this module reuses that
detector on a graph built from kudos alone:

* **Window and counts.** Only kudos of the last ``window_days`` count, undecayed and
  unscaled (``half_life`` far beyond the window, ``pair_scaling="none"``): the volume of a
  pair is its number of kudos, which is what HR can check by reading the wall.
* **Heavy reciprocal pairs.** A pair is heavy when the smaller of its two directions
  (``min(n_ab, n_ba)``) is above the ``quantile`` of all reciprocated pairs of the
  organisation, at least ``min_ratio`` times their median, *and* at least ``min_mutual``
  kudos each way (an absolute floor: in a small or quiet organisation a quantile alone
  would call two colleagues who thanked each other three times a ring).
* **Rings.** Heavy pairs are joined into groups of at least ``min_size`` people whose heavy
  pairs cover ``min_density`` of the possible pairs, who receive at least
  ``min_insularity`` of their kudos from inside the group, and whose other kudos contacts
  overlap no more than ``max_embeddedness`` times what strangers' do. The last rule keeps a
  close team that thanks itself generously (teammates share the rest of their contacts)
  from being accused; a ring recruited across teams shares about what strangers share. A
  ring made only of teammates is, deliberately, not flagged (a busy team looks the same).

Detection only *suggests*: HR confirms or dismisses each ring
(:mod:`renown.recognition.rings`), and only confirmed rings are discounted. A wrong
accusation costs people their badges and their standing, so a person decides.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
import polars as pl

from renown.core.events import Channel, EventColumn, Kind
from renown.graph import build_graph
from renown.prominence.reciprocity import reciprocated_pairs
from renown.prominence.rings import heavy_threshold, judge_heavy_pairs

GIVER: Final = "giver"
RECEIVER: Final = "receiver"
AT: Final = "at"
KUDOS_SCHEMA: Final[dict[str, pl.DataType]] = {
    GIVER: pl.String(),
    RECEIVER: pl.String(),
    AT: pl.Datetime("us", "UTC"),
}
"""The detector's input: one row per kudos (giver and receiver ids, when)."""
_NO_DECAY_DAYS: Final = 1e9


@dataclass(frozen=True)
class RingRule:
    """The thresholds of the detector (see the module docstring)."""

    window_days: int = 180
    quantile: float = 0.95
    min_ratio: float = 4.0
    min_mutual: int = 6
    min_size: int = 3
    min_density: float = 0.8
    min_insularity: float = 0.5
    max_embeddedness: float = 2.0


@dataclass(frozen=True)
class KudosRing:
    """A suspected ring, with the numbers HR is shown."""

    members: tuple[str, ...]
    density: float
    insularity: float
    embeddedness: float
    mutual_kudos: float
    """Median, over the ring's heavy pairs, of the kudos given each way."""
    norm_kudos: float
    """The organisation's median for reciprocated pairs."""

    @property
    def key(self) -> str:
        """Stable identity of the group (the same members found again are the same ring)."""
        return hashlib.sha256("\x1f".join(self.members).encode()).hexdigest()


@dataclass(frozen=True)
class KudosRingReport:
    """What the detector found, and the organisation-wide numbers it compared against."""

    rings: tuple[KudosRing, ...]
    heavy_pairs: int
    reciprocated_pairs: int
    threshold: float

    @property
    def flagged(self) -> frozenset[str]:
        """Everybody in a suspected ring."""
        return frozenset(p for ring in self.rings for p in ring.members)


def empty_kudos() -> pl.DataFrame:
    """A detector input with no kudos."""
    return pl.DataFrame(schema=KUDOS_SCHEMA)


def detect_kudos_rings(
    kudos: pl.DataFrame, *, as_of: datetime, rule: RingRule | None = None
) -> KudosRingReport:
    """Suspected kudos rings among ``kudos`` (:data:`KUDOS_SCHEMA`) up to ``as_of``."""
    rule = rule or RingRule()
    since = as_of - timedelta(days=rule.window_days)
    recent = kudos.filter(
        (pl.col(AT) > since) & (pl.col(AT) <= as_of) & (pl.col(GIVER) != pl.col(RECEIVER))
    )
    if recent.height == 0:
        return KudosRingReport((), 0, 0, float(rule.min_mutual))
    events = recent.with_row_index("_row").select(
        pl.format("kudos-{}", pl.col("_row")).alias(EventColumn.EVENT_KEY),
        pl.col(GIVER).alias(EventColumn.ACTOR),
        pl.col(RECEIVER).alias(EventColumn.TARGET),
        pl.col(AT).alias(EventColumn.TIMESTAMP),
        pl.lit(Channel.KUDOS.value).alias(EventColumn.CHANNEL),
        pl.lit(Kind.KUDOS.value).alias(EventColumn.KIND),
        pl.lit(1.0).alias(EventColumn.WEIGHT),
        pl.lit("kudos").alias(EventColumn.SOURCE),
    )
    graph = build_graph(
        events,
        as_of=as_of,
        half_life_days=_NO_DECAY_DAYS,
        channel_weights={Channel.KUDOS.value: 1.0},
        kind_weights={Kind.KUDOS.value: 1.0},
        pair_scaling="none",
    )
    a, b, there, back = reciprocated_pairs(graph)
    if len(a) == 0:
        return KudosRingReport((), 0, 0, float(rule.min_mutual))
    # decay over the window is below one part in a million: round back to whole kudos
    mutual = np.round(np.minimum(there, back), 6).astype(np.float64)
    median, relative = heavy_threshold(mutual, quantile=rule.quantile, min_ratio=rule.min_ratio)
    threshold = max(relative, float(rule.min_mutual))
    heavy = mutual >= threshold
    report = judge_heavy_pairs(
        graph,
        a[heavy],
        b[heavy],
        mutual[heavy],
        norm=median,
        reciprocated=len(a),
        min_size=rule.min_size,
        min_density=rule.min_density,
        min_insularity=rule.min_insularity,
        max_embeddedness=rule.max_embeddedness,
    )
    rings = tuple(
        KudosRing(
            members=ring.members,
            density=ring.density,
            insularity=ring.insularity,
            embeddedness=ring.embeddedness,
            mutual_kudos=ring.mutual_volume,
            norm_kudos=ring.norm_volume,
        )
        for ring in report.rings
    )
    return KudosRingReport(rings, int(heavy.sum()), len(a), threshold)
