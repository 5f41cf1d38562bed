"""The app as an ASGI server imports it: a factory that reads the settings from the environment.

``renown serve --workers N`` (N > 1) hands uvicorn the import string
``renown.web.asgi:create_app_from_env`` because each worker is a fresh process that must
build its own app (an app object cannot be shared between processes). The parent process
passes its settings down through the ``RENOWN_*`` environment variables, so every worker
serves the same database with the same cookie key. Any other ASGI server can use it too:
``uvicorn --factory renown.web.asgi:create_app_from_env``.
"""

from __future__ import annotations

import gc

from fastapi import FastAPI

from renown.settings import get_settings
from renown.web.app import create_app


def create_app_from_env() -> FastAPI:
    """Build the web app from ``RENOWN_*`` settings (the database must already be migrated)."""
    app = create_app(get_settings())
    freeze_startup_heap()
    return app


def freeze_startup_heap() -> None:
    """Hide everything built so far (modules, the app, SQLAlchemy's mappers) from the GC.

    Those objects live as long as the server does, yet every full collection walks all of
    them: with about 270,000 of them that is a pause of well over 100 ms in the middle of
    some unlucky request, which is what a p99 latency measures. Frozen, a full collection
    only walks what the requests themselves left behind. Call it once, when a server
    process has finished starting (not in tests: frozen objects are never collected).
    """
    gc.collect()
    gc.freeze()
