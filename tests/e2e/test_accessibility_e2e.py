"""axe-core on every main page, for every role that sees it, in a real browser.

Each role of the demo organisation signs in and opens its pages (the ones its navigation
offers and the pages one click further: a profile, a team, a promotion round's board,
what-if, 9-box and audit, a succession chart, a scoring run, a radar prospect, a
challenge: ``scripts/main_pages.py``, the map ``make screenshots`` shoots). On each, the
vendored axe-core (``tests/e2e/vendor``, listed in
``renown/web/static/VENDORED.md``) checks the rendered page; any violation of impact
*serious* or *critical* fails the test, naming the rule, the page and the elements. axe is
run through ``page.evaluate`` (the DevTools protocol), so the pages keep their strict
Content-Security-Policy while being checked: what axe sees is what users get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import pytest

from renown.core.roles import Role
from scripts.main_pages import PAGES, ROLE_PAGES
from tests.e2e.conftest import sign_in_as_role

pytestmark = pytest.mark.e2e

AXE: Final = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING: Final = frozenset({"serious", "critical"})
RUN_AXE: Final = """
() => axe.run(document, {resultTypes: ["violations"]}).then(result =>
  result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  })))
"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one page, and the elements that break it."""

    page: str
    rule: str
    impact: str
    help: str
    elements: tuple[str, ...]

    def __str__(self) -> str:
        where = "\n      ".join(self.elements)
        return f"{self.page}: {self.rule} [{self.impact}] {self.help}\n      {where}"


def axe_violations(page: Any, name: str) -> list[Violation]:
    """The serious and critical axe violations of the page open in ``page``."""
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(RUN_AXE)
    return [
        Violation(
            name,
            item["rule"],
            item["impact"],
            item["help"],
            tuple(f"{node['target']}: {node['summary']}" for node in item["nodes"]),
        )
        for item in found
        if item["impact"] in BLOCKING
    ]


def test_axe_reports_something_on_a_broken_page(watched: Any, live: Any) -> None:
    """The check can fail: a page with an unnamed button and an image without text."""
    page = watched.page
    page.goto(f"{live.base_url}/signin")
    page.evaluate(
        "() => { const b = document.createElement('button'); document.querySelector('main')"
        ".append(b, Object.assign(document.createElement('img'), {src: '/static/favicon.svg'})); }"
    )
    rules = {violation.rule for violation in axe_violations(page, "signin (broken on purpose)")}
    assert {"button-name", "image-alt"} <= rules


def test_the_signin_page_has_no_serious_violation(watched: Any, live: Any) -> None:
    watched.page.goto(f"{live.base_url}/signin")
    violations = axe_violations(watched.page, "signin")
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize("role", list(ROLE_PAGES), ids=lambda role: role.value)
def test_every_main_page_of_a_role_has_no_serious_violation(
    watched: Any, live: Any, role: Role
) -> None:
    """Also checks that the map is whole: every entry of the role's navigation was visited
    (a page added to the menu but not to ``scripts/main_pages.py`` fails here)."""
    page = watched.page
    sign_in_as_role(page, live, role)
    menu = page.eval_on_selector_all(
        "nav[aria-label=Main] a", "links => links.map(link => link.getAttribute('href'))"
    )
    visited: set[str] = set()
    violations: list[Violation] = []
    for name in ROLE_PAGES[role]:
        PAGES[name](page, live.base_url)
        visited.add(urlsplit(page.url).path)
        violations += axe_violations(page, f"{role.value} {name} ({page.url})")
    assert not violations, f"{len(violations)} violation(s):\n" + "\n".join(map(str, violations))
    assert set(menu) <= visited, f"menu entries not checked: {sorted(set(menu) - visited)}"
    assert not watched.problems, watched.problems


def test_the_phone_layout_of_every_role_has_no_serious_violation(browser: Any, live: Any) -> None:
    """At 390 px the top bar and the tables change layout (a menu to open, cards): each
    role's home page, with everything its phone layout adds, is checked there too."""
    violations: list[Violation] = []
    for role in ROLE_PAGES:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        try:
            page = context.new_page()
            sign_in_as_role(page, live, role)
            violations += axe_violations(page, f"{role.value} home at 390 px")
        finally:
            context.close()
    assert not violations, f"{len(violations)} violation(s):\n" + "\n".join(map(str, violations))
