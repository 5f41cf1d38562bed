"""Readable tables for the bench (rich), plus the JSON record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console(width=120)


def seconds(value: float | None) -> str:
    """A duration with a sensible unit."""
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def rate(value: float | None) -> str:
    """An events-per-second figure."""
    return "-" if value is None else f"{value / 1e6:.2f} M/s"


def table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """Print one table."""
    shown = Table(title=title, title_justify="left", show_lines=False)
    for k, name in enumerate(columns):
        shown.add_column(name, justify="left" if k == 0 else "right")
    for row in rows:
        shown.add_row(*row)
    console.print(shown)


def note(text: str) -> None:
    """Print a line of commentary."""
    console.print(text, highlight=False)


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the machine-readable record next to the bench."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
