"""``renown validate`` and ``renown tune``: the score against labels an organisation trusts.

Both call :mod:`renown.validation` and print its result; a problem with the user's input
is one line naming file, line and field, with exit code 2. ``renown tune`` also exits 2,
with a plain sentence, when the tuned weights do not beat the defaults on held-out people.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from renown.cli.sources import parse_mapping
from renown.core.errors import RenownError
from renown.validation.labels import DEFAULT_ID, DEFAULT_LABEL

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

LabelsOption = Annotated[
    Path,
    typer.Option("--labels", help="CSV/TSV of trusted labels (numeric: level, rating, count)."),
]
IdOption = Annotated[str, typer.Option("--id", help="Column of LABELS holding the person id.")]
LabelOption = Annotated[str, typer.Option("--label", help="Column of LABELS holding the label.")]
AliasesOption = Annotated[
    Path | None,
    typer.Option("--aliases", help="CSV alias,person: identifiers merged before anything else."),
]
FormatOption = Annotated[
    str | None, typer.Option("--source-format", help="Force the events' input format.")
]
MappingOption = Annotated[
    str | None,
    typer.Option("--mapping", help="Column mapping for tabular events, e.g. actor=from,target=to."),
]


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except (RenownError, ValueError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        errors.print(f"[bold red]error:[/] {message}", highlight=False)
        raise typer.Exit(code=2) from None


def validate(
    source: Annotated[
        Path,
        typer.Argument(
            help="Events (anything 'renown score' reads) or a scores file 'renown score' wrote."
        ),
    ],
    labels: LabelsOption,
    id_column: IdOption = DEFAULT_ID,
    label_column: LabelOption = DEFAULT_LABEL,
    top_from: Annotated[
        float | None,
        typer.Option(
            "--top-from", help="Labels from this value up are the top (default: the highest)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the report as Markdown here.")
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option("--weights", help="WEIGHTS.toml to score events with (default weights)."),
    ] = None,
    aliases: AliasesOption = None,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="With a scores file: its events, for the baselines."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap resamples.")] = 0,
    source_format: FormatOption = None,
    mapping: MappingOption = None,
) -> None:
    """Validate the score, each component and simple baselines against LABELS.

    Metrics: AUC of the top labels vs the rest, Spearman, pairwise accuracy and precision at
    the top decile, each with a 95% bootstrap interval over people.
    """
    from renown.validation.cleaning import read_aliases
    from renown.validation.inputs import read_event_frame, read_scores_file
    from renown.validation.labels import read_labels
    from renown.validation.report import format_table, to_json, to_markdown
    from renown.validation.validate import validate_events, validate_scores
    from renown.validation.weights_file import read_weights

    with _user_errors():
        trusted = read_labels(labels, id_column=id_column, label_column=label_column)
        alias_map = read_aliases(aliases) if aliases else None
        columns = parse_mapping(mapping)
        scores = read_scores_file(source) if columns is None and source_format is None else None
        if scores is not None:
            if weights is not None:
                raise ValueError(
                    "--weights applies to events; a scores file already has its weights"
                )
            if events is None:
                errors.print(
                    "note: no baselines for a scores file without --events EVENTS "
                    "(the events it was scored from)",
                    highlight=False,
                )
            report = validate_scores(
                scores,
                trusted,
                source=str(source),
                events=read_event_frame(events, source_format, columns) if events else None,
                aliases=alias_map,
                top_from=top_from,
                seed=seed,
            )
        else:
            chosen = read_weights(weights).weights if weights else None
            report = validate_events(
                read_event_frame(source, source_format, columns),
                trusted,
                weights=chosen,
                aliases=alias_map,
                top_from=top_from,
                seed=seed,
            )
        for note in report.notes:
            if "match nobody" in note:
                errors.print(f"[yellow]warning:[/] {note}", highlight=False)
        if markdown is not None:
            markdown.write_text(to_markdown(report), encoding="utf-8")
        if as_json:
            typer.echo(to_json(report), nl=False)
        else:
            typer.echo(format_table(report), nl=False)


def tune(
    events: Annotated[Path, typer.Argument(help="Events (anything 'renown score' reads).")],
    labels: LabelsOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="WEIGHTS.toml to write.")],
    id_column: IdOption = DEFAULT_ID,
    label_column: LabelOption = DEFAULT_LABEL,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="First of the cross-validation seeds.")] = 0,
    aliases: AliasesOption = None,
    source_format: FormatOption = None,
    mapping: MappingOption = None,
) -> None:
    """Fit component weights to LABELS with cross-validation; write them only if they help.

    Exit code 2 (and no file) when the held-out gain over the default weights has a 95%
    interval that does not lie above zero.
    """
    from renown.validation.cleaning import clean_events, read_aliases
    from renown.validation.inputs import read_event_frame
    from renown.validation.labels import merge_label_aliases, read_labels
    from renown.validation.tune import describe, tune_weights
    from renown.validation.validate import score_for_validation
    from renown.validation.weights_file import write_weights

    with _user_errors():
        trusted = read_labels(labels, id_column=id_column, label_column=label_column)
        alias_map = read_aliases(aliases) if aliases else None
        frame = read_event_frame(events, source_format, parse_mapping(mapping))
        cleaned = clean_events(frame, alias_map)
        trusted = merge_label_aliases(trusted, alias_map)
        outcome = tune_weights(score_for_validation(cleaned), trusted, folds=folds, seed=seed)
    typer.echo(describe(outcome), nl=False)
    if not outcome.recommended:
        errors.print(
            f"Not writing {out}: the tuned weights do not reliably beat the defaults on "
            "people they were not fitted to.",
            highlight=False,
        )
        raise typer.Exit(code=2)
    write_weights(out, outcome)
    typer.echo(f"wrote {out}")
