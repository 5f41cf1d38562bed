"""The form helper keeps a form's action all or nothing: refused means nothing was kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from renown.core.errors import InputError, Invalid, NotFound
from renown.web.forms import form_action


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
    with Session(engine) as opened:
        yield opened
    engine.dispose()


def _bodies(session: Session) -> list[str]:
    return list(session.execute(text("SELECT body FROM notes")).scalars())


def _write_then(session: Session, error: Exception | None) -> None:
    session.execute(text("INSERT INTO notes VALUES ('kept?')"))
    if error is not None:
        raise error


def _form_again(reason: str) -> Response:
    return HTMLResponse(reason, status_code=422)


def test_an_action_that_holds_is_committed_and_redirects_with_see_other(session: Session) -> None:
    answer = form_action(
        session, lambda: _write_then(session, None), done="/next", refused=_form_again
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/next")
    session.rollback()  # a commit already happened: nothing left to lose
    assert _bodies(session) == ["kept?"]


def test_a_refused_action_keeps_nothing_and_shows_the_reason(session: Session) -> None:
    seen: list[list[str]] = []

    def refused(reason: str) -> Response:
        seen.append(_bodies(session))  # the form is drawn from the database as it was
        return _form_again(reason)

    answer = form_action(
        session, lambda: _write_then(session, Invalid("too long")), done="/x", refused=refused
    )
    assert (answer.status_code, answer.body) == (422, b"Too long.")  # as a sentence
    assert seen == [[]]
    assert _bodies(session) == []


def test_done_may_render_after_the_commit(session: Session) -> None:
    answer = form_action(
        session,
        lambda: _write_then(session, None),
        done=lambda: HTMLResponse(str(len(_bodies(session)))),
        refused=_form_again,
    )
    assert answer.body == b"1"


def test_other_refusals_are_named_and_the_rest_propagate(session: Session) -> None:
    answer = form_action(
        session,
        lambda: _write_then(
            session, InputError("people.csv", "not a date", line=3, field="hired_on")
        ),
        done="/x",
        refused=_form_again,
        refusals=(InputError,),
    )
    assert answer.status_code == 422
    with pytest.raises(NotFound):
        form_action(
            session,
            lambda: _write_then(session, NotFound("no such")),
            done="/x",
            refused=_form_again,
        )
