"""The composite prominence model: components -> population percentiles -> 1-100 score.

The model follows the scikit-learn estimator protocol so that a published score can be
reproduced exactly: the constructor only stores keyword parameters, :meth:`fit` learns
from one interaction graph and returns ``self``, learned values end in ``_``, and
:meth:`get_params` returns everything needed to refit (saved beside every scoring run).

Score
-----
``score = 1 + 99 * sum_c w_c * u_c / sum_c w_c`` where ``u_c`` is the person's mid-rank
percentile on component ``c`` (:mod:`renown.prominence.normalise`; a raw value of zero is
percentile 0) and ``w_c`` its weight (:data:`renown.prominence.components.DEFAULT_WEIGHTS`),
over the components that can be computed on the input: breadth (like every component that
``needs_groups``) needs departments unless ``community_breadth`` is set. Each component's *points*
(``99 * w_c * u_c / sum w``) add up, with the base of 1, to the score, which makes the
explanation exact rather than approximate.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Self

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.graph.csr import CSR, InteractionGraph
from renown.prominence.components import COMPONENTS, DEFAULT_INFORMATIONAL, DEFAULT_WEIGHTS
from renown.prominence.measures import Measure
from renown.prominence.measures.pagerank import pagerank
from renown.prominence.normalise import midrank_percentile
from renown.prominence.rings import RingReport, detect_rings, discount_rings

FloatArray = NDArray[np.float64]
SCORE_SPAN = 99.0


_MANTISSA_BITS = 30


def _significant(values: FloatArray) -> FloatArray:
    """Round to 30 significant bits (about 9 decimal digits) before ranking.

    Two people with equal standing must tie whatever order an engine added their numbers
    in; rounding is monotone, so it never reverses an order, it only merges near-ties.
    """
    mantissa, exponent = np.frexp(values)
    return np.ldexp(np.round(mantissa * 2.0**_MANTISSA_BITS) / 2.0**_MANTISSA_BITS, exponent)


class _Stopwatch:
    """Seconds per step of a fit, so a run can say which measure its time went to."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _percentile(values: FloatArray) -> FloatArray:
    """Mid-rank percentile of the positive values; 0 for a zero (no points for nothing)."""
    return np.where(values > 0, midrank_percentile(_significant(values)), 0.0)


