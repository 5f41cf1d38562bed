"""External prominence on the web: a person's linked public accounts, their proof and
external scores (``/me/networks``), the opt-in public card (``/me/card``, ``/card/{slug}``),
HR's view and file of links (``/people/external``), and the same under ``/api/v1``
(fronts :mod:`renown.external`)."""

from renown.web.external.api import router as api_router
from renown.web.external.pages import router as page_router

__all__ = ["api_router", "page_router"]
