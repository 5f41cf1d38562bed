"""Scoring external prominence: each network on its own graph, then combined.

For each network, every interaction pulled from the organisation's proven accounts goes
through the same pipeline as the organisation's own events
(:func:`renown.scoring.pipeline.score_events`: decay, reciprocal-ring discount, the
weighted components), with each person's accounts on that network merged into one node.
The engine's exact score is then ranked among the organisation's people who linked that
network and combined across networks as :mod:`renown.external.combine` explains. Every
score is stored for the day with its explanation: the components, the audiences (the
accounts whose attention drives it, and how much was anonymous), the posts that drew the
most engagement, and, for the combined score, which network drove it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.connectors.base import channel, node
from renown.connectors.kinds import KIND_WEIGHTS
from renown.connectors.registry import CONNECTORS
from renown.core.events import EventColumn
from renown.external.combine import combine, midrank_percentiles, to_score
from renown.ingest.schema import EVENT_SCHEMA
from renown.prominence.explain import explain
from renown.scoring.pipeline import score_events
from renown.store.tables.external import (
    ExternalAccount,
    ExternalEvent,
    ExternalItem,
    ExternalScore,
)

COMBINED: Final = "combined"
TOP_ITEMS: Final = 3
TOP_AUDIENCES: Final = 5


def person_node(person_id: int) -> str:
    """The node that merges one person's accounts on a network."""
    return f"person:{person_id}"


def score_external(session: Session, org_id: int, *, now: datetime) -> dict[int, dict[str, int]]:
    """Score every person with a proven account, store today's scores, return them.

    The answer maps person id to ``{network: score, "combined": score}``.
    """
    accounts = list(
        session.scalars(
            sa.select(ExternalAccount).where(
                ExternalAccount.org_id == org_id, ExternalAccount.status == "verified"
            )
        )
    )
    by_network: dict[str, list[ExternalAccount]] = defaultdict(list)
    for account in accounts:
        by_network[account.network].append(account)
    percentiles: dict[int, dict[str, float]] = defaultdict(dict)
    stored: dict[int, dict[str, int]] = defaultdict(dict)
    today = now.date()
    for network, linked in sorted(by_network.items()):
        explained = _score_network(session, network, linked, now)
        for person_id, (unit, explanation) in explained.items():
            percentiles[person_id][network] = unit
            score = to_score(unit)
            stored[person_id][network] = score
            _keep(session, org_id, person_id, network, today, score, explanation, now)
    for person_id, units in percentiles.items():
        combined = combine(units)
        stored[person_id][COMBINED] = combined.score
        explanation = {
            "shares": [
                {"network": s.network, "percentile": s.percentile, "points": s.points}
                for s in combined.shares
            ],
            "sentence": _combined_sentence(combined.score, combined.shares),
        }
        _keep(session, org_id, person_id, COMBINED, today, combined.score, explanation, now)
    session.flush()
    return dict(stored)


def _score_network(
    session: Session, network: str, linked: list[ExternalAccount], now: datetime
) -> dict[int, tuple[float, dict[str, Any]]]:
    """Each linked person's percentile on ``network`` and the explanation of it."""
    owner = {node(network, a.handle): a.person_id for a in linked}
    people = sorted({a.person_id for a in linked})
    frame = _events(session, network, [a.id for a in linked])
    exact: dict[int, float] = dict.fromkeys(people, 0.0)
    details: dict[int, dict[str, Any]] = {}
    if frame.height:
        aliases = {handle: person_node(pid) for handle, pid in owner.items()}
        try:
            result = score_events(
                frame,
                as_of=now,
                trend_days=None,
                aliases=aliases,
                graph_options={"kind_weights": KIND_WEIGHTS},
                source=f"external:{network}",
            )
        except ValueError:
            result = None
        if result is not None:
            index = result.model.graph_.index
            for pid in people:
                if person_node(pid) in index:
                    why = explain(result.model, person_node(pid), top=TOP_AUDIENCES)
                    exact[pid] = why.score_exact
                    details[pid] = {
                        "engine_score": why.score,
                        "components": [
                            {"name": p.name, "label": p.label, "percentile": p.percentile}
                            for p in why.parts
                        ],
                        "audiences": [
                            {"account": _shown(d.person, network, linked), "share": d.share}
                            for d in why.drivers
                        ],
                    }
    ranked = midrank_percentiles([exact[p] for p in people])
    # no points for nothing: a person nothing was pulled about stands at 0, not mid-table
    units = {p: (u if exact[p] > 0 else 0.0) for p, u in zip(people, ranked, strict=True)}
    label = CONNECTORS[network].label
    answer: dict[int, tuple[float, dict[str, Any]]] = {}
    for pid in people:
        rank = 1 + sum(1 for q in people if exact[q] > exact[pid])
        explanation = {
            "rank": rank,
            "population": len(people),
            "engine_score": 0,
            "components": [],
            "audiences": [],
            **details.get(pid, {}),
            "anonymous_share": _anonymous_share(frame, [h for h, p in owner.items() if p == pid]),
            "top_items": _top_items(session, [a.id for a in linked if a.person_id == pid]),
        }
        explanation["sentence"] = _network_sentence(label, to_score(units[pid]), explanation)
        answer[pid] = (units[pid], explanation)
    return answer


