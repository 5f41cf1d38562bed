"""Server-rendered pages (Jinja2 + htmx). Each route declares its policy like the API.

One import and one ``include_router`` line per page module, so that modules can be added
without touching each other's lines.
"""

from fastapi import APIRouter

from renown.web.account import page_router as account_router
from renown.web.pages.feedback import router as feedback_router
from renown.web.pages.recognition import router as recognition_router
from renown.web.people import page_router as people_router
from renown.web.privacy import page_router as privacy_router
from renown.web.runs import page_router as runs_router
from renown.web.talent import page_router as talent_router

router = APIRouter(include_in_schema=False)
router.include_router(account_router)
router.include_router(people_router)
router.include_router(runs_router)
router.include_router(feedback_router)
router.include_router(recognition_router)
router.include_router(talent_router)
router.include_router(privacy_router)

__all__ = ["router"]
