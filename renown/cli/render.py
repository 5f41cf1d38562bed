"""Rich rendering of leaderboards and explanations for the terminal."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.table import Table

from renown.core.explanation import Explanation
from renown.prominence.components import COMPONENTS
from renown.scoring.pipeline import ScoringResult


def print_leaderboard(
    console: Console,
    result: ScoringResult,
    *,
    top: int = 15,
    explain_top: int = 3,
    labels: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
) -> None:
    """Print the top people with their component points and, for a few, the explanation."""
    weighted = [c for c in result.model.components_ if result.model.weights_[c] > 0]
    table = Table(
        title=f"Prominence leaderboard (as of {result.metadata['as_of'][:10]})",
        caption="score = 1 + the points of the components (percentile x weight x 99)",
    )
    table.add_column("#", justify="right")
    table.add_column("person")
    if groups:
        table.add_column("department")
    table.add_column("score", justify="right", style="bold")
    table.add_column("trend", justify="right")
    for name in weighted:
        table.add_column(COMPONENTS[name].short_label, justify="right")
    head = result.scores.head(top)
    has_trend = "trend" in head.columns
    for row in head.iter_rows(named=True):
        person = str(row["person"])
        name = f"{labels[person]} ({person})" if labels and person in labels else person
        if row.get("ring_flag"):
            name += " [yellow](ring)[/]"
        cells = [str(row["rank"]), name]
        if groups:
            cells.append(groups.get(person, ""))
        cells.append(str(row["score"]))
        cells.append(_trend_cell(row.get("trend") if has_trend else None))
        cells.extend(f"{float(row[f'{c}_points']):.1f}" for c in weighted)
        table.add_row(*cells)
    console.print(table)
    for person in head["person"].head(explain_top).to_list():
        name = labels.get(str(person), str(person)) if labels else str(person)
        console.print(f"[bold]{name}[/]: " + result.explain(str(person)).summary())


def print_timings(console: Console, timings: Mapping[str, float]) -> None:
    """Seconds per stage of a scoring run, so the next lever is visible.

    Top-level stages (load, graph, fit, trend, frame, write) add up to the run; indented
    rows (``graph: ...``, ``fit: ...``) split a stage into its parts.
    """
    table = Table(title="where the time went", show_header=True, header_style="bold")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    stages = [name for name in timings if ": " not in name]
    for stage in stages:
        table.add_row(stage, f"{timings[stage]:.3f}")
        for name, seconds in timings.items():
            if name.startswith(f"{stage}: "):
                table.add_row(f"  {name.removeprefix(f'{stage}: ')}", f"{seconds:.3f}", style="dim")
    total = sum(timings[stage] for stage in stages)
    table.add_row("total", f"{total:.3f}", style="bold")
    console.print(table)


def _trend_cell(value: object) -> str:
    if not isinstance(value, (int, float)):
        return "new"
    colour = "green" if value > 0.05 else "red" if value < -0.05 else "dim"
    return f"[{colour}]{value:+.1f}[/]"


def print_explanation(console: Console, explanation: Explanation) -> None:
    """Print one person's explanation: words first, then the table of parts."""
    console.print(explanation.summary())
    table = Table(title=f"Score {explanation.score} = 1 + the points below")
    for column in ("component", "raw value", "percentile", "weight", "points", "change"):
        table.add_column(column, justify="left" if column == "component" else "right")
    for part in explanation.parts:
        table.add_row(
            part.label,
            f"{part.raw:.4g}",
            f"{part.percentile:.0%}",
            f"{part.weight:.0%}",
            f"{part.points:.1f}",
            "" if part.delta is None else f"{part.delta:+.1f}",
        )
    console.print(table)
    if explanation.drivers:
        drivers = Table(title="Whose attention lifts the endorsement most")
        drivers.add_column("person")
        drivers.add_column("share", justify="right")
        for d in explanation.drivers:
            drivers.add_row(d.person, f"{d.share:.0%}")
        console.print(drivers)