def _events(session: Session, network: str, account_ids: list[int]) -> pl.DataFrame:
    rows = session.execute(
        sa.select(
            ExternalEvent.event_key,
            ExternalEvent.actor,
            ExternalEvent.target,
            ExternalEvent.happened_at,
            ExternalEvent.kind,
            ExternalEvent.weight,
        ).where(ExternalEvent.account_id.in_(account_ids))
    ).all()
    frame = pl.DataFrame(
        {
            EventColumn.EVENT_KEY: [r[0] for r in rows],
            EventColumn.ACTOR: [r[1] for r in rows],
            EventColumn.TARGET: [r[2] for r in rows],
            EventColumn.TIMESTAMP: [r[3] for r in rows],
            EventColumn.CHANNEL: [channel(network)] * len(rows),
            EventColumn.KIND: [r[4] for r in rows],
            EventColumn.WEIGHT: [r[5] for r in rows],
            EventColumn.SOURCE: [f"connector:{network}"] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )
    return frame.unique(EventColumn.EVENT_KEY, keep="first", maintain_order=True).filter(
        pl.col(EventColumn.WEIGHT) > 0
    )


def _anonymous_share(frame: pl.DataFrame, handles: Iterable[str]) -> float:
    received = frame.filter(pl.col(EventColumn.TARGET).is_in(list(handles)))
    total = float(received[EventColumn.WEIGHT].sum() or 0.0)
    if total <= 0:
        return 0.0
    anonymous = float(
        received.filter(pl.col(EventColumn.ACTOR).is_null())[EventColumn.WEIGHT].sum()
    )
    return anonymous / total


def _top_items(session: Session, account_ids: list[int]) -> list[dict[str, Any]]:
    items = session.scalars(sa.select(ExternalItem).where(ExternalItem.account_id.in_(account_ids)))
    ranked = sorted(items, key=lambda i: (-sum(i.engagement.values()), i.key))
    return [
        {"title": i.title, "url": i.url, "kind": i.kind, "engagement": dict(i.engagement)}
        for i in ranked[:TOP_ITEMS]
        if sum(i.engagement.values()) > 0
    ]


def _shown(name: str, network: str, linked: list[ExternalAccount]) -> str:
    """A driver's public handle (a colleague's merged node shows their first account)."""
    if name.startswith("person:"):
        pid = int(name.split(":", 1)[1])
        handles = sorted(a.handle for a in linked if a.person_id == pid)
        return handles[0] if handles else name
    prefix = f"{network}:"
    return name[len(prefix) :] if name.startswith(prefix) else name


def _network_sentence(label: str, score: int, why: Mapping[str, Any]) -> str:
    words = [
        f"{label} {score}: {_ordinal(why['rank'])} of {why['population']} "
        f"{'person' if why['population'] == 1 else 'people'} here who linked {label}."
    ]
    if why["top_items"]:
        title = str(why["top_items"][0]["title"]).strip().rstrip(".!?…") or "an untitled post"
        words.append(f"Most engagement: {title}.")
    if why["audiences"]:
        names = ", ".join(a["account"] for a in why["audiences"][:3])
        words.append(f"Most attention from {names}.")
    if why["anonymous_share"] > 0:
        words.append(f"{round(100 * why['anonymous_share'])}% of the engagement is anonymous.")
    return " ".join(words)


def _combined_sentence(score: int, shares: Iterable[Any]) -> str:
    parts = list(shares)
    if not parts:
        return f"Combined {score}."
    driver = CONNECTORS[parts[0].network].label
    return (
        f"Combined {score} across {len(parts)} network{'s' if len(parts) > 1 else ''}; "
        f"{driver} drove it most."
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _keep(
    session: Session,
    org_id: int,
    person_id: int,
    network: str,
    day: Any,
    score: int,
    explanation: dict[str, Any],
    now: datetime,
) -> None:
    row = session.scalars(
        sa.select(ExternalScore).where(
            ExternalScore.person_id == person_id,
            ExternalScore.network == network,
            ExternalScore.observed_on == day,
        )
    ).first()
    if row is None:
        row = ExternalScore(org_id=org_id, person_id=person_id, network=network, observed_on=day)
        session.add(row)
    row.score = score
    row.explanation = explanation
    row.computed_at = now
