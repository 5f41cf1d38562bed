"""``renown org create``, ``import``, ``add-account``, ``erase`` and ``erase-account``: an
organisation from the shell.

These run without a signed-in account (whoever can run the CLI on the server already
controls the database); the audit log records them with the actor ``cli``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from renown.core.roles import Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

org_app = typer.Typer(
    help=(
        "Create organisations, import their org charts, add accounts, erase a person or a"
        " member's account."
    ),
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
CLI_ACTOR = "cli"


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Argument(help="Short id used in URLs, e.g. acme.")],
    name: Annotated[str, typer.Argument(help="Display name, e.g. 'Acme Ltd'.")],
) -> None:
    """Create the organisation SLUG called NAME."""
    from renown.core.errors import RenownError
    from renown.org.actions import do_create_org

    try:
        with _transaction() as session:
            org = do_create_org(session, slug, name, actor=CLI_ACTOR)
            console.print(f"created organisation {org.slug} ({org.name}), id {org.id}")
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None


@org_app.command("import")
def org_import(
    slug: Annotated[str, typer.Argument(help="Organisation to import into.")],
    file: Annotated[Path, typer.Argument(help="Org chart CSV (employee_id,name,...).")],
) -> None:
    """Import an org chart CSV: adds and updates people; never deletes anyone."""
    from renown.core.errors import RenownError
    from renown.org.actions import import_org_file, org_by_slug

    try:
        data = file.read_bytes()
    except OSError as exc:
        errors.print(f"[bold red]error:[/] cannot read {file}: {exc.strerror}", highlight=False)
        raise typer.Exit(code=1) from None
    try:
        with _transaction() as session:
            org = org_by_slug(session, slug)
            report = import_org_file(session, org.id, data, str(file), actor=CLI_ACTOR)
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    console.print(
        f"{file}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.identities_added} identities added"
    )


@org_app.command("add-account")
def org_add_account(
    slug: Annotated[str, typer.Argument(help="Organisation of the account.")],
    email: Annotated[str, typer.Argument(help="The sign-in e-mail address.")],
    role: Annotated[
        Role,
        typer.Option(
            "--role", help="What the account may see and do (admin creates the other accounts)."
        ),
    ],
    employee_id: Annotated[
        str | None,
        typer.Option(
            "--employee-id",
            help="The person of the org chart this account is (one account per person).",
        ),
    ] = None,
    sso_only: Annotated[
        bool,
        typer.Option(
            "--sso-only",
            help="No password: the account signs in only through single sign-on (OIDC).",
        ),
    ] = False,
) -> None:
    """Create an account (the first administrator of a new organisation, say); the password
    is asked for twice, never taken from the command line (shell history keeps that)."""
    import sqlalchemy as sa

    from renown.accounts.actions import do_create_account
    from renown.core.errors import RenownError
    from renown.org.actions import org_by_slug
    from renown.store.tables.org import Person

    password = (
        None if sso_only else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    try:
        with _transaction() as session:
            org = org_by_slug(session, slug)
            person_id = None
            if employee_id is not None:
                person_id = session.scalar(
                    sa.select(Person.id).where(
                        Person.org_id == org.id, Person.employee_id == employee_id
                    )
                )
                if person_id is None:
                    raise RenownError(f"no person {employee_id!r} in {slug}")
            account = do_create_account(
                session,
                org_id=org.id,
                email=email,
                password=password,
                role=role,
                person_id=person_id,
                actor=CLI_ACTOR,
            )
            made = f"created the {account.role} account {account.email} in {org.slug}"
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    console.print(made + (" (single sign-on only)" if sso_only else ""))


@org_app.command("erase")
def org_erase(
    slug: Annotated[str, typer.Argument(help="Organisation of the person.")],
    employee_id: Annotated[str, typer.Argument(help="The person's employee id (HRIS key).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person: nothing in the store, the event lake or the run outputs names them
    afterwards (irreversible). The audit log records it under a pseudonym."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from renown.core.errors import RenownError
    from renown.org.actions import org_by_slug
    from renown.privacy.erase import do_erase_person
    from renown.settings import get_settings
    from renown.store import make_engine
    from renown.store.tables.org import Person

    settings = get_settings()
    engine = make_engine(settings.database)
    try:
        with Session(engine) as session:
            org = org_by_slug(session, slug)
            person = session.scalar(
                sa.select(Person).where(Person.org_id == org.id, Person.employee_id == employee_id)
            )
            if person is None:
                errors.print(f"[bold red]error:[/] no person {employee_id!r} in {slug}")
                raise typer.Exit(code=1)
            if not yes and not typer.confirm(f"Erase {person.name} ({employee_id}) for good?"):
                raise typer.Exit(code=1)
            erasure = do_erase_person(
                session,
                settings,
                org_id=org.id,
                person_id=person.id,
                reason=reason,
                actor=CLI_ACTOR,
            )
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    files = erasure.files
    console.print(
        f"erased {employee_id} of {slug}: recorded as {erasure.pseudonym}; "
        f"{sum(erasure.rows.values())} rows deleted or detached, "
        f"{sum(erasure.scrubbed.values())} texts rewritten, "
        f"{erasure.audit_entries} audit entries redacted, {files.lake_events} lake events, "
        f"{files.score_rows} score rows and {files.uploads} uploads removed"
    )


@org_app.command("erase-account")
def org_erase_account(
    slug: Annotated[str, typer.Argument(help="Organisation of the account.")],
    email: Annotated[str, typer.Argument(help="The account's sign-in e-mail address.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase an account without a person (a challenge community member or a sponsor):
    nothing in the store or the files names it afterwards (irreversible). An account of a
    person of the org chart goes with the person: use ``renown org erase``."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from renown.core.errors import RenownError
    from renown.org.actions import org_by_slug
    from renown.privacy.erase import do_erase_account
    from renown.settings import get_settings
    from renown.store import make_engine
    from renown.store.tables.accounts import Account

    settings = get_settings()
    engine = make_engine(settings.database)
    try:
        with Session(engine) as session:
            org = org_by_slug(session, slug)
            account = session.scalar(
                sa.select(Account).where(
                    Account.org_id == org.id,
                    sa.func.lower(Account.email) == email.strip().lower(),
                )
            )
            if account is None:
                errors.print(f"[bold red]error:[/] no account {email!r} in {slug}", highlight=False)
                raise typer.Exit(code=1)
            if not yes and not typer.confirm(f"Erase the account {account.email} for good?"):
                raise typer.Exit(code=1)
            erasure = do_erase_account(
                session,
                settings,
                org_id=org.id,
                account_id=account.id,
                reason=reason,
                actor=CLI_ACTOR,
            )
    except RenownError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    files = erasure.files
    console.print(
        f"erased the account of {slug}: recorded as {erasure.pseudonym}; "
        f"{sum(erasure.rows.values())} rows deleted or cleared, "
        f"{sum(erasure.scrubbed.values())} texts rewritten, "
        f"{erasure.audit_entries} audit entries redacted, {files.lake_events} lake events, "
        f"{files.score_rows} score rows and {files.uploads} uploads removed"
    )


@contextmanager
def _transaction() -> Iterator[Session]:
    """One write transaction on the configured database (engine closed afterwards)."""
    from renown.settings import get_settings
    from renown.store import make_engine, session_factory, transaction

    engine = make_engine(get_settings().database)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()
