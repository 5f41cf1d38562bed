"""Charts in the pages are Vega-Lite specs drawn by the vendored vega-embed."""

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
"""Identifies the spec language to vega-embed; it is never fetched."""
