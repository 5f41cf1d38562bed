"""The Apache Spark engine: the local scoring algorithm, run as DataFrame joins.

When an organisation outgrows one machine, :func:`spark_measures` runs the same pipeline as
:func:`renown.graph.build.build_graph` followed by :meth:`ProminenceModel.fit` over the same
Parquet event lake: decay and weight events, aggregate pairs, detect and discount rings,
then compute every component of the model with joins (no GraphFrames jar is needed). What
crosses to the driver is what the scores and their explanations need anyway: the person
list, one row per person per component, and the pair table (from which the rings are
judged once Spark has found the reciprocated pairs and their mutual volumes).

PySpark is imported inside the functions, so this module imports (and the local engine
works) on machines without Spark or Java.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, cast, get_args

import numpy as np
import polars as pl

from renown.graph.build import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_KIND_WEIGHTS, PairScaling
from renown.graph.build import _encode_groups as encode_groups
from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence import measures
from renown.prominence.components import COMPONENTS, ON_DRIVER
from renown.prominence.engines.spark_frames import ComponentOnSpark, SparkFrames
from renown.prominence.engines.spark_graph import (
    EventSource,
    aggregate_pairs,
    collect_csr,
    node_frame,
    read_events,
    weighted_events,
)
from renown.prominence.engines.spark_rings import spark_detect_rings, spark_discount_rings
from renown.prominence.engines.spark_session import local_spark, spark_session
from renown.prominence.model import ProminenceModel
from renown.prominence.rings import RingReport, discount_rings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["local_spark", "spark_implementation", "spark_measures", "spark_session"]


def spark_measures(
    events: EventSource,
    *,
    as_of: datetime,
    half_life_days: float,
    window_days: float | None = None,
    groups: Mapping[str, str] | None = None,
    model: ProminenceModel,
    channel_weights: Mapping[str, float] | None = None,
    kind_weights: Mapping[str, float] | None = None,
    pair_scaling: PairScaling = "log",
    pair_cap: float = 20.0,
    spark: SparkSession | None = None,
    master: str | None = None,
) -> tuple[InteractionGraph, dict[str, FloatArray], RingReport]:
    """Compute every component of ``model`` on Spark; finish with ``model.fit_measured``.

    Parameters
    ----------
    events:
        Canonical event frame, the folder of a Parquet event lake (``month=YYYY-MM``
        partitions; months outside the window are not read), or a sequence of Parquet
        part files (e.g. a lake's committed ``files()``, which skips unlisted leftovers).
    as_of, half_life_days, window_days, groups, channel_weights, kind_weights,
    pair_scaling, pair_cap:
        As in :func:`renown.graph.build.build_graph`.
    model:
        Model whose :attr:`~ProminenceModel.components`, ring settings and PageRank damping
        are used (it is not fitted here).
    spark:
        Session to use; by default the session of :func:`spark_session` on ``master``.
    master:
        Spark master URL (``local[N]``, ``spark://HOST:PORT``...) when no ``spark`` is
        given; None for local mode (``DEFAULT_MASTER`` of :mod:`.spark_session`).

    Returns
    -------
    tuple
        ``(graph, raw, ring_report)``: the ring-discounted graph (people in sorted id
        order), each component's value per person in ``graph.people`` order, and what ring
        detection found. ``model.fit_measured(graph, raw, ring_report)`` then scores and
        explains exactly as after a local fit.

    Raises
    ------
    ValueError
        For a naive ``as_of``, a non-positive half-life, an unknown pair scaling or a
        component the model does not know.
    renown.core.errors.InputError
        If the events lack a canonical column or a folder or file does not exist.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (UTC)")
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    if pair_scaling not in get_args(PairScaling):
        raise ValueError(f"unknown pair scaling {pair_scaling!r}")
    unknown = [name for name in model.components if name not in COMPONENTS]
    if unknown:
        raise ValueError(f"unknown components {unknown}; known: {sorted(COMPONENTS)}")
    session = spark if spark is not None else spark_session(master)
    weighted = weighted_events(
        read_events(session, events),
        as_of=as_of,
        half_life_days=half_life_days,
        window_days=window_days,
        channel_weights=channel_weights,
        kind_weights=kind_weights,
    )
    held = aggregate_pairs(session, weighted, pair_scaling, pair_cap)
    params: dict[str, object] = {
        "half_life_days": half_life_days,
        "window_days": window_days,
        "channel_weights": {**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})},
        "kind_weights": {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})},
        "pair_scaling": pair_scaling,
        "pair_cap": pair_cap,
    }
    codes, names = encode_groups(held.people, groups)
    graph = InteractionGraph(
        people=held.people,
        out=collect_csr(held.pairs, len(held.people)),
        anonymous=held.anonymous,
        groups=codes,
        group_names=names,
        as_of=as_of,
        half_life_days=half_life_days,
        n_events=held.n_events,
        params=params,
    )
    report = (
        spark_detect_rings(held.pairs, graph)
        if model.detect_rings and graph.m
        else RingReport((), 0, 0)
    )
    scored = spark_discount_rings(session, held.pairs, report, graph.index, model.ring_discount)
    graph = discount_rings(graph, report, model.ring_discount)
    raw = _components(session, scored, graph, model)
    return graph, raw, report


