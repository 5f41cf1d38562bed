"""Crowdsourced challenges, as JSON and as pages: the front door of :mod:`renown.challenges`.

One module per topic, each with its JSON routes (``api``) beside its page routes
(``pages``): :mod:`.ledger` (the prize ledger, and payments recorded), :mod:`.posting` (a
sponsor's draft, reviewers, the answer key, publishing and cancelling), :mod:`.entries`
(registering, submitting files or repository URLs, downloading a submitted file),
:mod:`.reviewing` (blind review tasks and scorecards, reviews, appeals and their answers)
and :mod:`.browse` (the list, a challenge's page, leaderboards and final results).
:mod:`.shapes` holds what the API reads, :mod:`.present` what the pages draw and read from
their forms, :mod:`.common` the clock and the look-up every challenge route starts with.

Order matters: the topics whose paths start with a word (``/challenges/ledger``,
``/challenges/new``, ``/challenges/submissions/...``) come before :mod:`.browse`, whose
``/challenges/{challenge_id}`` would otherwise take the word for an id and answer 422.
The marketplace (members' profiles, search, invitations) is a topic of its own, included
after these.
"""

from fastapi import APIRouter

from renown.web.challenges import browse, entries, ledger, marketplace, posting, reviewing

api_router = APIRouter()
for topic in (ledger, posting, entries, reviewing, browse):
    api_router.include_router(topic.api)

page_router = APIRouter(include_in_schema=False)
for topic in (ledger, posting, entries, reviewing, browse):
    page_router.include_router(topic.pages)

# The marketplace's routers are included below (one line, by the marketplace's module).
api_router.include_router(marketplace.api_router)
page_router.include_router(marketplace.page_router)

__all__ = ["api_router", "page_router"]