class ProminenceModel:
    """Explained 1-100 prominence scores from an :class:`InteractionGraph`.

    Parameters
    ----------
    weights:
        Component name -> weight (only positive weights count). Defaults to
        :data:`~renown.prominence.components.DEFAULT_WEIGHTS`.
    informational:
        Components computed and explained with zero weight.
    detect_rings:
        Detect reciprocal rings and discount the edges inside them before scoring.
    ring_discount:
        Factor applied to edges inside a detected ring (0, the default, removes them; 1
        keeps them).
    alpha:
        PageRank damping factor.
    community_breadth:
        Without departments (no ``groups`` given), compute breadth over communities detected
        in the interactions themselves and weigh it. Off by default: detected communities
        shift when one interaction is added, so breadth over them is not monotone in
        inbound attention. When breadth is unavailable it is left out and the remaining
        weights are renormalised (recorded in :attr:`weights_`).
    """

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        informational: Sequence[str] = DEFAULT_INFORMATIONAL,
        detect_rings: bool = True,
        ring_discount: float = 0.0,
        alpha: float = 0.85,
        community_breadth: bool = False,
    ) -> None:
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.informational = tuple(informational)
        self.detect_rings = detect_rings
        self.ring_discount = ring_discount
        self.alpha = alpha
        self.community_breadth = community_breadth

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters (JSON-serialisable)."""
        del deep
        return {
            "weights": dict(self.weights),
            "informational": list(self.informational),
            "detect_rings": self.detect_rings,
            "ring_discount": self.ring_discount,
            "alpha": self.alpha,
            "community_breadth": self.community_breadth,
        }

    def set_params(self, **params: Any) -> Self:
        """Set constructor parameters (scikit-learn protocol)."""
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"unknown parameter {name!r}")
            setattr(self, name, dict(value) if name == "weights" else value)
        return self

    @property
    def components(self) -> tuple[str, ...]:
        """Weighted components first, then informational ones, without repeats."""
        weighted = tuple(name for name, w in self.weights.items() if w > 0)
        return weighted + tuple(c for c in self.informational if c not in weighted)

    def components_for(self, graph: InteractionGraph) -> tuple[str, ...]:
        """The components that can be computed on ``graph`` (breadth needs groups)."""
        unavailable = self._unavailable(graph)
        return tuple(c for c in self.components if c not in unavailable)

    def _unavailable(self, graph: InteractionGraph) -> frozenset[str]:
        if graph.groups is None and not self.community_breadth:
            return frozenset(c.name for c in COMPONENTS.values() if c.needs_groups)
        return frozenset()

    def _validate(self) -> None:
        unknown = [c for c in (*self.weights, *self.informational) if c not in COMPONENTS]
        if unknown:
            raise ValueError(f"unknown components {unknown}; known: {sorted(COMPONENTS)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("component weights must be >= 0")
        if sum(self.weights.values()) <= 0:
            raise ValueError("at least one component needs a positive weight")
        if not 0.0 <= self.ring_discount <= 1.0:
            raise ValueError("ring_discount must be between 0 and 1")

    def fit(self, graph: InteractionGraph) -> Self:
        """Score everybody in ``graph`` with the local engine."""
        self._validate()
        clock = _Stopwatch()
        report = detect_rings(graph) if self.detect_rings else RingReport((), 0, 0)
        scored = discount_rings(graph, report, self.ring_discount)
        clock.lap("rings")
        raw = {}
        for name in self.components_for(scored):
            raw[name] = self._measure(name)(scored)
            clock.lap(name)
        self.fit_measured(scored, raw, report)
        clock.lap("combine")
        self.timings_ = clock.laps
        return self

    @property
    def timings(self) -> dict[str, float]:
        """Seconds per step of the last local fit (rings, each measure, combining)."""
        return dict(getattr(self, "timings_", {}))

    def fit_measured(
        self, graph: InteractionGraph, raw: Mapping[str, FloatArray], ring_report: RingReport
    ) -> Self:
        """Combine component values that an engine already computed (e.g. on Spark).

        ``graph`` is the ring-discounted graph the values were computed on; it is kept for
        explanations. ``raw`` must hold every name in :meth:`components_for` the graph.
        """
        self._validate()
        self.components_ = self.components_for(graph)
        kept = {n: w for n, w in self.weights.items() if w > 0 and n in self.components_}
        if not kept:
            raise ValueError("no weighted component can be computed on this input")
        total = sum(kept.values())
        self.weights_: dict[str, float] = {n: kept.get(n, 0.0) / total for n in self.components_}
        missing = [name for name in self.components_ if name not in raw]
        if missing:
            raise ValueError(f"the engine did not compute {missing}")
        self.ring_report_ = ring_report
        self.graph_ = graph
        self.people_ = graph.people
        self.raw_: dict[str, FloatArray] = {
            name: np.asarray(raw[name], dtype=np.float64) for name in self.components_
        }
        # nobody earns points for nothing: a zero (no reach, no breadth...) is percentile 0;
        # one component per thread (numpy sorts without the GIL), as each is a full sort
        with ThreadPoolExecutor(thread_name_prefix="renown-percentiles") as pool:
            ranked = pool.map(_percentile, self.raw_.values())
            self.percentiles_ = dict(zip(self.raw_, ranked, strict=True))
        self.points_: dict[str, FloatArray] = {
            name: SCORE_SPAN * self.weights_[name] * self.percentiles_[name]
            for name in self.components_
        }
        exact = np.ones(graph.n)
        for name in self.components_:
            exact += self.points_[name]
        self.scores_ = exact
        return self

    def keep_for_trend(self) -> Self:
        """Drop what explaining a later window against this one never reads.

        A previous window's model is kept beside the current one only for trends, which
        read each person's node, points and score: its pair arrays, raw measures and
        percentiles (hundreds of megabytes for a million people) are released.
        """
        n = self.graph_.n
        empty = CSR(
            indptr=np.zeros(n + 1, np.int64),
            indices=np.zeros(0, np.int32),
            weights=np.zeros(0, np.float64),
            volume=np.zeros(0, np.float64),
        )
        self.graph_ = replace(self.graph_, out=empty)
        self.raw_ = {}
        self.percentiles_ = {}
        return self

    def _measure(self, name: str) -> Measure:
        if name == "pagerank":
            alpha = self.alpha
            return lambda g: pagerank(g, alpha=alpha)
        return COMPONENTS[name].measure

    def to_frame(self, extra: Mapping[str, pl.Series] | None = None) -> pl.DataFrame:
        """One row per person, best first: id, integer score, exact score, rank, components.

        ``extra`` columns (in node order) are appended before the one sort, so a caller
        adding columns (the trend) never copies the whole frame again.
        """
        exact = self.scores_
        people = pl.Series("person", self.people_, dtype=pl.String)
        # a few flagged ids looked up in one vectorised pass (the graph's id -> node dict
        # would cost a Python object per person)
        ring_flag = people.is_in(pl.Series(list(self.ring_report_.flagged), dtype=pl.String))
        # every column is built in node order and the frame is sorted once: polars gathers
        # the columns in parallel (ids read in node order too: reading a million Python
        # strings in score order would jump around memory for every one of them); the sort
        # is stable on the unrounded score, so ties keep node order, reproducibly
        columns: dict[str, Any] = {
            "person": people,
            "score_exact": exact,
        }
        rounded = [pl.col("score_exact").round(4)]
        for name in self.components_:
            columns[name] = self.raw_[name]
            columns[f"{name}_pct"] = self.percentiles_[name]
            columns[f"{name}_points"] = self.points_[name]
            rounded += [pl.col(f"{name}_pct").round(6), pl.col(f"{name}_points").round(4)]
        columns["ring_flag"] = ring_flag
        columns.update(extra or {})
        ordered = pl.DataFrame(columns).sort("score_exact", descending=True, maintain_order=True)
        score = (pl.col("score_exact") + 0.5).floor().clip(1, 100).cast(pl.Int64).alias("score")
        rank = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank")
        return ordered.with_columns(*rounded, score, rank).select(
            "person", "score", "score_exact", "rank", *list(columns)[2:]
        )
