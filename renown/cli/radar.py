"""``renown radar``: job-change models for an analyst who has a table.

``fit`` learns a :class:`renown.radar.JobChangeModel` from a labelled CSV and prints its
cross-validated metrics beside the baselines; ``predict`` writes each row's probability and
reasons; ``report`` writes held-out ROC and calibration charts and an HTML report;
``survival`` fits a time-to-move model; ``benchmark`` runs the public benchmarks that
``make validate`` prints. scikit-learn is imported inside the commands, so ``renown --help``
stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer
from rich.console import Console

if TYPE_CHECKING:
    import polars as pl

    from renown.radar.evaluation import Comparison
    from renown.radar.tabular import Table

radar_app = typer.Typer(
    help="Recruiter radar: fit, apply and report job-change models on a table.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

INPUT_ERROR: Final = 2
"""Exit code of input that cannot be used (bad labels, missing columns, a bad model file)."""
NOT_BEATEN: Final = 1
"""Exit code of a benchmark the model did not win."""


def _fail(message: str, code: int = INPUT_ERROR) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code=code)


def _read_table(path: Path) -> Table:
    from renown.core.errors import InputError
    from renown.radar.tabular import read_table

    try:
        return read_table(path)
    except InputError as exc:
        raise _fail(str(exc)) from None


def _features(table: Table, drop: Sequence[str]) -> pl.DataFrame:
    present = [name for name in drop if name in table.frame.columns]
    return table.frame.drop(present)


@dataclass(frozen=True)
class _Saved:
    model: Any
    id_column: str | None
    label: str | None


def _load_model(path: Path) -> _Saved:
    from renown.radar.model import JobChangeModel, ModelFileError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = JobChangeModel.from_dict(data)
    except OSError as exc:
        raise _fail(f"cannot read the model {path}: {exc.strerror}") from None
    except (ValueError, ModelFileError) as exc:
        raise _fail(f"{path}: {exc}") from None
    table = data.get("table") or {}
    return _Saved(model, table.get("id"), table.get("label"))


def _check_id(table: Table, id_column: str) -> None:
    from renown.core.errors import InputError

    if id_column not in table.frame.columns:
        raise _fail(
            str(InputError(table.source, "no such column (the id)", line=1, field=id_column))
        )


@radar_app.command("fit")
def fit(
    table_path: Annotated[Path, typer.Argument(metavar="TABLE.csv", help="Labelled table.")],
    label: Annotated[str, typer.Option(help="Column holding whether the person moved.")],
    id_column: Annotated[str, typer.Option("--id", help="Column identifying each row.")],
    out: Annotated[Path, typer.Option(help="Where to write the model (JSON).")],
    categorical: Annotated[
        list[str] | None, typer.Option(help="Treat this column as categorical (repeatable).")
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="The label value that means a move (else 0/1, yes/no).")
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds of the printed metrics.")] = 5,
    evaluate: Annotated[
        bool, typer.Option(help="Print cross-validated metrics beside the baselines.")
    ] = True,
) -> None:
    """Fit a job-change model and print its cross-validated metrics beside the baselines."""
    from renown.core.errors import InputError
    from renown.radar.model import JobChangeModel
    from renown.radar.tabular import parse_labels

    table = _read_table(table_path)
    _check_id(table, id_column)
    try:
        y = parse_labels(table, label, positive)
    except InputError as exc:
        raise _fail(str(exc)) from None
    X = _features(table, [id_column, label])
    model = JobChangeModel(categorical=categorical or None)
    try:
        if evaluate:
            _print_comparison(_cross_validate(model, X, y, folds))
        model.fit(X, y)
    except ValueError as exc:
        raise _fail(f"{table_path}: {exc}") from None
    data = model.to_dict()
    data["table"] = {"id": id_column, "label": label, "positive": positive}
    out.write_text(json.dumps(data, allow_nan=False), encoding="utf-8")
    for note in model.notes_:
        console.print(f"note: {note}", highlight=False)
    console.print(f"{out}: model of {len(model.encoding_.names)} features, {X.height:,} rows")


def _cross_validate(model: Any, X: pl.DataFrame, y: Any, folds: int) -> Comparison:
    from renown.radar.evaluation import baselines, cross_validated

    return cross_validated(
        {"job-change model": model, **baselines(model.categorical)},
        X,
        y,
        folds=folds,
        repeats=1,
    )


def _print_comparison(comparison: Comparison) -> None:
    console.print(comparison.table(), highlight=False)
    for name, won in comparison.beats().items():
        verdict = "beats" if won else "does NOT beat"
        console.print(f"the model {verdict} {name} (higher ROC-AUC, Brier not worse)")


@radar_app.command("predict")
def predict(
    model_path: Annotated[Path, typer.Argument(metavar="MODEL", help="A model from 'fit'.")],
    table_path: Annotated[Path, typer.Argument(metavar="TABLE.csv", help="Rows to score.")],
    out: Annotated[Path, typer.Option(help="Where to write the predictions (CSV).")],
    id_column: Annotated[
        str | None, typer.Option("--id", help="Id column (default: the one used at fit).")
    ] = None,
    top: Annotated[int, typer.Option(help="Reasons per row.")] = 3,
) -> None:
    """Write each row's id, calibrated probability and top reasons."""
    import polars as pl

    saved = _load_model(model_path)
    model = saved.model
    table = _read_table(table_path)
    key = id_column or saved.id_column
    if key is None:
        raise _fail("name the id column with --id")
    _check_id(table, key)
    needed = list(model.encoding_.names)
    lacking = [name for name in needed if name not in table.frame.columns]
    if lacking:
        raise _fail(f"{table_path} lacks column(s) the model was fitted on: {', '.join(lacking)}")
    known = {key, *(str(name) for name in model.feature_names_in_)}
    if saved.label:
        known.add(saved.label)
    extra = [name for name in table.frame.columns if name not in known]
    if extra:
        console.print(f"note: ignored column(s) the model does not know: {', '.join(extra)}")
    try:
        probability = model.predict_proba(table.frame)[:, 1]
        reasons = model.reasons(table.frame, top=top)
    except ValueError as exc:
        raise _fail(f"{table_path}: {exc}") from None
    pl.DataFrame(
        {
            key: table.frame.get_column(key),
            "probability": probability,
            "reasons": ["; ".join(reason.text for reason in row) for row in reasons],
        }
    ).write_csv(out)
    console.print(f"{out}: {table.frame.height:,} rows scored")


