"""``renown db``, ``renown org`` and ``renown audit`` against a scratch database."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.cli.app import app
from renown.store import make_engine
from renown.store.migrate import head_revision
from tests.org.orgchart import SMALL_CHART, chart

runner = CliRunner()


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    return {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}


def _run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_db_commands_migrate_both_ways(env: dict[str, str]) -> None:
    head = head_revision()
    assert "current: base (empty)" in _run(env, "db", "current")
    assert f"revision {head}" in _run(env, "db", "upgrade")
    assert f"current: {head}" in _run(env, "db", "current") and "up to date" in _run(
        env, "db", "current"
    )
    assert "revision 0001" in _run(env, "db", "downgrade", "--revision", "0001")
    assert "base (empty)" in _run(env, "db", "downgrade", "--revision", "base")
    assert f"revision {head}" in _run(env, "db", "upgrade", "--revision", "head")


def test_org_create_import_and_audit_verify(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "db", "upgrade")
    assert "created organisation acme" in _run(env, "org", "create", "acme", "Acme Ltd")
    _run(env, "org", "create", "acme", "Again", code=1)
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    out = _run(env, "org", "import", "acme", str(people))
    assert "6 created, 0 updated, 0 unchanged" in out
    assert "0 created, 0 updated, 6 unchanged" in _run(env, "org", "import", "acme", str(people))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(chart("e9,Ivy,someday", header="employee_id,name,hired_on"))
    result = runner.invoke(app, ["org", "import", "acme", str(bad)], env=env)
    assert result.exit_code == 1
    assert "line 2" in result.output and "hired_on" in result.output
    bad.write_bytes(b'employee_id,name\ne9,"Ivy\ne10,Ian\ne11,Ida\n')
    result = runner.invoke(app, ["org", "import", "acme", str(bad)], env=env)
    assert result.exit_code == 1
    assert "line 2, field 'name'" in result.output and "never closed" in result.output
    _run(env, "org", "import", "nowhere", str(people), code=1)
    _run(env, "org", "import", "acme", str(tmp_path / "missing.csv"), code=1)
    assert "audit log intact: 3 entries" in _run(env, "audit", "verify")

    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"))
    finally:
        engine.dispose()
    result = runner.invoke(app, ["audit", "verify"], env=env)
    assert result.exit_code == 1
    assert "entry 2: content was changed" in result.output and "NOT intact" in result.output


def test_org_erase_removes_a_person_and_keeps_the_audit_log_intact(
    env: dict[str, str], tmp_path: Path
) -> None:
    _run(env, "db", "upgrade")
    _run(env, "org", "create", "acme", "Acme Ltd")
    _run(env, "org", "create", "other", "Other Ltd")
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    _run(env, "org", "import", "acme", str(people))
    _run(env, "org", "import", "other", str(people))
    _run(env, "org", "erase", "acme", "e2", code=2)  # a reason is required
    declined = runner.invoke(
        app, ["org", "erase", "acme", "e2", "--reason", "x"], input="n\n", env=env
    )
    assert declined.exit_code == 1 and "Erase Ben Lead (e2) for good?" in declined.output
    out = _run(env, "org", "erase", "acme", "e2", "--reason", "Ben Lead asked", "--yes")
    assert "erased e2 of acme: recorded as erased:" in out
    _run(env, "org", "erase", "acme", "e2", "--reason", "again", "--yes", code=1)
    _run(env, "org", "erase", "acme", "nobody", "--reason", "x", "--yes", code=1)
    assert "audit log intact" in _run(env, "audit", "verify")
    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            names = connection.execute(
                sa.text(
                    "SELECT o.slug FROM people p JOIN organisations o ON o.id = p.org_id"
                    " WHERE p.employee_id = 'e2'"
                )
            ).scalars()
            assert list(names) == ["other"]
            payloads = connection.execute(sa.text("SELECT payload FROM audit_log")).scalars()
            assert not any("Ben Lead" in str(p) for p in payloads)
    finally:
        engine.dispose()


def test_org_erase_account_removes_a_member_and_refuses_a_persons_account(
    env: dict[str, str], tmp_path: Path
) -> None:
    from renown.accounts.actions import do_create_account
    from renown.core.roles import Role
    from renown.store import session_factory, transaction
    from renown.store.tables.accounts import Account
    from renown.store.tables.challenges import MemberProfile
    from renown.store.tables.org import Organisation, Person

    _run(env, "db", "upgrade")
    _run(env, "org", "create", "acme", "Acme Ltd")
    _run(env, "org", "create", "other", "Other Ltd")
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    _run(env, "org", "import", "acme", str(people))
    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with transaction(session_factory(engine)) as session:
            acme = session.scalar(sa.select(Organisation.id).where(Organisation.slug == "acme"))
            ben = session.scalar(sa.select(Person.id).where(Person.employee_id == "e2"))
            assert acme is not None and ben is not None
            member = do_create_account(
                session,
                org_id=acme,
                email="cli.member@community.example",
                password=None,
                role=Role.MEMBER,
            )
            session.flush()
            session.add(MemberProfile(account_id=member.id, org_id=acme, display_name="Zed Q"))
            do_create_account(
                session,
                org_id=acme,
                email="ben@acme.example",
                password=None,
                role=Role.EMPLOYEE,
                person_id=ben,
            )
        _run(env, "org", "erase-account", "acme", "cli.member@community.example", code=2)
        declined = runner.invoke(
            app,
            ["org", "erase-account", "acme", "cli.member@community.example", "--reason", "x"],
            input="n\n",
            env=env,
        )
        assert declined.exit_code == 1
        assert "Erase the account cli.member@community.example for good?" in declined.output
        wrong_org = ["org", "erase-account", "other", "cli.member@community.example"]
        _run(env, *wrong_org, "--reason", "x", "--yes", code=1)
        person = _run(
            env,
            "org",
            "erase-account",
            "acme",
            "ben@acme.example",
            "--reason",
            "x",
            "--yes",
            code=1,
        )
        assert "erase the person instead" in person
        out = _run(
            env,
            "org",
            "erase-account",
            "acme",
            "CLI.Member@community.example",
            "--reason",
            "Zed Q asked to be forgotten",
            "--yes",
        )
        assert "erased the account of acme: recorded as erased:" in out
        assert "cli.member" not in out
        again = ["org", "erase-account", "acme", "cli.member@community.example"]
        assert "no account" in _run(env, *again, "--reason", "again", "--yes", code=1)
        assert "audit log intact" in _run(env, "audit", "verify")
        with engine.connect() as connection:
            emails = connection.execute(sa.select(Account.email)).scalars().all()
            assert emails == ["ben@acme.example"]
            payloads = connection.execute(sa.text("SELECT payload FROM audit_log")).scalars()
            assert not any("Zed Q" in str(p) or "cli.member" in str(p) for p in payloads)
    finally:
        engine.dispose()
