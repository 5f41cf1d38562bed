"""The web product: JSON API under ``/api/v1`` and server-rendered pages."""

from renown.web.app import create_app

__all__ = ["create_app"]
