"""Erasing a person, or an account without a person (HR and administrators), as a
confirmation page and as an API call
(fronts :mod:`renown.privacy`; "export my data" is the account's, in :mod:`renown.web.account`)."""

from renown.web.privacy.api import router as api_router
from renown.web.privacy.pages import router as page_router

__all__ = ["api_router", "page_router"]
