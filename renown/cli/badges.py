"""``renown badges``: check badge rule files and report the Stack Exchange badge proof."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import polars as pl

badges_app = typer.Typer(
    help="Badge rules: check a rule file; compare Stack Exchange badges with a dump's awards.",
    no_args_is_help=True,
)
console = Console()
if not console.is_terminal:
    console = Console(width=130)  # logs and pipes: room for the whole table
errors = Console(stderr=True, soft_wrap=True)


@badges_app.command("check")
def check(
    rules: Annotated[Path, typer.Argument(help="Badge rule file (TOML, see docs/badges.md).")],
) -> None:
    """Validate a badge rule file and list its badges."""
    from renown.badges import load_rules
    from renown.core.errors import RenownError

    try:
        badges = load_rules(rules)
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    for badge in badges:
        console.print(f"{badge.id} ({badge.tier.value}, {badge.award.value}): {badge.description}")
    console.print(f"{len(badges)} badges are valid.")


@badges_app.command("report")
def report(
    dump: Annotated[Path, typer.Argument(help="Stack Exchange dump folder (CSV tables).")],
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the table as Markdown here.")
    ] = None,
) -> None:
    """Evaluate the Stack Exchange badges over DUMP and compare them with its real awards."""
    import polars as pl

    from renown.badges import evaluate
    from renown.badges.stackexchange import agreement, agreement_markdown, load_stackexchange_rules
    from renown.core.errors import RenownError
    from renown.datasets.stackexchange_badges import (
        read_stackexchange_awards,
        read_stackexchange_facts,
    )

    try:
        facts = read_stackexchange_facts(dump)
        site = read_stackexchange_awards(dump)
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    rules = load_stackexchange_rules()
    table = agreement(rules, evaluate(rules, facts), site)
    console.print(_rich_table(table))
    complete = table.filter(pl.col("inputs") == "complete")
    met = complete.filter(pl.col("verdict") != "BELOW 95%").height
    console.print(
        f"{facts.height} facts, {site.height} site awards; "
        f"{met} of {complete.height} badges with complete inputs meet 95% precision and recall."
    )
    if markdown is not None:
        markdown.write_text(agreement_markdown(table), encoding="utf-8")
        console.print(f"wrote {markdown}")


def _rich_table(table: pl.DataFrame) -> Table:
    shown = Table(title="Stack Exchange badges: renown vs the site, by user")
    for header in ("site badge", "inputs", "renown", "site", "both", "precision", "recall"):
        shown.add_column(header, justify="left" if header in ("site badge", "inputs") else "right")
    shown.add_column("verdict")
    for row in table.iter_rows(named=True):
        shown.add_row(
            row["site_badge"],
            row["inputs"],
            str(row["renown_users"]),
            str(row["site_users"]),
            str(row["true_positives"]),
            _percent(row["precision"]),
            _percent(row["recall"]),
            row["verdict"],
        )
    return shown


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
