"""Taking part: registering, submitting a file or a repository URL, and opening a submitted
file (fronts :mod:`renown.challenges.participation` and
:func:`renown.challenges.queries.submission_file`).

Uploads are read only up to the largest limit any challenge has
(:func:`renown.web.challenges.common.read_capped`); the challenge's own limit, the file's
type by name *and* content and its name are the domain's checks, made before anything is
written. A submitted file is always served as an attachment, with a content type chosen
from its extension (never the one its uploader's browser claimed) and the sniffing and
scripting of browsers switched off: a member's HTML or SVG must not run on a reviewer's
session.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from renown.challenges import participation, queries
from renown.challenges.participation import SubmissionReceipt
from renown.challenges.posting import MAX_SUBMISSION_BYTES
from renown.core.errors import InputError, Invalid
from renown.web.challenges import common, present
from renown.web.challenges.browse import challenge_page
from renown.web.challenges.common import Downloaders, Participants, SeenChallenge, read_capped
from renown.web.challenges.shapes import Registered, UrlIn
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE, RowId

api = APIRouter(prefix="/challenges", tags=["challenges"], route_class=StrictJsonRoute)
pages = APIRouter()
REFUSALS = (InputError, Invalid)
DOWNLOAD_TYPES = sorted(
    {t.split(";")[0] for t in present.SAFE_DOWNLOAD_TYPES.values()} | {"application/octet-stream"}
)
SubmissionFile = Annotated[
    UploadFile | None, File(description="The submission (the challenge lists types and limit)")
]


def download(filename: str, data: bytes) -> Response:
    """A submitted file as an attachment that no browser renders or runs in renown's origin."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fallback = fallback.replace('"', "_").replace("\\", "_")
    return Response(
        content=data,
        media_type=present.download_type(filename),
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


@api.post("/{challenge_id}/registration")
def register(
    principal: Participants, challenge_id: SeenChallenge, session: SessionDep
) -> Registered:
    """Register for a challenge while registration is open (once; again is a no-op)."""
    registered = participation.check_register(session, principal, challenge_id, common.CLOCK.now())
    session.commit()
    return Registered(registered=registered)


@api.post("/{challenge_id}/submissions")
async def submit_file(
    principal: Participants,
    challenge_id: SeenChallenge,
    session: SessionDep,
    file: SubmissionFile = None,
) -> SubmissionReceipt:
    """Submit a file as your next version; a refused file (too large, wrong type, content
    that is not what its name says, a name with a path) is a 400 naming it, and nothing is
    kept. Data science: the answer holds the public score."""
    data, name = await read_capped(file, MAX_SUBMISSION_BYTES)
    content_type = file.content_type if file is not None else None

    def accept() -> SubmissionReceipt:
        receipt = participation.check_submit_file(
            session,
            principal,
            challenge_id,
            filename=name,
            data=data,
            content_type=content_type,
            now=common.CLOCK.now(),
        )
        session.commit()
        return receipt

    return await run_in_threadpool(accept)


@api.post("/{challenge_id}/submissions/url")
def submit_url(
    principal: Participants, challenge_id: SeenChallenge, body: UrlIn, session: SessionDep
) -> SubmissionReceipt:
    """Submit a repository URL (https, no credentials in it) as your next version."""
    receipt = participation.check_submit_url(
        session, principal, challenge_id, url=body.url, now=common.CLOCK.now()
    )
    session.commit()
    return receipt


@api.get(
    "/submissions/{submission_id}/file",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment",
            "content": {kind: {} for kind in DOWNLOAD_TYPES},
        }
    },
)
def submission_file(submission_id: RowId, principal: Downloaders, session: SessionDep) -> Response:
    """A submitted file: your own, or (once submissions closed) one you review or whose
    challenge you run. Anything else is 404, as if it did not exist."""
    name, _claimed, data = queries.submission_file(
        session, principal, submission_id, common.CLOCK.now()
    )
    return download(name, data)


# --- Pages -----------------------------------------------------------------------------------


@pages.post("/challenges/{challenge_id}/register")
def register_form(
    request: Request, principal: Participants, challenge_id: SeenChallenge, session: SessionDep
) -> Response:
    """Register, and come back to the challenge's page (where the submission form is)."""
    return form_action(
        session,
        lambda: participation.check_register(session, principal, challenge_id, common.CLOCK.now()),
        done=f"/challenges/{challenge_id}?registered=1#submit",
        refused=lambda reason: challenge_page(
            request, principal, session, challenge_id, error=reason, status_code=422
        ),
    )


@pages.post("/challenges/{challenge_id}/submissions")
async def submit_file_form(
    request: Request,
    principal: Participants,
    challenge_id: SeenChallenge,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Upload a file as the next version; a refused file is shown with its reason."""
    try:
        data, name = await read_capped(file, MAX_SUBMISSION_BYTES)
    except InputError as problem:
        reason = str(problem)
        return await run_in_threadpool(
            lambda: challenge_page(
                request, principal, session, challenge_id, error=reason, status_code=400
            )
        )
    content_type = file.content_type if file is not None else None
    return await run_in_threadpool(
        form_action,
        session,
        lambda: participation.check_submit_file(
            session,
            principal,
            challenge_id,
            filename=name,
            data=data,
            content_type=content_type,
            now=common.CLOCK.now(),
        ),
        done=f"/challenges/{challenge_id}?submitted=1#submit",
        refused=lambda reason: challenge_page(
            request, principal, session, challenge_id, error=reason, status_code=400
        ),
        refusals=REFUSALS,
    )


@pages.post("/challenges/{challenge_id}/submissions/url")
def submit_url_form(
    request: Request,
    principal: Participants,
    challenge_id: SeenChallenge,
    session: SessionDep,
    url: Annotated[str, Form(max_length=participation.MAX_URL_CHARS), SINGLE_LINE] = "",
) -> Response:
    """Submit a repository URL as the next version."""
    return form_action(
        session,
        lambda: participation.check_submit_url(
            session, principal, challenge_id, url=url, now=common.CLOCK.now()
        ),
        done=f"/challenges/{challenge_id}?submitted=1#submit",
        refused=lambda reason: challenge_page(
            request, principal, session, challenge_id, error=reason, status_code=422
        ),
    )


@pages.get("/challenges/submissions/{submission_id}/file")
def submission_file_page(
    submission_id: RowId, principal: Downloaders, session: SessionDep
) -> Response:
    """Download a submitted file (the same rules as the API)."""
    name, _claimed, data = queries.submission_file(
        session, principal, submission_id, common.CLOCK.now()
    )
    return download(name, data)
