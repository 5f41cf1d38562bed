"""Recognition on the web: the kudos wall (giving, reactions, comments, budgets), badges,
and HR's review of kudos rings. Fronts :mod:`renown.recognition` (and the badge catalogue of
:mod:`renown.badges`), which decides who may do what."""

from renown.web.recognition.api import router as api_router
from renown.web.recognition.pages import router as page_router

__all__ = ["api_router", "page_router"]
