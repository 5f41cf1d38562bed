"""Scoring runs: history, "score now", event uploads, sources on the server and the
background jobs that do the work (fronts :mod:`renown.jobs`)."""

from renown.web.runs.api import router as api_router
from renown.web.runs.pages import router as page_router

__all__ = ["api_router", "page_router"]
