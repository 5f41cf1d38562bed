"""A page's form that FastAPI's validation refuses comes back filled in, the reason beside
its field.

Form routes state their fields' types and limits in their signature (``Form(max_length=…)``,
a date, a choice) and FastAPI checks them before the route runs. For the API that 422 is
right; for a person it was the bare error page, and everything typed was lost (a long text
pasted past the box's ``maxlength``, a value changed in the browser's tools). A page's
route marked :func:`refills` names the function drawing its form again from what was posted
(the same function its domain refusals use, so both show what was typed the same way), and
the validation error handler (:mod:`renown.web.errors`) calls it through :func:`refill` with
the problem as a :class:`~renown.web.form_errors.FormError` tied to the field the page shows
it beside. Routes not marked (every JSON route) answer as before.

The form is drawn only after the route's policy let the caller in (FastAPI runs the policy
before it reports the body's problems; without a principal on the request nothing is
drawn), with a reader's session of its own: the route's session closed with the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from renown.accounts.principal import Principal
from renown.core.errors import RenownError
from renown.web.deps import reading_session
from renown.web.form_errors import FormError, issue_sentence
from renown.web.issues import printable
from renown.web.params import MAX_ID

Redraw = Callable[[Request, Principal, Session, FormData, FormError], Response]
"""Draw a form again: the request, its caller, a session, what was posted, and why not."""
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
REFILL_ATTRIBUTE: Final = "_renown_refill"
MAX_KEPT: Final = 100_000
"""Longer values are not shown back (the body limit keeps them far shorter anyway)."""
TRUE_WORDS: Final = frozenset({"true", "on", "1", "yes"})


@dataclass(frozen=True)
class _Refill:
    redraw: Redraw
    fields: Mapping[str, str]


def refills(redraw: Redraw, fields: Mapping[str, str]) -> Callable[[Endpoint], Endpoint]:
    """Mark a page's form route: when FastAPI refuses its fields, ``redraw`` shows the form
    again. ``fields`` maps posted names to the names the page ties errors to (its
    ``field_attrs``); a problem with a field not listed is shown in the form's summary only.
    Put it under the route decorator."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, REFILL_ATTRIBUTE, _Refill(redraw, dict(fields)))
        return endpoint

    return mark


def problem(issues: Sequence[Mapping[str, Any]], fields: Mapping[str, str]) -> FormError:
    """The problem to show: the first one about a field the page shows, else the first."""
    for issue in issues:
        name = _posted_name(issue)
        if name is not None and name in fields:
            return FormError(issue_sentence(issue), fields[name])
    return FormError(issue_sentence(issues[0]) if issues else "This form cannot be read")


def _posted_name(issue: Mapping[str, Any]) -> str | None:
    names = [part for part in issue.get("loc", ()) if isinstance(part, str) and part != "body"]
    return names[0] if names else None


async def refill(
    request: Request, body: object, issues: Sequence[Mapping[str, Any]]
) -> Response | None:
    """The form of a marked route drawn again with ``body`` (the posted form) and the first
    of ``issues``; None where there is no form to draw (the caller answers as before)."""
    marked = getattr(request.scope.get("endpoint"), REFILL_ATTRIBUTE, None)
    principal = getattr(request.state, "principal", None)
    if not (
        isinstance(marked, _Refill)
        and isinstance(principal, Principal)
        and isinstance(body, FormData)
    ):
        return None
    error = problem(issues, marked.fields)
    async with reading_session(request) as session:
        try:
            return await run_in_threadpool(marked.redraw, request, principal, session, body, error)
        except RenownError:  # the form itself cannot be shown (a person gone from view)
            return None


# --- What was posted, as the form shows it back --------------------------------------------


async def _posted(request: Request) -> FormData:
    return await request.form()  # read once already by FastAPI: this is its copy


PostedForm = Annotated[FormData, Depends(_posted)]
"""The form as posted, for a route to draw it again with what was typed."""


def posted_text(posted: FormData, name: str, default: str = "") -> str:
    """The text posted as ``name`` (``default`` if none), safe to write into a page."""
    value = posted.get(name)
    return _shown(value) if isinstance(value, str) else default


def posted_texts(posted: FormData, name: str) -> list[str]:
    """Every text posted as ``name`` (checkboxes, selects of several, repeated inputs)."""
    return [_shown(value) for value in posted.getlist(name) if isinstance(value, str)]


def posted_flag(posted: FormData, name: str) -> bool:
    """Whether the checkbox ``name`` was ticked."""
    return posted_text(posted, name).strip().lower() in TRUE_WORDS


def posted_id(posted: FormData, name: str) -> int | None:
    """The id posted as ``name``, or None if it is not one."""
    return as_id(posted_text(posted, name))


def posted_ids(posted: FormData, name: str) -> list[int]:
    """The ids posted as ``name``, in order, each once (values that are not ids left out)."""
    ids = (as_id(value) for value in posted_texts(posted, name))
    return list(dict.fromkeys(i for i in ids if i is not None))


def as_id(text: str) -> int | None:
    """``text`` as a row id (a positive 32-bit integer), or None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def _shown(text: str) -> str:
    return printable(text.replace("\x00", ""), MAX_KEPT)
