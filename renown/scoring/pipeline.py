"""The scoring pipeline: events -> graph -> fitted model -> scores, with run metadata.

:func:`score_events` is the one way a run is computed: ``renown score``, the scoring job of
the web app (:mod:`renown.scoring.job`), reproducing a run and the demo all call it, and it
runs the measures locally or on Spark (``engine="spark"``).

A run records everything needed to reproduce it exactly: the graph parameters (as-of
instant, half-life, channel weights, pair scaling), the model's ``get_params()``, the code
version, the engine, and a hash of the input events. ``as_of`` defaults to the newest event
rather than the wall clock, so scoring the same input twice gives the same scores: that is
the rule for an archive. A live organisation's runs (the web app's job) are as of the end
of the last complete period instead (:mod:`renown.scoring.asof`); the rule a run used is
recorded as ``as_of_rule``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal

import numpy as np
import polars as pl

from renown._version import __version__
from renown.core.decay import DEFAULT_HALF_LIFE_DAYS
from renown.core.events import EventColumn
from renown.core.explanation import Explanation
from renown.graph.build import build_graph, build_window_pair
from renown.graph.csr import InteractionGraph
from renown.ingest import merge_aliases
from renown.ingest.files import EventFile
from renown.ingest.lake import EventLake, event_key_sum, events_fingerprint
from renown.prominence.explain import explain
from renown.prominence.model import ProminenceModel
from renown.scoring.asof import EXPLICIT, NEWEST_EVENT

Engine = Literal["local", "spark"]


@dataclass
class ScoringResult:
    """Output of one scoring run."""

    scores: pl.DataFrame
    model: ProminenceModel
    graph: InteractionGraph
    previous: ProminenceModel | None
    metadata: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def explain(self, person: str) -> Explanation:
        """Explanation of one person's score, with the trend against the previous window."""
        return explain(self.model, person, previous=self.previous)


SCORING_COLUMNS: Final = (
    EventColumn.ACTOR,
    EventColumn.TARGET,
    EventColumn.TIMESTAMP,
    EventColumn.CHANNEL,
    EventColumn.KIND,
    EventColumn.WEIGHT,
)
"""The event columns scoring reads; a lake input is read with these alone."""


def input_fingerprint(events: pl.DataFrame) -> str:
    """Order-independent fingerprint of a set of events, from their stable keys.

    The first 64 bits of every event key are summed modulo 2**64; together with the count
    this changes whenever an event is added, removed or replaced, and does not depend on
    row order or on any library's hash function. For an event lake,
    :meth:`~renown.ingest.lake.EventLake.fingerprint` gives the same value from its
    manifest without reading the keys.
    """
    if events.height == 0:
        return events_fingerprint(0, 0)
    return events_fingerprint(events.height, event_key_sum(events[EventColumn.EVENT_KEY]))


