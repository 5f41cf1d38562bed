"""The demo's 360 feedback reads like real feedback: every comment is its own, so no
anonymous summary repeats a named comment word for word (which would look like a leak of
who wrote it), and the demo employee has a self-assessment to compare with others."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from renown.accounts.actions import authenticate
from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.demo.platform import DemoAccounts, demo_password, seed_demo
from renown.demo.texts import feedback_text
from renown.feedback import frameworks
from renown.feedback import queries as feedback
from renown.settings import Settings
from renown.store.tables.feedback import FeedbackItem
from renown.web.feedback.results360 import results_360

PEOPLE = 120


def test_comments_drawn_from_parts_are_unique_and_deterministic() -> None:
    used: set[str] = set()
    texts = [
        feedback_text(np.random.default_rng(7), ["delivery", "craft"], used) for _ in range(300)
    ]
    assert len(set(texts)) == 300
    again = feedback_text(np.random.default_rng(7), ["delivery", "craft"], set())
    assert again == texts[0]
    assert "deliver" in texts[0].lower()


@pytest.fixture
def seeded(engine: sa.Engine, database_url: str, tmp_path: Path) -> DemoAccounts:
    settings = Settings(home=tmp_path / "home", database_url=database_url, secret_key="t")
    return seed_demo(settings, people=PEOPLE)


def _signed_in(demo: DemoAccounts, session: sa.orm.Session, role: Role) -> Principal:
    email = next(a.email for a in demo.accounts if a.role is role)
    principal = authenticate(session, email, demo_password(role))
    assert principal is not None
    return principal


def test_no_anonymous_comment_equals_a_named_one(seeded: DemoAccounts, engine: sa.Engine) -> None:
    with sa.orm.Session(engine) as session, session.begin():
        texts = [
            (text, anonymous)
            for text, anonymous in session.execute(
                sa.select(FeedbackItem.text, FeedbackItem.anonymous).where(FeedbackItem.text != "")
            )
        ]
        named = {text for text, anonymous in texts if not anonymous}
        hidden = [text for text, anonymous in texts if anonymous]
        assert hidden and named
        assert not named & set(hidden)
        assert len(set(hidden)) == len(hidden)  # anonymous ones differ from each other too
        employee = _signed_in(seeded, session, Role.EMPLOYEE)
        view = feedback.received(session, employee)
        shown = {c for aggregate in view.aggregates for c in aggregate.comments}
        assert shown and not shown & {item.text for item in view.named}
        names = {c.key: c.name for c in frameworks.competencies(session, employee.org_id)}
        results = results_360(view, names)
        assert "self" in results.groups and results.self_vs_others
        assert len(feedback.competency_trends(session, employee, employee.person_id or 0)) > 1
