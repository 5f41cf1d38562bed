"""Blog feeds as the demo records them: RSS 2.0 and Atom, comment counts, RFC 5005
next pages."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr  # nosec B406: escapes text written, parses nothing

from renown.demo.networks.common import (
    _TITLES,
    _TOPICS,
    _Context,
    _digest,
    _exchange,
    _number,
    _zulu,
)


def _feed(ctx: _Context) -> Iterator[dict[str, Any]]:
    url = ctx.account.handle
    atom = _number("format", ctx.seed, url) % 2 == 1
    site = url.split("/", 3)
    home = f"{site[0]}//{site[2]}/"
    times = ctx.times(ctx.size(1, 36, 1.3, cap=38)) + [
        ctx.older() for _ in range(int(ctx.rng.random() < 0.7))
    ]
    times.sort(reverse=True)
    entries: list[dict[str, Any]] = []
    for n, when in enumerate(times):
        title = ctx.rng.choice(_TITLES)
        slug = "-".join(title.lower().replace(",", "").split()[:5])
        entries.append(
            {
                "when": when,
                "title": title,
                "link": f"{home}{when:%Y/%m}/{slug}-{n}/",
                "id": f"{home}?p={1000 + len(times) - n}",
                "summary": ctx.rng.choice(_TOPICS),
                "comments": ctx.engagement(12, 200) if ctx.rng.random() < 0.85 else None,
            }
        )
    pages = [entries[k : k + 20] for k in range(0, len(entries), 20)]
    joiner = "&" if "?" in url else "?"
    addresses = [url] + [f"{url}{joiner}page={k}" for k in range(2, len(pages) + 1)]
    title = f"{ctx.account.display_name}: notes"
    for k, chunk in enumerate(pages):
        following = addresses[k + 1] if k + 1 < len(pages) else None
        body = (
            _atom(title, ctx.account.bio, home, addresses[k], following, chunk, ctx.now)
            if atom
            else _rss(title, ctx.account.bio, home, addresses[k], following, chunk)
        )
        headers = {
            "Content-Type": "application/atom+xml; charset=utf-8"
            if atom
            else "application/rss+xml; charset=utf-8",
            "Cache-Control": "max-age=600",
        }
        if k == 0:
            headers["ETag"] = f'"{_digest("etag", url, body).hex()[:16]}"'
            headers["Last-Modified"] = format_datetime(entries[0]["when"], usegmt=True)
        yield _exchange(addresses[k], {"status": 200, "headers": headers, "text": body})


def _rss(
    title: str,
    bio: str,
    home: str,
    here: str,
    following: str | None,
    entries: Sequence[Mapping[str, Any]],
) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        "<channel>",
        f" <title>{escape(title)}</title>",
        f" <link>{escape(home)}</link>",
        f" <description>{escape(bio)}</description>",
        " <language>en</language>",
        f' <atom:link href={quoteattr(here)} rel="self" type="application/rss+xml"/>',
    ]
    if following:
        lines.append(
            f' <atom:link href={quoteattr(following)} rel="next" type="application/rss+xml"/>'
        )
    for entry in entries:
        lines += [
            " <item>",
            f"  <title>{escape(entry['title'])}</title>",
            f"  <link>{escape(entry['link'])}</link>",
            f'  <guid isPermaLink="false">{escape(entry["id"])}</guid>',
            f"  <pubDate>{format_datetime(entry['when'], usegmt=True)}</pubDate>",
            f"  <description>{escape(entry['summary'])}</description>",
            "  <content:encoded><![CDATA["
            f"<p>{html.escape(entry['summary'])}</p>]]></content:encoded>",
        ]
        if entry["comments"] is not None:
            lines.append(f"  <slash:comments>{entry['comments']}</slash:comments>")
        lines.append(" </item>")
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def _atom(
    title: str,
    bio: str,
    home: str,
    here: str,
    following: str | None,
    entries: Sequence[Mapping[str, Any]],
    now: datetime,
) -> str:
    updated = entries[0]["when"] if entries else now
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">',
        f" <title>{escape(title)}</title>",
        f" <subtitle>{escape(bio)}</subtitle>",
        f" <id>{escape(home)}</id>",
        f" <updated>{_zulu(updated)}</updated>",
        f' <link rel="self" href={quoteattr(here)}/>',
        f' <link rel="alternate" type="text/html" href={quoteattr(home)}/>',
    ]
    if following:
        lines.append(f' <link rel="next" href={quoteattr(following)}/>')
    for entry in entries:
        lines += [
            " <entry>",
            f"  <title>{escape(entry['title'])}</title>",
            f"  <id>{escape(entry['id'])}</id>",
            f"  <link href={quoteattr(entry['link'])}/>",
            f"  <published>{_zulu(entry['when'])}</published>",
            f"  <updated>{_zulu(entry['when'])}</updated>",
            f"  <summary>{escape(entry['summary'])}</summary>",
        ]
        if entry["comments"] is not None:
            lines.append(
                '  <link rel="replies" type="text/html" '
                f"href={quoteattr(entry['link'] + '#comments')} "
                f'thr:count="{entry["comments"]}"/>'
            )
            lines.append(f"  <thr:total>{entry['comments']}</thr:total>")
        lines.append(" </entry>")
    lines += ["</feed>", ""]
    return "\n".join(lines)
