"""Server-rendered pages (Jinja2 + htmx). Each route declares its policy like the API.

One import and one ``include_router`` line per page module, so that modules can be added
without touching each other's lines.
"""

from fastapi import APIRouter

from renown.web.feedback import page_router as feedback_router
from renown.web.pages.account import router as account_router
from renown.web.pages.auth import router as auth_router
from renown.web.pages.demographics import router as demographics_router
from renown.web.pages.home import router as home_router
from renown.web.pages.leaderboard import router as leaderboard_router
from renown.web.pages.network import router as network_router
from renown.web.pages.people import router as people_router
from renown.web.pages.privacy import router as privacy_router
from renown.web.pages.runs import router as runs_router
from renown.web.pages.security import router as security_router
from renown.web.pages.talent import router as talent_router
from renown.web.pages.talent_audit import router as talent_audit_router
from renown.web.pages.talent_calibration import router as talent_calibration_router
from renown.web.pages.talent_succession import router as talent_succession_router
from renown.web.pages.talent_whatif import router as talent_whatif_router
from renown.web.recognition import page_router as recognition_router

router = APIRouter(include_in_schema=False)
router.include_router(auth_router)
router.include_router(home_router)
router.include_router(people_router)
router.include_router(leaderboard_router)
router.include_router(network_router)
router.include_router(account_router)
router.include_router(security_router)
router.include_router(runs_router)
router.include_router(feedback_router)
router.include_router(recognition_router)
router.include_router(talent_router)
router.include_router(talent_whatif_router)
router.include_router(talent_calibration_router)
router.include_router(talent_audit_router)
router.include_router(talent_succession_router)
router.include_router(demographics_router)
router.include_router(privacy_router)

__all__ = ["router"]
