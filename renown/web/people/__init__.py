"""People and prominence: the home dashboard, people, profiles, teams, the leaderboard and
the network map, as pages and as JSON (fronts :mod:`renown.org` and the scores of
:mod:`renown.prominence`)."""

from renown.web.people.api import router as api_router
from renown.web.people.pages import router as page_router

__all__ = ["api_router", "page_router"]
