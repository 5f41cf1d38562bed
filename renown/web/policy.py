"""Who may call a route: every route declares it, and undeclared routes refuse to start.

Default deny is enforced twice. Each route depends on exactly one policy from this
module (:func:`allow`, :func:`signed_in` or :func:`public`), which authenticates the
caller and checks the role before the handler runs; and :func:`assert_every_route_declared`
runs when the app is created, so a route added without a policy stops the app from
starting instead of silently serving everyone.

Cookie-authenticated requests that change state must also carry the session's CSRF
token (form field ``csrf_token`` or header ``X-CSRF-Token``); bearer-token requests are
not exposed to CSRF because browsers never attach the token on their own.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, HTTPException, Request, status
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute, Mount

from renown.accounts.actions import principal_for_token, record_token_use
from renown.accounts.principal import Principal
from renown.accounts.sessions import SessionLimits, do_touch_session, live_session
from renown.core.roles import PEOPLE_ADMIN_ROLES, STAFF_ROLES, Role
from renown.store.engine import transaction
from renown.web.deps import SAFE_METHODS, SessionDep

logger = logging.getLogger(__name__)
POLICY_ATTRIBUTE = "__renown_policy__"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# The name of a cookie key:
SESSION_TOKEN = "session"  # nosec B105
"""Cookie key of the server-side session's token (:mod:`renown.accounts.sessions`)."""
SESSION_CSRF = "csrf"
DOCUMENTATION_PREFIX = "/api/v1/"
"""FastAPI's own OpenAPI document and docs page are public on purpose: the API's shape is
not a secret, and every operation they describe is still protected."""


class SignInRequired(HTTPException):
    """401: no valid session or token (pages turn this into a redirect to sign in)."""

    def __init__(self) -> None:
        super().__init__(
            status.HTTP_401_UNAUTHORIZED,
            "sign in first",
            headers={"WWW-Authenticate": "Bearer"},
        )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


async def _check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_CSRF)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected, given):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


async def _authenticate(
    request: Request, session: Session, background: BackgroundTasks
) -> Principal | None:
    """Principal from a bearer token or the session cookie (token wins).

    ``session`` is the request's own session (the route gets the same one): for a
    state-changing request it is already a writer's, so authenticating and writing happen
    in one transaction that holds its turn to write from the start.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = principal_for_token(session, header[7:].strip())
        if found is None:
            raise SignInRequired()
        if found.use_due:
            background.add_task(_record_token_use, request.app.state.sessions, found.token_id)
        return found.principal
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None
    now = datetime.now(UTC)
    live = live_session(session, token, now=now, limits=session_limits(request))
    if live is None:  # signed out, timed out, ended elsewhere or account deactivated
        request.session.clear()
        return None
    if live.touch_due:
        background.add_task(_touch_session, request.app.state.sessions, live.session_id, now)
    await _check_csrf(request)
    return live.principal


def session_limits(request: Request) -> SessionLimits:
    """The idle and absolute timeouts of web sessions, from the app's settings."""
    settings = request.app.state.settings
    return SessionLimits(
        idle=timedelta(seconds=settings.session_idle_seconds),
        absolute=timedelta(seconds=settings.session_max_age_seconds),
    )


def _touch_session(sessions: sessionmaker[Session], session_id: int, now: datetime) -> None:
    """After the answer is sent: note the session's use (at most once a minute)."""
    try:
        with transaction(sessions) as session:
            do_touch_session(session, session_id, now)
    except OperationalError:
        # Bookkeeping only; the next request tries again, well inside the idle timeout.
        logger.warning("could not note the use of web session %s", session_id, exc_info=True)


def _record_token_use(sessions: sessionmaker[Session], token_id: int) -> None:
    """After the answer is sent: note the token's use in a write transaction of its own."""
    try:
        with transaction(sessions) as session:
            record_token_use(session, token_id, datetime.now(UTC))
    except OperationalError:
        # Bookkeeping only: with the database busy, the token's next use tries again.
        logger.warning("could not note the use of API token %s", token_id, exc_info=True)


