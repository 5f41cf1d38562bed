"""Administration over the API: accounts, the org chart import and the audit log check of
one organisation (fronts :mod:`renown.accounts`, :mod:`renown.org` and :mod:`renown.audit`;
the pages have no administration screens yet)."""

from renown.web.admin.api import router as api_router

page_router = None
"""No administration pages yet."""

__all__ = ["api_router", "page_router"]
