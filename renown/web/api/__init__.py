"""JSON API, version 1. Every router's routes declare their policy (see ``policy``)."""

from fastapi import APIRouter

from renown.web.account import api_router as account_router
from renown.web.admin import api_router as admin_router
from renown.web.api.feedback import router as feedback_router
from renown.web.api.recognition import router as recognition_router
from renown.web.api_errors import ERROR_RESPONSES
from renown.web.people import api_router as people_router
from renown.web.privacy import api_router as privacy_router
from renown.web.runs import api_router as runs_router
from renown.web.talent import api_router as talent_router

router = APIRouter(responses=ERROR_RESPONSES)
router.include_router(account_router)
router.include_router(people_router)
router.include_router(admin_router)
router.include_router(runs_router)
router.include_router(feedback_router)
router.include_router(recognition_router)
router.include_router(talent_router)
router.include_router(privacy_router)

__all__ = ["router"]
