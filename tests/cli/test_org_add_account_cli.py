"""``renown org add-account``: the first administrator of a real organisation, from the shell.

The README's set-up for a real organisation starts here (no account exists yet, so nobody
can create one through the web): the account signs in with the password typed twice, is
tied to its person by employee id, and one made for single sign-on has no password at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from renown.accounts.actions import authenticate
from renown.cli.app import app
from renown.core.roles import Role
from renown.store import make_engine
from renown.store.tables.accounts import Account
from tests.org.orgchart import SMALL_CHART

runner = CliRunner()
PASSWORD = "quartz-meadow-lantern-91"


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    env = {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}
    for args in (["db", "upgrade"], ["org", "create", "acme", "Acme Ltd"]):
        assert runner.invoke(app, args, env=env).exit_code == 0
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    assert runner.invoke(app, ["org", "import", "acme", str(people)], env=env).exit_code == 0
    return env


def _accounts(url: str) -> list[tuple[str, str, str | None]]:
    """(email, role, employee id of its person) of every account."""
    from renown.store.tables.org import Person

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                sa.select(Account.email, Account.role, Person.employee_id)
                .outerjoin(Person, Person.id == Account.person_id)
                .order_by(Account.id)
            )
            return [(email, role, employee) for email, role, employee in rows]
    finally:
        engine.dispose()


def test_the_first_administrator_signs_in_with_the_password_typed_twice(
    env: dict[str, str], scratch_url: str
) -> None:
    result = runner.invoke(
        app,
        ["org", "add-account", "acme", "Ada@Example.com", "--role", "admin", "--employee-id", "e1"],
        env=env,
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "created the admin account ada@example.com in acme" in result.output
    assert PASSWORD not in result.output
    assert _accounts(scratch_url) == [("ada@example.com", "admin", "e1")]
    engine = make_engine(scratch_url)
    try:
        with Session(engine) as session:
            signed_in = authenticate(session, "ada@example.com", PASSWORD)
            assert signed_in is not None and signed_in.role is Role.ADMIN
            assert authenticate(session, "ada@example.com", "not-the-password-at-all") is None
    finally:
        engine.dispose()


def test_an_sso_only_account_has_no_password(env: dict[str, str], scratch_url: str) -> None:
    result = runner.invoke(
        app, ["org", "add-account", "acme", "hr@example.com", "--role", "hr", "--sso-only"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "single sign-on only" in result.output
    assert _accounts(scratch_url) == [("hr@example.com", "hr", None)]
    engine = make_engine(scratch_url)
    try:
        with Session(engine) as session:
            stored = session.scalar(sa.select(Account.password_hash))
            assert stored is None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--employee-id", "e99"], "no person 'e99' in acme"),
        (["--role", "boss"], "'boss' is not one of"),
    ],
)
def test_refusals_are_sentences_and_create_nothing(
    env: dict[str, str], scratch_url: str, args: list[str], said: str
) -> None:
    role = [] if "--role" in args else ["--role", "employee"]
    result = runner.invoke(
        app,
        ["org", "add-account", "acme", "dan@example.com", *role, *args],
        env=env,
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code != 0
    assert said in " ".join(result.output.split())
    assert _accounts(scratch_url) == []


def test_a_second_account_for_one_person_is_refused(env: dict[str, str], scratch_url: str) -> None:
    for email, code in (("dan@example.com", 0), ("dan.again@example.com", 1)):
        result = runner.invoke(
            app,
            ["org", "add-account", "acme", email, "--role", "employee", "--employee-id", "e4"],
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert result.exit_code == code, result.output
    assert "already has an account" in result.output
    assert _accounts(scratch_url) == [("dan@example.com", "employee", "e4")]
