"""Server-rendered pages (Jinja2 + htmx). Each route declares its policy like the API."""

from fastapi import APIRouter

from renown.web.pages import auth

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)

__all__ = ["router"]
