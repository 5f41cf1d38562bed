"""Challenge specifications in Markdown, rendered to safe HTML.

Sponsors write specifications in CommonMark (with tables and strikethrough). Raw HTML in the
source is not rendered (it shows as text), and markdown-it's link validation drops
``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:`` links, so a specification
cannot script the page that shows it. Links open outside renown, without a referrer.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    def link_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        token.attrSet("rel", "nofollow noopener noreferrer")
        token.attrSet("target", "_blank")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render(source: str) -> str:
    """Safe HTML for ``source`` (mark it safe in templates only through this function)."""
    return str(_renderer().render(source))
