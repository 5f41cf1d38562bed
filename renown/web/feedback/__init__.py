"""360° feedback on the web: giving, requesting and answering feedback, reading it (named
items, anonymous answers only as whole releases), HR's settings, notifications, and the
outside rater's link. Fronts :mod:`renown.feedback`, which decides who may see what."""

from fastapi import APIRouter

from renown.web.feedback import about_picker, pages, pages_requests
from renown.web.feedback.api import router as api_router

page_router = APIRouter()
page_router.include_router(pages.router)
page_router.include_router(pages_requests.router)
page_router.include_router(about_picker.router)

__all__ = ["api_router", "page_router"]
