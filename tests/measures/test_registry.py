"""The component registry: every registered component is complete, runs and scores in range.

Everything here is parametrised from :data:`renown.prominence.components.COMPONENTS`, so a
new component gets these checks by being registered.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from renown.graph import build_graph
from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.components import (
    COMPONENTS,
    DEFAULT_INFORMATIONAL,
    DEFAULT_WEIGHTS,
    ON_DRIVER,
    Component,
)
from renown.prominence.engines.spark import spark_implementation
from renown.prominence.measures import (
    audience,
    constraint,
    effective_size,
    hits_authority,
    hits_hub,
)
from renown.prominence.model import ProminenceModel
from tests.conftest import AS_OF, make_events

REGISTERED = sorted(COMPONENTS)

LIBRARY_ONLY = {
    "audience": audience,
    "hits_authority": hits_authority,
    "hits_hub": hits_hub,
    "constraint": constraint,
    "effective_size": effective_size,
}
"""Measures in the library that no component uses (explanation aids, raw forms)."""


def built_graph() -> InteractionGraph:
    events = make_events(
        [
            ("ann", "bob", "email"),
            ("bob", "ann", "chat"),
            ("cid", "bob", "review"),
            ("dan", "cid", "email"),
            (None, "dan", "social"),
            ("bob", "dan", "email"),
        ]
    )
    return build_graph(events, as_of=AS_OF, groups={"ann": "eng", "bob": "eng", "cid": "ops"})


def test_the_registry_keys_components_by_their_names() -> None:
    assert all(name == component.name for name, component in COMPONENTS.items())
    assert {"pagerank", "reach", "breadth", "amplification", "responsiveness"} <= set(COMPONENTS)


@pytest.mark.parametrize("name", REGISTERED)
def test_every_component_is_labelled_and_described(name: str) -> None:
    component = COMPONENTS[name]
    assert component.label.strip() and component.label == component.label.strip()
    assert component.short_label.strip() and len(component.short_label) <= len(component.label)
    assert component.description.strip()


@pytest.mark.parametrize("name", REGISTERED)
def test_every_component_names_its_spark_implementation(name: str) -> None:
    """Resolving the reference imports the Spark modules, never pyspark itself."""
    reference = COMPONENTS[name].spark
    assert reference == ON_DRIVER or ":" in reference, f"{name}: no Spark implementation"
    implementation = spark_implementation(name)
    if implementation is None:
        assert reference == ON_DRIVER
        return
    parameters = list(inspect.signature(implementation).parameters.values())
    assert parameters[0].name == "frames"
    assert all(p.default is not inspect.Parameter.empty for p in parameters[1:])


def test_a_component_cannot_be_registered_without_a_label_or_a_spark_implementation() -> None:
    with pytest.raises(TypeError):
        Component("new", "New", "a new measure", COMPONENTS["reach"].measure)  # type: ignore[call-arg]


def test_defaults_weigh_monotone_components_only() -> None:
    assert DEFAULT_WEIGHTS and all(COMPONENTS[name].monotone for name in DEFAULT_WEIGHTS)
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert not set(DEFAULT_WEIGHTS) & set(DEFAULT_INFORMATIONAL)
    opt_in = {name for name, c in COMPONENTS.items() if c.opt_in}
    assert "betweenness" in opt_in
    assert not opt_in & {*DEFAULT_WEIGHTS, *DEFAULT_INFORMATIONAL}


def _check_values(graph: InteractionGraph, values: FloatArray) -> None:
    assert values.dtype == np.float64
    assert values.shape == (graph.n,)
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0.0)


@pytest.mark.parametrize("name", REGISTERED)
def test_every_component_measure_runs_on_a_built_graph(name: str) -> None:
    graph = built_graph()
    _check_values(graph, COMPONENTS[name].measure(graph))


@pytest.mark.parametrize("name", sorted(LIBRARY_ONLY))
def test_library_measures_run_on_a_built_graph(name: str) -> None:
    graph = built_graph()
    _check_values(graph, LIBRARY_ONLY[name](graph))


@pytest.mark.parametrize("name", REGISTERED)
def test_a_composite_of_any_one_component_scores_in_range(name: str) -> None:
    graph = built_graph()
    model = ProminenceModel(weights={name: 1.0}, informational=(), detect_rings=False).fit(graph)
    assert model.components_ == (name,)
    assert np.all(np.isfinite(model.scores_))
    assert np.all((model.scores_ >= 1.0) & (model.scores_ <= 100.0 + 1e-9))
    percentiles = model.percentiles_[name]
    assert np.all((percentiles >= 0.0) & (percentiles <= 1.0))
