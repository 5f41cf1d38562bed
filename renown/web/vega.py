"""Charts in the pages are Vega-Lite specs drawn by the vendored vega-embed."""

from __future__ import annotations

from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
"""Identifies the spec language to vega-embed; it is never fetched."""
QUIET_AXES = {"gridColor": "#edf1f5", "domainColor": "#c3ccd8", "labelColor": "#4a5568"}
"""Light grid and axis lines, the axes of the line charts."""


def chart(
    description: str, height: int, body: dict[str, Any], axes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Vega-Lite spec as wide as the page's container, in the page's font and unframed:
    ``body`` holds its data, marks or layers and encoding; ``axes`` how axes look."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        **body,
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            "axis": dict(QUIET_AXES if axes is None else axes),
        },
    }
