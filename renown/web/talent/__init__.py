"""Promotion boards, as JSON and as pages: the front door of :mod:`renown.talent`.

One module per topic, each with its JSON routes (``api``) beside its page routes
(``pages``): :mod:`.rounds` (rounds, the board and its pool), :mod:`.picker` (the searchable
person picker of the board's forms), :mod:`.decisions` (sign-off, a candidate's own
explanation, appeals), :mod:`.whatif`, :mod:`.calibration` (the 9-box and calibration
sessions) with :mod:`.move_picker` (its move form's person picker), :mod:`.audit` (bias
audits), :mod:`.imports` (HR's talent records and demographics files), :mod:`.demographics`
(a person's own answers) and :mod:`.succession` (key roles and their replacement charts).
:mod:`.shapes` holds what the API reads, :mod:`.answers` the few answers that differ from the
domain's values, and ``present_*`` what the pages draw and read from their forms.
"""

from fastapi import APIRouter

from renown.web.talent import (
    audit,
    calibration,
    decisions,
    demographics,
    imports,
    move_picker,
    picker,
    rounds,
    succession,
    whatif,
)

api_router = APIRouter()
for topic in (
    rounds,
    picker,
    whatif,
    calibration,
    decisions,
    audit,
    imports,
    demographics,
    succession,
):
    api_router.include_router(topic.api)

page_router = APIRouter(include_in_schema=False)
for topic in (
    picker,
    move_picker,
    rounds,
    decisions,
    whatif,
    calibration,
    audit,
    imports,
    succession,
    demographics,
):
    page_router.include_router(topic.pages)

__all__ = ["api_router", "page_router"]
