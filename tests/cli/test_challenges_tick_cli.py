"""``renown challenges tick``: settles a challenge whose winners are due, once."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.accounts.actions import do_create_account, principal_of
from renown.challenges import participation, posting, reviews
from renown.cli.app import app
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.store import make_engine, session_factory, transaction
from renown.store.tables.challenges import Challenge, PrizeLedgerEntry
from tests.challenges.conftest import AFTER, BEFORE, REGISTRATION, REVIEW, reviewed_draft

runner = CliRunner()


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    return {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}


def test_tick_settles_a_due_challenge_once(env: dict[str, str], scratch_url: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    engine = make_engine(scratch_url)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            org = do_create_org(session, "acme", "Acme").id

            def account(email: str, role: Role):  # type: ignore[no-untyped-def]
                made = do_create_account(session, org_id=org, email=email, password=None, role=role)
                session.flush()
                return principal_of(made)

            sponsor = account("s@acme.test", Role.SPONSOR)
            reviewer = account("r@acme.test", Role.MEMBER)
            member = account("m@acme.test", Role.MEMBER)
            cid = posting.check_post_challenge(session, sponsor, reviewed_draft(), BEFORE)
            posting.check_add_reviewer(session, sponsor, cid, "r@acme.test", BEFORE)
            posting.check_publish(session, sponsor, cid, BEFORE)
            participation.check_register(session, member, cid, REGISTRATION)
            sid = participation.check_submit_url(
                session, member, cid, url="https://git.example.org/m/x", now=REGISTRATION
            ).submission_id
            answers = {"requirements": 4, "quality": 4, "completeness": 4, "communication": 4}
            reviews.check_review(
                session, reviewer, cid, sid, answers=answers, comment="", now=REVIEW
            )
        bad = runner.invoke(app, ["challenges", "tick", "--now", "yesterday"], env=env)
        assert bad.exit_code == 2 and "ISO 8601" in bad.output
        first = runner.invoke(app, ["challenges", "tick", "--now", AFTER.isoformat()], env=env)
        assert first.exit_code == 0 and "1 settled" in first.output, first.output
        again = runner.invoke(app, ["challenges", "tick", "--now", AFTER.isoformat()], env=env)
        assert "0 settled" in again.output
        with sessions() as session:
            assert session.scalar(sa.select(Challenge.phase)) == "completed"
            assert session.scalar(sa.select(PrizeLedgerEntry.amount_cents)) == 100_000
    finally:
        engine.dispose()