def table_digest(table: Mapping[str, str] | None) -> str | None:
    """Digest of a groups or alias table as given (None without one), recorded with a run so
    that reproducing it refuses a table whose contents changed even when its size did not.

    Entries are taken in the table's order (a later entry of a person overrides an earlier
    one, so order is part of what the table says); a file re-read gives the same order.
    """
    if table is None:
        return None
    text = json.dumps(list(table.items()), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def score_events(
    events: pl.DataFrame | pl.LazyFrame | EventLake | EventFile,
    *,
    as_of: datetime | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    window_days: float | None = None,
    groups: Mapping[str, str] | None = None,
    model: ProminenceModel | None = None,
    trend_days: float | None = 30.0,
    engine: Engine = "local",
    source: str | None = None,
    graph_options: Mapping[str, Any] | None = None,
    aliases: Mapping[str, str] | None = None,
    as_of_rule: str | None = None,
    on_stage: Callable[[str], None] | None = None,
    spark_master: str | None = None,
) -> ScoringResult:
    """Score every person in ``events`` as of ``as_of`` (default: the newest event).

    ``events`` may be an :class:`~renown.ingest.lake.EventLake`: then only the columns
    scoring needs are read, and the input fingerprint comes from the lake's manifest.
    ``trend_days`` also scores the window ending that many days earlier so that each
    explanation can show the trend; pass ``None`` to skip it. ``on_stage`` is called with
    the name of each stage as it starts (for progress displays). ``aliases`` (extra
    identifier -> person id, see :mod:`renown.ingest.aliases`) merges one person's several
    ids before anything is counted; the run metadata records how many were merged.
    ``as_of_rule`` says why the run has its as-of (:mod:`renown.scoring.asof`; default:
    ``explicit`` when ``as_of`` is given, else ``newest event``) and is recorded with the run.
    ``spark_master`` is the Spark master of an ``engine="spark"`` run (default: local mode),
    recorded with the run.
    """
    stage = on_stage or (lambda _name: None)
    timings: dict[str, float] = {}
    stage("loading events")
    t0 = time.perf_counter()
    fingerprint: str | None = None
    source_events: pl.DataFrame | pl.LazyFrame
    if isinstance(events, EventLake):
        # streamed: the graph builder reads the lake slice by slice, so memory follows
        # people and pairs, not events (a lake of 100M events is never held in memory)
        fingerprint = events.fingerprint()
        source_events = events.scan().select(SCORING_COLUMNS)
    elif isinstance(events, EventFile):
        source_events = events.scoring_events()
        fingerprint = events.fingerprint()
    else:
        source_events = events
    source_events = merge_aliases(source_events, aliases or {})
    input_events, span = _count_and_span(source_events)
    timings["load"] = time.perf_counter() - t0
    if input_events == 0:
        raise ValueError("no events to score")
    oldest, newest = span
    if as_of is None:
        as_of = newest
        as_of_rule = as_of_rule or NEWEST_EVENT
    model = model if model is not None else ProminenceModel()
    options = dict(graph_options or {})
    # what every graph of this run is built with, whatever its as-of
    window: dict[str, Any] = {
        "half_life_days": half_life_days,
        "window_days": window_days,
        "groups": groups,
    }
    previous = None
    earlier = None
    if trend_days and oldest <= as_of - timedelta(days=trend_days):
        earlier = as_of - timedelta(days=trend_days)
    if engine == "spark":
        if earlier is not None:
            stage("scoring the previous window for trends")
            t0 = time.perf_counter()
            graph = build_graph(source_events, as_of=earlier, **window, **options)
            previous = _fit_previous(graph, model)
            timings["trend"] = time.perf_counter() - t0
        stage("building the interaction graph")
        t0 = time.perf_counter()
        from renown.prominence.engines.spark import spark_measures
        from renown.prominence.engines.spark_session import DEFAULT_MASTER

        spark_master = spark_master or DEFAULT_MASTER
        frame = (
            source_events.collect() if isinstance(source_events, pl.LazyFrame) else source_events
        )
        graph, raw, report = spark_measures(
            frame, as_of=as_of, model=model, master=spark_master, **window, **options
        )
        timings["graph"] = time.perf_counter() - t0
        stage("combining measures into scores")
        t0 = time.perf_counter()
        model.fit_measured(graph, raw, report)
    elif earlier is not None:
        # both windows from one pass over the events; the earlier one is fitted and cut
        # down to what trends read before the current window's pairs are aggregated
        stage("building the interaction graphs")
        t0 = time.perf_counter()
        earlier_graph, current_graph = build_window_pair(
            source_events, as_of=as_of, earlier=earlier, **window, **options
        )
        coded = time.perf_counter()
        stage("scoring the previous window for trends")
        previous = _fit_previous(earlier_graph, model)
        del earlier_graph
        timings["trend"] = time.perf_counter() - coded
        stage("building the interaction graph")
        t1 = time.perf_counter()
        graph = current_graph()
        timings["graph"] = (coded - t0) + (time.perf_counter() - t1)
        stage("computing measures and scores")
        t0 = time.perf_counter()
        model.fit(graph)
    else:
        stage("building the interaction graph")
        t0 = time.perf_counter()
        graph = build_graph(source_events, as_of=as_of, **window, **options)
        timings["graph"] = time.perf_counter() - t0
        stage("computing measures and scores")
        t0 = time.perf_counter()
        model.fit(graph)
    model.graph_.release_inbound()
    timings["fit"] = time.perf_counter() - t0
    timings.update({f"graph: {k}": v for k, v in graph.timings.items()})
    timings.update({f"fit: {k}": v for k, v in model.timings.items()})
    t0 = time.perf_counter()
    if previous is None:
        scores = model.to_frame()
    else:
        prior = _previous_scores(model, previous)
        scores = model.to_frame({"previous_score": prior}).with_columns(
            (pl.col("score_exact") - pl.col("previous_score")).round(4).alias("trend")
        )
    timings["frame"] = time.perf_counter() - t0
    metadata = {
        "renown_version": __version__,
        "engine": engine,
        "as_of": as_of.isoformat(),
        "as_of_rule": as_of_rule or EXPLICIT,
        "trend_days": trend_days,
        "source": source,
        "input_events": input_events,
        "input_fingerprint": fingerprint or input_fingerprint(_collected(source_events)),
        "graph_params": graph.params,
        "model_params": model.get_params(),
        "people": graph.n,
        "pairs": graph.m,
        "rings": [list(r.members) for r in model.ring_report_.rings],
        "groups_given": groups is not None,
        "groups_digest": table_digest(groups),
        "aliases": len(aliases or {}),
        "aliases_digest": table_digest(aliases),
    }
    if engine == "spark":
        metadata["spark_master"] = spark_master
    return ScoringResult(scores, model, graph, previous, metadata, timings)


def _previous_scores(model: ProminenceModel, previous: ProminenceModel) -> pl.Series:
    """Each person's previous score (rounded as a scores file shows it), in node order.

    Matched on two narrow columns rather than joined onto the scores frame, which would
    copy every column of a million rows once more.
    """
    prior = pl.DataFrame(
        {
            "person": pl.Series(previous.people_, dtype=pl.String),
            "previous_score": pl.Series(previous.scores_).round(4),
        }
    )
    current = pl.DataFrame({"person": pl.Series(model.people_, dtype=pl.String)})
    aligned = current.join(prior, on="person", how="left", maintain_order="left")
    return aligned.get_column("previous_score")


def _count_and_span(events: pl.DataFrame | pl.LazyFrame) -> tuple[int, tuple[datetime, datetime]]:
    """Number of events and their oldest and newest instants, in one pass over the column.

    For a lake scan polars reads the timestamp column alone (or the Parquet statistics).
    """
    stamp = pl.col(EventColumn.TIMESTAMP)
    query = events.lazy().select(
        pl.len().alias("n"), stamp.min().alias("lo"), stamp.max().alias("hi")
    )
    row = query.collect().row(0)
    count = int(row[0])
    if count == 0:
        return 0, (datetime.min, datetime.min)
    assert isinstance(row[1], datetime) and isinstance(row[2], datetime)
    return count, (row[1], row[2])


def _collected(events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return events.collect() if isinstance(events, pl.LazyFrame) else events


def _fit_previous(graph: InteractionGraph, model: ProminenceModel) -> ProminenceModel:
    """The earlier window's model, fitted on ``graph`` and cut down to what trends read.

    Informational components carry no points, so neither the score nor a trend reads
    them: the earlier window measures the weighted ones alone (PageRank and the others
    were a third of its fit) and shows zero points for the rest, as a full fit would.
    """
    earlier = ProminenceModel(**{**model.get_params(), "informational": []}).fit(graph)
    for name in model.components_for(graph):
        earlier.points_.setdefault(name, np.zeros(graph.n))
    return earlier.keep_for_trend()