def _components(
    spark: SparkSession, pairs: DataFrame, graph: InteractionGraph, model: ProminenceModel
) -> dict[str, FloatArray]:
    """Every component of ``model``: Spark frames collected in one job, then driver ones."""
    from pyspark.sql import functions as F

    wanted = model.components
    if graph.n == 0:
        return {name: np.zeros(0, dtype=np.float64) for name in wanted}
    columns: dict[str, np.ndarray] = {"anonymous": graph.anonymous}
    if any(COMPONENTS[name].needs_groups for name in wanted):
        # Communities (when no departments are given) come from the local, seeded label
        # propagation on the collected graph: asynchronous updates do not distribute, and
        # the same node order makes them identical to the local engine's.
        columns["grp"] = np.asarray(
            graph.groups if graph.groups is not None else measures.communities(graph),
            dtype=np.int32,
        )
    nodes = node_frame(spark, columns).localCheckpoint()
    frames = SparkFrames(pairs=pairs, nodes=nodes, n=graph.n, alpha=model.alpha)
    implementations = {name: spark_implementation(name) for name in wanted}
    on_spark = {name: run for name, run in implementations.items() if run is not None}
    raw: dict[str, FloatArray] = {}
    if on_spark:
        tagged = [
            run(frames).select(F.lit(name).alias("component"), "node", "value")
            for name, run in on_spark.items()
        ]
        union = tagged[0]
        for frame in tagged[1:]:
            union = union.unionByName(frame)
        table = pl.from_arrow(union.toArrow())
        assert isinstance(table, pl.DataFrame)
        for name in on_spark:
            rows = table.filter(pl.col("component") == name)
            values = np.zeros(graph.n, dtype=np.float64)  # absent people: the value is 0
            values[rows["node"].to_numpy()] = rows["value"].to_numpy()
            raw[name] = values
    for name in wanted:
        if name not in raw:
            raw[name] = COMPONENTS[name].measure(graph)
    return {name: raw[name] for name in wanted}


def spark_implementation(name: str) -> ComponentOnSpark | None:
    """The Spark implementation the registry names for ``name`` (None: computed on the driver).

    Resolved on use, so that the registry stays free of the engine and the engine's modules
    are only imported when a Spark run needs them.
    """
    reference = COMPONENTS[name].spark
    if reference == ON_DRIVER:
        return None
    module, _, attribute = reference.partition(":")
    implementation = getattr(importlib.import_module(module), attribute)
    if not callable(implementation):
        raise TypeError(f"{reference} (Spark implementation of {name!r}) is not callable")
    return cast(ComponentOnSpark, implementation)
