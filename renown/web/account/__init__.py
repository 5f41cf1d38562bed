"""The signed-in account: signing in and out, who am I, API tokens, visibility, "export my
data", the password and web sessions (fronts :mod:`renown.accounts`)."""

from renown.web.account.api import router as api_router
from renown.web.account.pages import router as page_router

__all__ = ["api_router", "page_router"]
