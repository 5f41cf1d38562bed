"""What an analyst with a spreadsheet would rank people by, to measure the score against.

A composite score earns its complexity only if it orders people better than the obvious
counts. Every baseline here is computed on the *whole, undecayed* history after the same
cleaning the score gets (:mod:`renown.validation.cleaning`): no half-life, no channel or
kind weights, no pair compression, no ring discount. Those are the score's design choices;
a baseline must not inherit them.

* ``in_degree``: distinct people who addressed the person;
* ``weighted_in_degree``: events addressed to the person, anonymous engagement included;
* ``pagerank_ties``: PageRank (alpha 0.85) on the distinct ties, every tie weighing 1;
* ``hits_authority``: HITS authority on the same unweighted ties;
* ``upvotes_received``: ``upvote`` events received, when the events have any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from renown.core.events import EventColumn, Kind
from renown.graph.csr import CSR, FloatArray, InteractionGraph
from renown.prominence.measures.hits import hits_authority
from renown.prominence.measures.pagerank import pagerank

PAGERANK_ALPHA: Final = 0.85


@dataclass(frozen=True)
class Baseline:
    """One reference ranking: a value per person (people as in :attr:`people`)."""

    name: str
    description: str
    people: tuple[str, ...]
    values: FloatArray


def _tie_graph(people: list[str], ties: pl.DataFrame) -> InteractionGraph:
    """The distinct (actor, target) ties as a graph whose every edge weighs 1."""
    index = {p: i for i, p in enumerate(people)}
    source = np.array([index[a] for a in ties[EventColumn.ACTOR]], dtype=np.int64)
    target = np.array([index[t] for t in ties[EventColumn.TARGET]], dtype=np.int32)
    order = np.lexsort((target, source))
    source, target = source[order], target[order]
    indptr = np.zeros(len(people) + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=len(people)), out=indptr[1:])
    ones = np.ones(len(target), dtype=np.float64)
    csr = CSR(indptr=indptr, indices=target, weights=ones, volume=ones.copy())
    return InteractionGraph(
        people=np.array(people, dtype=object), out=csr, anonymous=np.zeros(len(people))
    )


def _per_person(people: list[str], counts: pl.DataFrame) -> FloatArray:
    found = dict(zip(counts["person"].to_list(), counts["value"].to_list(), strict=True))
    return np.array([float(found.get(p, 0.0)) for p in people], dtype=np.float64)


def compute_baselines(events: pl.DataFrame) -> list[Baseline]:
    """Every baseline of the (already cleaned) ``events``; upvotes only if there are any."""
    actor, target = pl.col(EventColumn.ACTOR), pl.col(EventColumn.TARGET)
    people = sorted(
        set(events[EventColumn.TARGET].to_list())
        | set(events[EventColumn.ACTOR].drop_nulls().to_list())
    )
    named = events.filter(actor.is_not_null())
    ties = named.select(actor, target).unique()
    in_degree = ties.group_by(target.alias("person")).agg(pl.len().alias("value"))
    received = events.group_by(target.alias("person")).agg(pl.len().alias("value"))
    graph = _tie_graph(people, ties)
    found = [
        Baseline(
            "in_degree",
            "distinct people who addressed them",
            tuple(people),
            _per_person(people, in_degree),
        ),
        Baseline(
            "weighted_in_degree",
            "events addressed to them, anonymous ones included",
            tuple(people),
            _per_person(people, received),
        ),
        Baseline(
            "pagerank_ties",
            "PageRank (0.85) on distinct, unweighted ties",
            tuple(people),
            pagerank(graph, alpha=PAGERANK_ALPHA),
        ),
        Baseline(
            "hits_authority",
            "HITS authority on distinct, unweighted ties",
            tuple(people),
            hits_authority(graph),
        ),
    ]
    upvotes = events.filter(pl.col(EventColumn.KIND) == Kind.UPVOTE.value)
    if upvotes.height:
        counts = upvotes.group_by(target.alias("person")).agg(pl.len().alias("value"))
        found.append(
            Baseline(
                "upvotes_received",
                "upvotes on their posts",
                tuple(people),
                _per_person(people, counts),
            )
        )
    return found
