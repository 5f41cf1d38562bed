"""``renown talent``: load promotion-board inputs and write bias-audit reports from the shell.

Like ``renown org``, these run without a signed-in account (whoever runs the CLI on the
server controls the database); the audit log records them with the actor ``cli``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from renown.cli.org import CLI_ACTOR, _transaction

talent_app = typer.Typer(
    help="Promotion boards: import talent records and demographics, write audit reports.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        errors.print(f"[bold red]error:[/] cannot read {file}: {exc.strerror}", highlight=False)
        raise typer.Exit(code=1) from None


def _import(slug: str, file: Path, kind: str) -> None:
    from renown.core.errors import RenownError
    from renown.org.actions import org_by_slug
    from renown.talent import imports, records

    data = _read(file)
    now = datetime.now(UTC)
    try:
        with _transaction() as session:
            org = org_by_slug(session, slug)
            if kind == "records":
                summary = imports.do_import_talent_records(
                    session,
                    org.id,
                    records.parse_talent_records(data, source=str(file)),
                    source=str(file),
                    actor=CLI_ACTOR,
                    now=now,
                )
            else:
                summary = imports.do_import_demographics(
                    session,
                    org.id,
                    records.parse_demographics(data, source=str(file)),
                    source=str(file),
                    actor=CLI_ACTOR,
                    now=now,
                )
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    console.print(
        f"{file}: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged"
    )


@talent_app.command("import-records")
def import_records(
    slug: Annotated[str, typer.Argument(help="Organisation to import into.")],
    file: Annotated[Path, typer.Argument(help="Talent records CSV (employee_id,...).")],
) -> None:
    """Import performance ratings, levels, time in role and external prominence (idempotent)."""
    _import(slug, file, "records")


@talent_app.command("import-demographics")
def import_demographics(
    slug: Annotated[str, typer.Argument(help="Organisation to import into.")],
    file: Annotated[Path, typer.Argument(help="Self-reported demographics CSV.")],
) -> None:
    """Import self-reported demographics (read only by fairness audits; idempotent)."""
    _import(slug, file, "demographics")


@talent_app.command("audit")
def audit_round(
    slug: Annotated[str, typer.Argument(help="Organisation of the round.")],
    round_id: Annotated[int, typer.Argument(help="Promotion round id.")],
    out: Annotated[
        Path, typer.Option("--out", help="Write the report here (.csv or .pdf by suffix).")
    ],
) -> None:
    """Write a round's bias-audit report (LL144 form) as CSV or PDF."""
    from renown.accounts.principal import Principal
    from renown.core.errors import RenownError
    from renown.core.roles import Role
    from renown.org.actions import org_by_slug
    from renown.talent.audits import round_audit
    from renown.talent.report_csv import report_csv
    from renown.talent.report_pdf import report_pdf

    if out.suffix not in {".csv", ".pdf"}:
        errors.print("[bold red]error:[/] --out must end in .csv or .pdf", highlight=False)
        raise typer.Exit(code=1)
    try:
        with _transaction() as session:
            org = org_by_slug(session, slug)
            auditor = Principal(0, org.id, Role.ADMIN, None, CLI_ACTOR)
            report = round_audit(session, auditor, round_id, now=datetime.now(UTC))
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    if out.suffix == ".csv":
        out.write_text(report_csv(report), encoding="utf-8")
    else:
        out.write_bytes(report_pdf(report))
    console.print(f"wrote {out} ({len(report.sections)} sections, pool of {report.pool_size})")
