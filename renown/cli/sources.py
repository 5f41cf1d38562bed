"""Command-line helpers for input options."""

from __future__ import annotations


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """Parse ``actor=from,target=to`` into ``{"actor": "from", "target": "to"}``."""
    if not text:
        return None
    mapping: dict[str, str] = {}
    for part in text.split(","):
        name, sep, column = part.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise ValueError(
                f"--mapping part {part!r} is not canonical=column (e.g. actor=from,target=to)"
            )
        mapping[name.strip()] = column.strip()
    return mapping
