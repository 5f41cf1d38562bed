"""The app as an ASGI server imports it: a factory that reads the settings from the environment.

``renown serve --workers N`` (N > 1) hands uvicorn the import string
``renown.web.asgi:create_app_from_env`` because each worker is a fresh process that must
build its own app (an app object cannot be shared between processes). The parent process
passes its settings down through the ``RENOWN_*`` environment variables, so every worker
serves the same database with the same cookie key. Any other ASGI server can use it too:
``uvicorn --factory renown.web.asgi:create_app_from_env``.
"""

from __future__ import annotations

from fastapi import FastAPI

from renown.settings import get_settings
from renown.web.app import create_app


def create_app_from_env() -> FastAPI:
    """Build the web app from ``RENOWN_*`` settings (the database must already be migrated)."""
    return create_app(get_settings())
