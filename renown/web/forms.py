"""The one way a page's form changes something: act, then commit and answer, or roll back
and show the form again with the domain's reason.

Every form POST of the pages used to spell this out by hand (try, roll back, re-render,
commit, redirect), and a route that forgot the rollback re-rendered the form with half an
action still pending in its session. A route now says only what it does, where to go when
it is done, and how to show the form again::

    return form_action(
        session,
        lambda: actions.check_give_kudos(session, principal, receiver_id, message, clock=CLOCK),
        done="/kudos?given=1",
        refused=lambda reason: _wall(request, principal, session, error=reason),
    )

Refusals the person can fix (:class:`~renown.core.errors.Invalid` by default; a route may
name others, such as :class:`~renown.core.errors.InputError` for an uploaded file) come back
as the form with the reason (the re-render answers 422). Anything else propagates to the
error pages with nothing committed: the request's session rolls back when it closes.
The reason reaches ``refused`` as a :class:`~renown.web.form_errors.FormError`: a sentence
that knows the field it is about, so the form can show it beside that field.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from renown.core.errors import Invalid, RenownError
from renown.web.form_errors import form_error

SEE_OTHER = 303
"""After a successful POST the browser GETs the next page (no resubmission on reload)."""


def see_other(location: str) -> RedirectResponse:
    """Send the browser on to ``location`` after a successful form (303 See Other)."""
    return RedirectResponse(location, status_code=SEE_OTHER)


def form_action(
    session: Session,
    act: Callable[[], object],
    *,
    done: str | Callable[[], Response],
    refused: Callable[[str], Response],
    refusals: tuple[type[RenownError], ...] = (Invalid,),
) -> Response:
    """Run ``act`` in the request's transaction and commit it, then answer ``done`` (a path
    to redirect to, or a function that renders the answer after the commit).

    If ``act`` raises one of ``refusals``, nothing it did is kept (rolled back before the
    form is drawn again, so the re-render reads the database as it was) and ``refused``
    draws the form with the reason.
    """
    try:
        act()
    except refusals as refusal:
        session.rollback()
        return refused(form_error(refusal))
    session.commit()
    return see_other(done) if isinstance(done, str) else done()