def _mark(dependency: Callable[..., Awaitable[Any]], kind: str) -> Any:
    setattr(dependency, POLICY_ATTRIBUTE, kind)
    return Depends(dependency)


async def _signed_in(
    request: Request, session: SessionDep, background: BackgroundTasks
) -> Principal:
    """The caller's account (401 anonymous), kept on the request so that an error page
    still shows who is signed in."""
    principal = await _authenticate(request, session, background)
    if principal is None:
        raise SignInRequired()
    request.state.principal = principal
    return principal


def allow(*roles: Role) -> Any:
    """Only signed-in accounts holding one of ``roles`` (401 anonymous, 403 other roles)."""
    admitted = frozenset(roles)
    if not admitted:
        raise ValueError("allow() needs at least one role; use signed_in() for any account")

    async def policy(
        request: Request, session: SessionDep, background: BackgroundTasks
    ) -> Principal:
        principal = await _signed_in(request, session, background)
        if principal.role not in admitted:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")
        return principal

    return _mark(policy, "roles:" + ",".join(sorted(r.value for r in admitted)))


def signed_in() -> Any:
    """Any signed-in account, whatever its role (its own data only)."""

    async def policy(
        request: Request, session: SessionDep, background: BackgroundTasks
    ) -> Principal:
        return await _signed_in(request, session, background)

    return _mark(policy, "signed-in")


def public() -> Any:
    """Anyone, signed in or not; state-changing public routes still need the CSRF token."""

    async def policy(
        request: Request, session: SessionDep, background: BackgroundTasks
    ) -> Principal | None:
        principal = await _authenticate(request, session, background)
        if principal is None:
            await _check_csrf(request)
        request.state.principal = principal
        return principal

    return _mark(policy, "public")


Staff = Annotated[Principal, allow(*STAFF_ROLES)]
"""The organisation's own people: employees, managers, HR, recruiters and admins."""
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
"""HR and admins."""
Admin = Annotated[Principal, allow(Role.ADMIN)]
SignedIn = Annotated[Principal, signed_in()]


def route_policy(route: APIRoute) -> str | None:
    """The policy a route declared, or ``None``."""
    found = [
        getattr(dep.call, POLICY_ATTRIBUTE)
        for dep in route.dependant.dependencies
        if hasattr(dep.call, POLICY_ATTRIBUTE)
    ]
    if len(found) > 1:
        raise RuntimeError(f"route {route.path} declares more than one policy: {found}")
    return found[0] if found else None


@dataclass(frozen=True)
class DeclaredRoute:
    """A route as served (full path, after router prefixes) and its policy."""

    methods: frozenset[str]
    path: str
    policy: str | None
    route: BaseRoute


def served_routes(routes: Sequence[BaseRoute]) -> Iterator[DeclaredRoute]:
    """Every route the app serves, with included routers flattened.

    FastAPI keeps included routers as lazy branches; ``iter_route_contexts`` resolves them
    to the routes and full paths that requests are matched against.
    """
    for context in iter_route_contexts(routes):
        original = context.original_route
        path = str(context.path or getattr(original, "path", ""))
        methods = frozenset(getattr(original, "methods", None) or ())
        policy = route_policy(original) if isinstance(original, APIRoute) else None
        yield DeclaredRoute(methods, path, policy, original)


def assert_every_route_declared(routes: Sequence[BaseRoute], allowed_mounts: set[str]) -> None:
    """Refuse to build an app with a route that does not say who may call it."""
    for served in served_routes(routes):
        if isinstance(served.route, APIRoute):
            if served.policy is None:
                raise RuntimeError(
                    f"route {sorted(served.methods)} {served.path} declares no policy"
                )
        elif isinstance(served.route, Mount):
            if served.path not in allowed_mounts:
                raise RuntimeError(f"unexpected mount {served.path}")
        elif not served.path.startswith(DOCUMENTATION_PREFIX):
            raise RuntimeError(f"route {served.path!r} is not a policy route")
