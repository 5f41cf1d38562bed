"""Validity for HR: the latest run's score against labels the organisation trusts, weights
fitted to them, and the weights the organisation's scoring runs use (fronts
:mod:`renown.validation`)."""

from renown.web.validity.api import router as api_router
from renown.web.validity.pages import router as page_router

__all__ = ["api_router", "page_router"]