@radar_app.command("report")
def report(
    model_path: Annotated[Path, typer.Argument(metavar="MODEL", help="A model from 'fit'.")],
    table_path: Annotated[Path, typer.Argument(metavar="TABLE.csv", help="Labelled rows.")],
    label: Annotated[str, typer.Option(help="Column holding whether the person moved.")],
    out: Annotated[Path, typer.Option(help="Folder for roc.png, calibration.png, report.html.")],
    positive: Annotated[
        str | None, typer.Option(help="The label value that means a move (else 0/1, yes/no).")
    ] = None,
    folds: Annotated[int, typer.Option(help="Folds of the held-out probabilities.")] = 5,
) -> None:
    """Write held-out ROC and calibration charts and an HTML report.

    A clone of the model's settings is cross-validated on the table, so no row is charted by
    a model that saw it.
    """
    from sklearn.base import clone

    from renown.core.errors import InputError
    from renown.radar.evaluation import out_of_fold
    from renown.radar.report import write_report
    from renown.radar.tabular import parse_labels

    saved = _load_model(model_path)
    table = _read_table(table_path)
    try:
        y = parse_labels(table, label, positive)
    except InputError as exc:
        raise _fail(str(exc)) from None
    drop = [label, *([saved.id_column] if saved.id_column else [])]
    X = _features(table, drop)
    try:
        probability = out_of_fold(clone(saved.model), X, y, folds=folds)
    except ValueError as exc:
        raise _fail(f"{table_path}: {exc}") from None
    files = write_report(
        out,
        y,
        probability,
        importance=saved.model.importance_,
        setting=f"out of fold, stratified {folds}-fold cross-validation of the model's settings",
        notes=saved.model.notes_,
    )
    m = files.metrics
    console.print(
        f"ROC-AUC {m.roc_auc:.3f}, PR-AUC {m.pr_auc:.3f}, Brier {m.brier:.4f}, "
        f"top 10% precision {m.precision_top10:.3f}; wrote {files.roc}, {files.calibration}, "
        f"{files.html}"
    )


