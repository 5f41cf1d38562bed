"""Readers that turn every supported source into canonical event frames, and the lake."""

from renown.ingest.schema import EVENT_SCHEMA, conform, empty_events

__all__ = ["EVENT_SCHEMA", "conform", "empty_events"]
