"""JSON API, version 1. Every router's routes declare their policy (see ``policy``)."""

from fastapi import APIRouter

from renown.web.api import account, admin, people

router = APIRouter()
router.include_router(account.router)
router.include_router(people.router)
router.include_router(admin.router)

__all__ = ["router"]