@radar_app.command("survival")
def survival(
    table_path: Annotated[Path, typer.Argument(metavar="TABLE.csv", help="Table with times.")],
    duration: Annotated[str, typer.Option(help="Column of the time observed (any unit).")],
    event: Annotated[str, typer.Option(help="Column saying whether the time ended in a move.")],
    id_column: Annotated[str, typer.Option("--id", help="Column identifying each row.")],
    out: Annotated[Path, typer.Option(help="Where to write the model (JSON).")],
    positive: Annotated[
        str | None, typer.Option(help="The event value that means a move (else 0/1, yes/no).")
    ] = None,
) -> None:
    """Fit a time-to-move (Cox) model and print its cross-validated concordance."""
    import numpy as np

    from renown.core.errors import InputError
    from renown.radar.survival import TimeToMoveModel, cross_validated_concordance
    from renown.radar.tabular import parse_durations, parse_labels

    table = _read_table(table_path)
    _check_id(table, id_column)
    try:
        events = parse_labels(table, event, positive)
        durations = parse_durations(table, duration)
    except InputError as exc:
        raise _fail(str(exc)) from None
    X = _features(table, [id_column, event, duration])
    try:
        concordance = cross_validated_concordance(X, durations, events)
        model = TimeToMoveModel().fit(X, durations, events.astype(bool))
    except ValueError as exc:
        raise _fail(f"{table_path}: {exc}") from None
    model.save(out)
    console.print(
        f"cross-validated concordance (Harrell's C) {concordance:.3f}; "
        f"{out}: {int(np.sum(events)):,} moves among {X.height:,} rows"
    )


@radar_app.command("benchmark")
def benchmark(
    data_home: Annotated[
        Path, typer.Argument(help="Folder of the public data sets (RENOWN_DATA_HOME).")
    ],
) -> None:
    """Print the model beside the baselines on the public benchmarks (exit 1 if not beaten)."""
    from renown.cli.radar_benchmarks import run_benchmarks

    results = run_benchmarks(data_home)
    for line in results.lines():
        console.print(line, highlight=False)
    if not results.passed:
        raise typer.Exit(code=NOT_BEATEN)


@radar_app.command("import")
def import_snapshots(
    slug: Annotated[str, typer.Argument(help="Organisation to import into.")],
    path: Annotated[
        Path,
        typer.Argument(
            help="Snapshots: a JSONL or CSV file, or a LinkedIn data export (folder or .zip)."
        ),
    ],
    subject: Annotated[
        str | None,
        typer.Option(
            help="Whose LinkedIn export this is: employee id, e-mail or network:handle "
            "(default: the export's primary e-mail address)."
        ),
    ] = None,
    captured_at: Annotated[
        str | None,
        typer.Option(
            "--captured-at",
            help="When the export was downloaded (ISO 8601; default: its newest file's date).",
        ),
    ] = None,
) -> None:
    """Import profile snapshots into an organisation's radar, as HR would on the site
    (idempotent: the same file twice adds nothing; a bad row refuses the whole file).

    Folders (an unpacked LinkedIn export) can only be imported here: the site takes files.
    """
    from datetime import UTC, datetime

    from renown.accounts.principal import Principal
    from renown.cli.org import CLI_ACTOR, _transaction
    from renown.core.errors import RenownError
    from renown.core.roles import Role
    from renown.org.actions import org_by_slug
    from renown.radar.imports import do_store_snapshots
    from renown.radar.reading import read_snapshots

    now = datetime.now(UTC)
    when = None
    if captured_at is not None:
        try:
            when = datetime.fromisoformat(captured_at)
        except ValueError:
            raise _fail(f"--captured-at {captured_at!r} is not an ISO 8601 time") from None
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    try:
        snapshots = read_snapshots(path, captured_at=when, subject=subject, now=now)
        with _transaction() as session:
            org = org_by_slug(session, slug)
            importer = Principal(0, org.id, Role.ADMIN, None, CLI_ACTOR)
            summary = do_store_snapshots(session, importer, snapshots, file=path.name, now=now)
    except RenownError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"{path}: {summary.snapshots:,} snapshots read, {summary.added:,} added, "
        f"{summary.duplicates:,} already held, {summary.erased:,} of erased prospects skipped "
        f"({summary.members} members, {summary.prospects} prospects)"
    )
