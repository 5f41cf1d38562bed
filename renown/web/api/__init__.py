"""JSON API, version 1. Every router's routes declare their policy (see ``policy``)."""

from fastapi import APIRouter

from renown.web.api import account, admin, people, security
from renown.web.api.privacy import router as privacy_router
from renown.web.api.responses import ERROR_RESPONSES
from renown.web.api.runs import router as runs_router
from renown.web.api.talent import router as talent_router
from renown.web.api.talent_audit import router as talent_audit_router
from renown.web.api.talent_calibration import router as talent_calibration_router
from renown.web.api.talent_decisions import router as talent_decisions_router
from renown.web.api.talent_succession import router as talent_succession_router
from renown.web.feedback import api_router as feedback_router
from renown.web.recognition import api_router as recognition_router

router = APIRouter(responses=ERROR_RESPONSES)
router.include_router(account.router)
router.include_router(security.router)
router.include_router(people.router)
router.include_router(admin.router)
router.include_router(runs_router)
router.include_router(feedback_router)
router.include_router(recognition_router)
router.include_router(talent_router)
router.include_router(talent_calibration_router)
router.include_router(talent_decisions_router)
router.include_router(talent_audit_router)
router.include_router(talent_succession_router)
router.include_router(privacy_router)

__all__ = ["router"]
