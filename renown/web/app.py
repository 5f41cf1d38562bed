"""The application factory: one function builds the whole web product from settings.

``create_app(settings)`` opens the store, wires sessions, templates, static files, the API
and the pages, and checks that every route declares who may call it. Nothing here runs at
import time, so tests build as many apps (on as many databases) as they like.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from renown._version import __version__
from renown.settings import Settings
from renown.store.engine import checkout_may_wait, make_engine, session_factory
from renown.store.turns import Turns
from renown.web import dates, form_errors
from renown.web.api_errors import ERROR_RESPONSES
from renown.web.errors import install_error_handlers
from renown.web.labels import label_globals
from renown.web.limits import BodySizeLimit, SecurityHeaders
from renown.web.policy import assert_every_route_declared, csrf_token
from renown.web.sso import sso_router

HERE = Path(__file__).parent
API_PREFIX = "/api/v1"
WAITING_THREADS = 256
"""Threads that may wait at once for a turn to write or a database connection (more queue
in the pool, in order); they wait only, so they never take a handler's thread."""


def _principal(request: Request) -> dict[str, Any]:
    """Every template sees who is signed in (set by the route's policy)."""
    return {"principal": getattr(request.state, "principal", None)}


def _with_links(app: FastAPI) -> None:
    """Serve the OpenAPI document with its links (see ``renown.web.openapi_links``)."""
    from renown.web.openapi_links import add_links

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(FastAPI.openapi(app), API_PREFIX)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension


def create_app(settings: Settings) -> FastAPI:
    """Build the renown web app for ``settings`` (the database must already be migrated)."""
    from renown.web.features import FEATURES

    app = FastAPI(
        title="renown",
        version=__version__,
        summary="Social talent intelligence: explained prominence scores for your organisation.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # FastAPI's interactive docs page loads its scripts from a CDN; renown serves no
        # third-party scripts it does not vendor, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
    )
    settings.private_home()  # an older version may have left it readable by everyone
    engine = make_engine(settings.database)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.write_turns = Turns()
    app.state.checkout_may_wait = checkout_may_wait(engine)
    app.state.waiting_threads = ThreadPoolExecutor(
        max_workers=WAITING_THREADS, thread_name_prefix="renown-wait"
    )
    templates = Jinja2Templates(directory=HERE / "templates", context_processors=[_principal])
    # Templates ship with the package and change only with it: without this, every render
    # stats each template file (page, base, macros) to see whether it was edited.
    templates.env.auto_reload = False
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["version"] = __version__
    templates.env.globals.update(label_globals())
    dates.install(templates.env)
    form_errors.install(templates.env)
    app.state.templates = templates

    for feature in FEATURES:
        if feature.api_router is not None:
            app.include_router(feature.api_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
        if feature.page_router is not None:
            app.include_router(feature.page_router, include_in_schema=False)
    single_sign_on = sso_router(settings)
    if single_sign_on is not None:
        app.include_router(single_sign_on)
    templates.env.globals["sso_enabled"] = single_sign_on is not None
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    install_error_handlers(app)
    _with_links(app)

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie="renown_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    assert_every_route_declared(app.routes, allowed_mounts={"/static"})
    return app
