"""The recruiter radar: prospects for recruiters, HR's flight-risk view and its bias audit,
each member's opt-out and what the radar holds on them, the admin's policy (fronts
:mod:`renown.radar`)."""

from renown.web.radar.api import router as api_router
from renown.web.radar.pages import router as page_router

__all__ = ["api_router", "page_router"]
