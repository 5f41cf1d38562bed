"""The main pages of ``scripts/main_pages.py`` walked over HTTP, without a browser.

The map of main pages is written for Playwright (a visit opens an address, or follows the
first matching link of the page listing it). :class:`HttpPage` answers the few calls a
visit makes from a ``TestClient`` and the served HTML, so an HTTP-level test walks exactly
the pages the browser tests and ``make screenshots`` walk, in a fraction of their time.
Nothing runs scripts here: a visit that waits for a chart to be drawn only opens the page.

:func:`visible_text` is what a person reads of a page: text nodes and the page title, but
no attribute, no script or style, and no ``<code>``/``<pre>`` (where a page quotes what
someone typed or shows an API example verbatim).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

_NOT_READ = frozenset({"script", "style", "code", "pre", "template", "svg"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class _Link:
    href: str
    in_main: bool
    text: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    """One pass over a page: its visible text and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[_Link] = []
        self._skipped: list[str] = []
        self._main = 0
        self._open_links: list[_Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if self._skipped or tag in _NOT_READ:
            self._skipped.append(tag)
            return
        if tag == "main":
            self._main += 1
        elif tag == "a":
            link = _Link(dict(attrs).get("href") or "", self._main > 0)
            self.links.append(link)
            self._open_links.append(link)
        self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skipped:
            if tag == self._skipped[-1]:
                self._skipped.pop()
            return
        if tag == "main":
            self._main -= 1
        elif tag == "a" and self._open_links:
            self._open_links.pop()
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skipped:
            return
        self.text.append(data)
        for link in self._open_links:
            link.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible_text(html: str) -> str:
    """The words of ``html`` a person reads, whitespace collapsed."""
    return " ".join("".join(parse(html).text).split())


@dataclass(frozen=True)
class _Response:
    status: int


@dataclass(frozen=True)
class _Locator:
    href: str | None

    def get_attribute(self, name: str) -> str | None:
        assert name == "href", f"only a link's href is known over HTTP, not {name}"
        return self.href


class HttpPage:
    """As much of a Playwright page as the visits of ``scripts/main_pages.py`` use."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.url = ""
        self.html = ""

    def goto(self, url: str) -> _Response:
        answer = self.client.get(url)
        self.url, self.html = url, answer.text
        return _Response(answer.status_code)

    def eval_on_selector_all(self, selector: str, _script: str) -> list[str]:
        assert selector == "main a", f"only 'main a' is known over HTTP, not {selector}"
        return [link.href for link in parse(self.html).links if link.in_main]

    def get_by_role(self, role: str, *, name: str, exact: bool = True) -> _Locator:
        assert role == "link" and exact, "only links found by their exact name are known"
        named = (
            link for link in parse(self.html).links if " ".join("".join(link.text).split()) == name
        )
        return _Locator(next((link.href for link in named), None))

    def wait_for_selector(self, _selector: str, **_options: Any) -> None:
        """Charts are drawn by scripts, which do not run here: the page's HTML is enough."""
