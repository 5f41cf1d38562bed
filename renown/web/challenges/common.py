"""What every challenge route shares: the clock, who may call which kind of route, and the
look-up of the challenge in the path.

Phases are decided from the clock at the moment someone acts, so routes read the time from
:data:`CLOCK` (one module attribute: a test may replace it, though the challenge tests move
the challenge's dates instead, as a sponsor's calendar would).

The route policies name the roles of :mod:`renown.challenges.roles`; whether *this*
account runs, reviews or entered *this* challenge is the domain's decision.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends, Request, UploadFile

from renown.accounts.principal import Principal
from renown.challenges.access import challenge_for
from renown.challenges.roles import OPERATORS, PARTICIPANTS, POSTERS, REVIEWER_ROLES
from renown.core.clock import SystemClock
from renown.core.errors import InputError
from renown.web.deps import SessionDep
from renown.web.params import RowId
from renown.web.policy import SignInRequired, allow

CLOCK: Final = SystemClock()

Posters = Annotated[Principal, allow(*POSTERS)]
"""Sponsors, HR and administrators: post and run challenges, record payments."""
Participants = Annotated[Principal, allow(*PARTICIPANTS)]
"""Members, employees and managers: register, submit, appeal."""
Reviewers = Annotated[Principal, allow(*REVIEWER_ROLES)]
"""The roles a sponsor may name as a challenge's reviewer."""
AppealAnswerers = Annotated[Principal, allow(*(REVIEWER_ROLES | OPERATORS))]
"""Reviewers answer appeals against their scorecards; administrators may stand in."""
DOWNLOADERS: Final = PARTICIPANTS | POSTERS | REVIEWER_ROLES
"""Who may ever open a submitted file: its author, a reviewer, whoever runs the challenge
(a recruiter never does, so the role is refused outright)."""
Downloaders = Annotated[Principal, allow(*DOWNLOADERS)]


def _seen_challenge(request: Request, challenge_id: RowId, session: SessionDep) -> int:
    """The path's challenge id, once the caller may see that challenge (else 404).

    Declared after the route's policy, it runs before the request's body is read, so an id
    of another organisation (or of another sponsor's draft) is a 404 whatever the body
    holds: a 422 about the body would confirm that the challenge exists.
    """
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):  # the policy did not run first: refuse
        raise SignInRequired()
    challenge_for(session, principal, challenge_id)
    return challenge_id


SeenChallenge = Annotated[int, Depends(_seen_challenge)]
"""A challenge id in the path, checked visible before the body is read."""


async def read_capped(file: UploadFile | None, cap: int) -> tuple[bytes, str]:
    """An uploaded file's bytes (at most ``cap`` + 1 of them) and the name it was sent with.

    The app's body limit is the installation's; a challenge accepts far less, and the domain
    refuses a file over the challenge's own limit by its length. A file over ``cap`` (the
    largest limit any challenge has) is refused here, after reading one byte past the cap,
    so a hostile upload is never held whole in memory. No file at all reads as an empty
    one, which the domain refuses with its reason (after the challenge's visibility, so
    another organisation's id is 404 whatever was sent).
    """
    if file is None:
        return b"", ""
    name = file.filename or ""
    data = await file.read(cap + 1)
    if len(data) > cap:
        sent = f"{file.size:,} bytes" if file.size else f"over {cap:,} bytes"
        raise InputError(
            name[:100] or "(unnamed file)",
            f"is {sent}; no challenge accepts more than {cap:,} bytes ({cap // 2**20} MB)",
        )
    return data, name
