"""The main pages of renown and the roles that see them, as a browser reaches them.

One map for ``make screenshots`` (every page for every role, desktop and phone) and the
accessibility test (axe-core on the same pages), so that what reviewers look at is what the
tests check. A page is opened either by its address or, when the demo chose its id (a
profile, a round, a run, a challenge), by following the first matching link of the page
that lists it, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from renown.core.roles import Role
from renown.demo.talent import DECIDED_ROUND, OPEN_ROUND

CHART_WAIT: Final = 20_000
"""Milliseconds to wait for a chart or the network map to draw."""

Visit = Callable[[Any, str], None]
"""Open one page in a Playwright page, given the server's base URL."""


def at(path: str) -> Visit:
    """Open ``path``; a refusal or an error page fails (the map must stay true)."""

    def visit(page: Any, base_url: str) -> None:
        response = page.goto(f"{base_url}{path}")
        status = response.status if response is not None else None
        if status != 200:
            raise AssertionError(f"{path} answered {status}")

    return visit


def follow(start: str | Visit, pattern: str) -> Visit:
    """Open ``start`` (an address or another visit), then the first link inside ``main``
    whose address matches ``pattern``."""
    opening = at(start) if isinstance(start, str) else start

    def visit(page: Any, base_url: str) -> None:
        opening(page, base_url)
        hrefs = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
        target = next((href for href in hrefs if re.fullmatch(pattern, href or "")), None)
        if target is None:
            raise AssertionError(f"no link matching {pattern} on {page.url}")
        at(target)(page, base_url)

    return visit


def in_round(suffix: str, name: str = OPEN_ROUND) -> Visit:
    """A page of the demo's promotion round ``name`` (its board when ``suffix`` is empty)."""

    def visit(page: Any, base_url: str) -> None:
        at("/talent")(page, base_url)
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        at(f"{href}{suffix}")(page, base_url)

    return visit


def drawn(visit: Visit, selector: str) -> Visit:
    """``visit``, then wait until ``selector`` (a drawn chart or map) is on the page."""

    def visit_drawn(page: Any, base_url: str) -> None:
        visit(page, base_url)
        page.wait_for_selector(selector, timeout=CHART_WAIT)

    return visit_drawn


_PROFILE: Final = follow("/leaderboard", r"/people/\d+")
PAGES: Final[dict[str, Visit]] = {
    "home": at("/"),
    "people": at("/people"),
    "profile": _PROFILE,
    "teams": at("/teams"),
    "team": follow("/teams", r"/teams/\d+"),
    "leaderboard": at("/leaderboard"),
    "network": drawn(at("/network"), "#network-map canvas"),
    "feedback": at("/feedback"),
    "feedback-give": at("/feedback/give"),
    "feedback-request": at("/feedback/request"),
    "feedback-overview": at("/feedback/overview"),
    "feedback-person": follow(_PROFILE, r"/feedback/people/\d+"),
    "kudos": at("/kudos"),
    "badges": at("/badges"),
    "talent": at("/talent"),
    "talent-board": in_round(""),
    "talent-whatif": drawn(in_round("/whatif"), "#whatif-chart[data-chart-ready]"),
    "talent-ninebox": drawn(in_round("/ninebox"), "#ninebox-chart[data-chart-ready]"),
    "talent-audit": in_round("/audit"),
    "talent-candidate": in_round("/me", DECIDED_ROUND),
    "succession": at("/talent/succession"),
    "succession-chart": follow("/talent/succession", r"/talent/succession/\d+"),
    "runs": at("/runs"),
    "run": follow("/runs", r"/runs/\d+"),
    "validity": at("/validity"),
    "rings": at("/rings"),
    "radar": at("/radar"),
    "radar-prospect": follow("/radar", r"/radar/subjects/\d+"),
    "radar-flight-risk": at("/radar/flight-risk"),
    "radar-me": at("/radar/me"),
    "challenges": at("/challenges"),
    "challenge": follow("/challenges", r"/challenges/\d+"),
    "marketplace": at("/marketplace"),
    "external": at("/people/external"),
    "networks": at("/me/networks"),
    "account": at("/account"),
    "tokens": at("/tokens"),
    "notifications": at("/notifications"),
}
"""Every main page by a short name (also the screenshot's file name)."""

_EVERYONE: Final = ("home", "challenges", "challenge", "account", "tokens", "notifications")
_STAFF: Final = (
    "home",
    "people",
    "profile",
    "teams",
    "team",
    "leaderboard",
    "network",
    "feedback",
    "kudos",
    "badges",
    "talent",
    *_EVERYONE[1:],
)
_PEOPLE_ADMIN: Final = (
    *_STAFF,
    "feedback-overview",
    "feedback-person",
    "talent-board",
    "talent-whatif",
    "talent-ninebox",
    "talent-audit",
    "succession",
    "succession-chart",
    "runs",
    "run",
    "validity",
    "rings",
    "radar",
    "radar-prospect",
    "radar-flight-risk",
    "external",
    "marketplace",
)
_IN_THE_ORG_CHART: Final = (*_STAFF, "feedback-give", "feedback-request", "radar-me", "networks")
"""Staff who are a person of the organisation give and ask for feedback and link networks."""
ROLE_PAGES: Final[dict[Role, tuple[str, ...]]] = {
    Role.EMPLOYEE: (*_IN_THE_ORG_CHART, "talent-candidate"),
    Role.MANAGER: _IN_THE_ORG_CHART,
    Role.HR: _PEOPLE_ADMIN,
    Role.ADMIN: _PEOPLE_ADMIN,
    Role.RECRUITER: (*_STAFF, "radar", "radar-prospect", "marketplace"),
    Role.SPONSOR: (*_EVERYONE, "marketplace"),
    Role.MEMBER: _EVERYONE,
}
"""The main pages each role of the demo is offered: its navigation and one click further."""
