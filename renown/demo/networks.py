"""Synthetic recordings of the public networks' APIs for the demo's fictional people.

The demo organisation's people do not exist, so neither do their GitHub, Mastodon,
Bluesky, Stack Exchange and blog accounts. :func:`recordings` writes, for each
:class:`DemoAccount`, every exchange the real connectors need to read its profile, its
newest posts and a full pull of its last year (and the pull after it, which pages back
to where the first stopped), in each API's documented shapes and field names, so the
demo runs the same connector code as live data through
:class:`~renown.connectors.replay.Replay`.

Everything is drawn from ``seed`` and the handles through a stable hash (never Python's
salted ``hash()``), so the same accounts give the same recordings on every machine.
``popularity`` (0..1) drives a skewed range: a popular account has a couple of hundred
followers, dozens of posts and busy engagement; a quiet one a handful. Engagers are the
account's ``peers`` (named, so the demo's people meet in each network's graph) and made-up
strangers shared across a network; where an API gives only counts (Stack Exchange votes,
a blog's comments) the counts are all there is. Each stream fits one or two pages, and
Link headers (GitHub, Mastodon), cursors (Bluesky), ``has_more`` (Stack Exchange) and
RFC 5005 next pages (feeds) are each exercised where an account is big enough.

Known limit: the Stack Exchange connector asks for answers and questions ``fromdate`` the
pull's ``since``, so only pulls whose ``since`` is ``now - 365 days`` for the ``now`` given
here are answered (GitHub's and the others' addresses do not depend on the pull's clock
once a first pull has stored its mark).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr  # nosec B406: escapes text written, parses nothing

WINDOW: Final = timedelta(days=365)
"""How far back a first pull reads (the pull's ``since`` is ``now - WINDOW``)."""
GITHUB: Final = "https://api.github.com"
APPVIEW: Final = "https://public.api.bsky.app/xrpc"
STACKEXCHANGE: Final = "https://api.stackexchange.com/2.3"
SE_FILTER: Final = "!)Q2B_A2kjmvLfVz8yfc-1_qb"
"""The immutable filter ``/filters/create`` answers for ``user.about_me`` on the default."""

_FIRST: Final = (  # noqa: SIM905 - a word list reads best as words
    "Amara Bruno Chen Dalia Emeka Farah Goran Hana Ines Jonas Kaito Leila Mateo Nadia "
    "Oskar Priya Quentin Rosa Sven Tamar Umar Vera Wen Ximena Yusuf Zofia Anouk Bilal "
    "Carmen Dmitri Elif Femi Greta Hugo Ilse Jalen Kira Luca Maren Nico Olga Pablo Rania "
    "Soren Tomas Uma Viktor Wanda Yara"
).split()
_LAST: Final = (  # noqa: SIM905 - a word list reads best as words
    "Okafor Lindqvist Haddad Moreau Tanaka Novak Castillo Brennan Achebe Kowalski Silva "
    "Nakamura Petrov Duarte Osei Varga Holm Rahman Ferreira Quinn Abara Lund Mensah "
    "Ortiz Sato Weber Kaur Janssen Romero Ivanova Dubois Mwangi Larsen Costa Yilmaz "
    "Fischer"
).split()
_WORDS: Final = (  # noqa: SIM905 - a word list reads best as words
    "graph rank decay signal tide lattice ember orbit prism quill harbor relay canopy "
    "beacon cobalt delta fjord garnet helix indigo juniper kernel lumen meadow nimbus "
    "onyx pixel quartz raven sable tundra vector willow zephyr"
).split()
_TOPICS: Final = (
    "Shipped a small fix to the scheduler today; the queue is finally fair.",
    "Reading about PageRank variants on temporal graphs. Decay changes everything.",
    "Our meetup slides on reproducible builds are up.",
    "Hot take: most dashboards should be a sorted table.",
    "Wrote up how we cut CI time in half with better caching.",
    "Pairing session on the parser went well, property tests found two edge cases.",
    "Conference talk accepted! Graphs, people and the limits of counting followers.",
    "Small thread on naming things in APIs.",
    "Benchmarks are only honest when you publish the harness.",
    "TIL: zoneinfo handles the DST gap better than I remembered.",
    "New release out: faster imports, fewer surprises.",
    "Mentoring is the most leveraged hour of my week.",
    "Documentation is a feature. Ship it like one.",
    "Tried the new profiler on our hot loop; the culprit was a regex.",
    "Open-source maintainers deserve better funding. Here is what worked for us.",
    "Sketching a design for resumable pulls: pages, marks and checkpoints.",
)
_TITLES: Final = (
    "How we test time-dependent code",
    "Notes on graph centrality for humans",
    "A year of on-call, in numbers",
    "Why our API pages newest first",
    "Designing for the quiet contributor",
    "What I learned maintaining a small library",
    "Reviewing code kindly and quickly",
    "The case for boring infrastructure",
    "Rate limits are a contract",
    "Postmortem: the cache that remembered too much",
    "Measuring influence without counting likes",
    "From spreadsheet to service in a week",
)
_QUESTIONS: Final = (
    "How do I make a dataclass hashable when one field is a list?",
    "Why does my SQL window function return duplicate rows?",
    "How to page an API that returns a Link header?",
    "Is it safe to compare aware and naive datetimes?",
    "What is the idiomatic way to retry with exponential backoff?",
    "Why is my regex catastrophically slow on long lines?",
    "How can I stream a large JSON array without loading it?",
    "How do I parse an RFC 5005 archived feed?",
)
_BADGES: Final = (
    ("Teacher", "bronze", "named"),
    ("Student", "bronze", "named"),
    ("Editor", "bronze", "named"),
    ("Commentator", "bronze", "named"),
    ("Nice Answer", "bronze", "named"),
    ("Enlightened", "silver", "named"),
    ("Good Answer", "silver", "named"),
    ("Necromancer", "silver", "named"),
    ("Guru", "silver", "named"),
    ("Great Answer", "gold", "named"),
    ("python", "bronze", "tag_based"),
    ("sql", "bronze", "tag_based"),
    ("javascript", "silver", "tag_based"),
    ("rust", "bronze", "tag_based"),
)
_MASTODON_HOSTS: Final = ("mastodon.example.net", "fosstodon.example.org", "hachyderm.example.com")
_B32_SORT: Final = "234567abcdefghijklmnopqrstuvwxyz"
_STRANGERS: Final = 400


@dataclass(frozen=True)
class DemoAccount:
    """One fictional public account and how busy it is."""

    network: str
    """``github``, ``mastodon``, ``bluesky``, ``stackexchange`` or ``rss``."""
    handle: str
    """Canonical, as the network's connector's ``parse_handle`` returns it."""
    display_name: str
    bio: str
    """The public bio (where a verification code goes)."""
    popularity: float
    """0..1: scales followers, posts and engagement (deterministically)."""
    peers: tuple[str, ...] = ()
    """Other demo handles on the same network who follow and engage with this one."""


def recordings(
    accounts: Sequence[DemoAccount], *, now: datetime, seed: int
) -> list[dict[str, Any]]:
    """Every exchange the connectors need to read each account's profile, newest posts
    (``recent_texts``) and a full pull from scratch (state ``{}``) with
    ``since = now - 365 days``, and the pull after it from the state the first left."""
    moment = now.astimezone(UTC).replace(microsecond=0)
    names = {(a.network, a.handle): a.display_name for a in accounts}
    writers = {
        "github": _github,
        "mastodon": _mastodon,
        "bluesky": _bluesky,
        "stackexchange": _stackexchange,
        "rss": _feed,
    }
    exchanges: list[dict[str, Any]] = []
    for account in accounts:
        write = writers.get(account.network)
        if write is None:
            raise ValueError(f"no demo recordings for network {account.network!r}")
        context = _Context(account, now.astimezone(UTC), moment, seed, names)
        exchanges.extend(write(context))
    return exchanges


def write_recordings(folder: Path, exchanges: Sequence[Mapping[str, Any]], name: str) -> Path:
    """Write ``{"network": "demo", "exchanges": [...]}`` to ``folder/name.json`` (0700 folder)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{name}.json"
    body = json.dumps({"network": "demo", "exchanges": list(exchanges)}, separators=(",", ":"))
    path.write_text(body, encoding="utf-8")
    return path


# -- shared machinery --------------------------------------------------------------------


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()


def _number(*parts: object) -> int:
    """A stable 64-bit number for ``parts``."""
    return int.from_bytes(_digest(*parts)[:8], "big")


def _rng(*parts: object) -> random.Random:
    return random.Random(_number(*parts))  # nosec B311 - demo data, not security


def _human(*parts: object) -> str:
    """A made-up person's name, stable for ``parts``."""
    n = _number("name", *parts)
    return f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // 97) % len(_LAST)]}"


def _zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _millis(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _exchange(url: str, response: dict[str, Any]) -> dict[str, Any]:
    return {"request": {"method": "GET", "url": url}, "response": response}


@dataclass
class _Context:
    """One account's drawing: its random stream, clock, window and the names it knows."""

    account: DemoAccount
    exact_now: datetime
    now: datetime
    seed: int
    names: Mapping[tuple[str, str], str]
    rng: random.Random = field(init=False)
    since: datetime = field(init=False)
    p: float = field(init=False)
    sent: int = field(init=False)
    peers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = _rng(self.seed, self.account.network, self.account.handle)
        self.since = self.exact_now - WINDOW
        self.p = min(1.0, max(0.0, float(self.account.popularity)))
        self.sent = 0
        self.peers = tuple(dict.fromkeys(p for p in self.account.peers if p != self.account.handle))

    # sizes -------------------------------------------------------------------------------

    def size(self, low: int, high: int, power: float, cap: int | None = None) -> int:
        """``low`` to about ``high`` as popularity grows (skewed), jittered, capped."""
        jitter = self.rng.uniform(0.8, 1.2)
        found = low + int((high - low) * self.p**power * jitter)
        return max(low, min(found, cap if cap is not None else high))

    def engagement(self, scale: float, cap: int) -> int:
        """A heavy-tailed count with mean about ``scale`` times the popularity's square."""
        mean = 0.15 + scale * self.p**2
        return min(cap, int(mean * self.rng.lognormvariate(0.0, 0.9)))

    # times -------------------------------------------------------------------------------

    def recent(self, days: float = 360.0) -> datetime:
        """A moment in the last ``days`` (at least a few minutes ago), whole seconds."""
        seconds = self.rng.uniform(600.0, days * 86_400.0)
        return self.now - timedelta(seconds=int(seconds))

    def between(self, start: datetime, end: datetime) -> datetime:
        span = max(60.0, (end - start).total_seconds())
        return start + timedelta(seconds=int(self.rng.uniform(60.0, span)))

    def older(self) -> datetime:
        """A moment before the pull's window."""
        return self.since - timedelta(days=self.rng.uniform(3.0, 200.0), seconds=0)

    def times(self, count: int, days: float = 360.0) -> list[datetime]:
        """``count`` moments in the last ``days``, newest first."""
        return sorted((self.recent(days) for _ in range(count)), reverse=True)

    # people ------------------------------------------------------------------------------

    def strangers(self, make: Any) -> list[str]:
        """The network's shared pool of made-up accounts (the same for every account)."""
        pool_rng = _rng(self.seed, self.account.network, "strangers")
        found: dict[str, None] = {}
        for n in range(_STRANGERS):
            found[make(pool_rng, n)] = None
        return [h for h in found if h != self.account.handle and h not in self.peers]

    def crowd(self, pool: Sequence[str], count: int, *, peer_share: float = 0.3) -> list[str]:
        """``count`` distinct engagers: peers now and then, strangers otherwise."""
        chosen: dict[str, None] = {}
        peers = list(self.peers)
        attempts = 0
        while len(chosen) < count and attempts < count * 20:
            attempts += 1
            if peers and self.rng.random() < peer_share:
                chosen[self.rng.choice(peers)] = None
            elif pool:
                chosen[self.rng.choice(pool)] = None
        return list(chosen)

    def name_of(self, handle: str) -> str:
        return self.names.get((self.account.network, handle)) or _human(
            self.account.network, handle
        )

    def remaining(self, limit: int) -> str:
        self.sent += 1
        return str(max(limit // 2, limit - 3 - self.sent))


def _spread(ctx: _Context, engaged: dict[int, list[str]], count: int) -> None:
    """Make every peer engage at least once, on some item of ``count``."""
    if count == 0:
        return
    for peer in ctx.peers:
        if not any(peer in found for found in engaged.values()):
            engaged.setdefault(ctx.rng.randrange(count), []).append(peer)


# -- GitHub ------------------------------------------------------------------------------


def _gh_id(login: str) -> int:
    return 1_000_000 + _number("github", login) % 150_000_000


def _gh_user(login: str) -> dict[str, Any]:
    uid = _gh_id(login)
    node = base64.b64encode(f"04:User{uid}".encode()).decode()
    return {
        "login": login,
        "id": uid,
        "node_id": node,
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "url": f"{GITHUB}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": "User",
        "site_admin": False,
    }


def _gh_stranger(rng: random.Random, n: int) -> str:
    first, last = rng.choice(_FIRST).lower(), rng.choice(_LAST).lower()
    return rng.choice((f"{first}-{last}", f"{first}{last[:3]}", f"{first}{rng.randrange(10, 99)}"))


def _github(ctx: _Context) -> Iterator[dict[str, Any]]:
    login = ctx.account.handle
    uid = _gh_id(login)
    me = _gh_user(login)
    pool = ctx.strangers(_gh_stranger)
    counted: list[datetime] = []

    def answer(url: str, data: Any, link: str | None = None) -> dict[str, Any]:
        headers = {
            "content-type": "application/json; charset=utf-8",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": ctx.remaining(5000),
            "x-ratelimit-reset": str(int(ctx.now.timestamp()) + 3600),
            "x-ratelimit-used": str(ctx.sent),
            "x-ratelimit-resource": "core",
            "x-github-api-version-selected": "2022-11-28",
        }
        if link:
            headers["link"] = link
        return _exchange(url, {"status": 200, "headers": headers, "json": data})

    # followers: every peer and a skewed crowd, two pages of 100 at most
    followers = list(ctx.peers) + ctx.crowd(pool, ctx.size(1, 200, 1.6), peer_share=0.0)
    followers = list(dict.fromkeys(followers))[:200]
    repos_n = ctx.size(1, 26, 1.5)
    forked = ctx.rng.random() < 0.4
    yield answer(
        f"{GITHUB}/users/{login}",
        {
            **me,
            "name": ctx.account.display_name,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": ctx.account.bio,
            "twitter_username": None,
            "public_repos": repos_n + int(forked),
            "public_gists": ctx.rng.randrange(0, 6),
            "followers": len(followers),
            "following": ctx.rng.randrange(2, 60),
            "created_at": _zulu(ctx.now - timedelta(days=ctx.rng.uniform(800, 4000))),
            "updated_at": _zulu(ctx.recent(30)),
        },
    )
    first_url = f"{GITHUB}/users/{login}/followers?per_page=100"
    second_url = f"{GITHUB}/user/{uid}/followers?per_page=100&page=2"
    if len(followers) > 100:
        yield answer(
            first_url,
            [_gh_user(f) for f in followers[:100]],
            f'<{second_url}>; rel="next", <{second_url}>; rel="last"',
        )
        yield answer(
            second_url,
            [_gh_user(f) for f in followers[100:]],
            f'<{first_url}&page=1>; rel="prev", <{first_url}&page=1>; rel="first"',
        )
    else:
        yield answer(first_url, [_gh_user(f) for f in followers])

    # repositories, newest pushed first; the flagship draws most stars
    names = list(
        dict.fromkeys(
            f"{ctx.rng.choice(_WORDS)}-{ctx.rng.choice(_WORDS)}" for _ in range(repos_n * 2)
        )
    )
    names = names[:repos_n]
    repos: list[dict[str, Any]] = []
    per_repo: list[
        tuple[
            str, int, list[tuple[datetime, str]], list[tuple[datetime, str]], list[dict[str, Any]]
        ]
    ] = []
    stargazed: dict[int, list[str]] = {}
    for n, name in enumerate(names):
        full = f"{login}/{name}"
        repo_id = 10_000_000 + _number("github-repo", full) % 700_000_000
        created = ctx.now - timedelta(days=ctx.rng.uniform(20, 1400))
        star_n = min(
            180, int((0.2 + 90 * ctx.p**2.2) / (n + 1) ** 0.9 * ctx.rng.lognormvariate(0, 0.6))
        )
        per_repo.append((full, repo_id, [], [], []))
        repos.append(
            {"name": name, "full": full, "id": repo_id, "created": created, "stars": star_n}
        )
        stargazed[n] = ctx.crowd(pool, star_n, peer_share=0.15)
    _spread(ctx, stargazed, len(names))
    for n, repo in enumerate(repos):
        repo["stars"] = len(stargazed.get(n, []))
    listing: list[dict[str, Any]] = []
    for n, repo in enumerate(repos):
        full, repo_id, created = repo["full"], repo["id"], repo["created"]
        gazers = stargazed.get(n, [])
        star_times = sorted(ctx.between(created, ctx.now) for _ in gazers)
        stars = list(zip(star_times, gazers, strict=True))
        fork_n = int(len(stars) * ctx.rng.uniform(0.0, 0.3))
        forks = sorted(
            ((ctx.between(created, ctx.now), who) for who in ctx.crowd(pool, fork_n)),
            reverse=True,
        )
        issues: list[dict[str, Any]] = []
        for _ in range(int(len(stars) * ctx.rng.uniform(0.05, 0.3)) + int(ctx.rng.random() < 0.3)):
            number = len(issues) + 1
            opener = login if ctx.rng.random() < 0.2 else ctx.crowd(pool, 1, peer_share=0.3)[0]
            issues.append(
                {
                    "when": ctx.between(max(created, ctx.since - timedelta(days=30)), ctx.now),
                    "user": opener,
                    "number": number,
                    "pull": ctx.rng.random() < 0.5,
                }
            )
        issues.sort(key=lambda i: i["when"], reverse=True)
        for number, issue in enumerate(reversed(issues), 1):
            issue["number"] = number
        per_repo[n] = (full, repo_id, stars, forks, issues)
        pushed = max([created] + [w for w, _ in stars[-3:]])
        listing.append(
            {
                "id": repo_id,
                "node_id": base64.b64encode(f"010:Repository{repo_id}".encode()).decode(),
                "name": repo["name"],
                "full_name": full,
                "private": False,
                "owner": me,
                "html_url": f"https://github.com/{full}",
                "description": f"{repo['name'].replace('-', ' ').capitalize()} tools",
                "fork": False,
                "url": f"{GITHUB}/repos/{full}",
                "created_at": _zulu(created),
                "updated_at": _zulu(pushed),
                "pushed_at": _zulu(pushed),
                "homepage": "",
                "size": ctx.rng.randrange(40, 9000),
                "stargazers_count": len(stars),
                "watchers_count": len(stars),
                "language": ctx.rng.choice(("Python", "Rust", "Go", "TypeScript", "C")),
                "forks_count": len(forks),
                "open_issues_count": sum(1 for i in issues if not i["pull"]),
                "forks": len(forks),
                "open_issues": sum(1 for i in issues if not i["pull"]),
                "watchers": len(stars),
                "default_branch": "main",
                "archived": False,
                "disabled": False,
                "visibility": "public",
            }
        )
    listing.sort(key=lambda r: r["pushed_at"], reverse=True)
    if forked:
        upstream = ctx.rng.choice(pool)
        fork_name = f"{ctx.rng.choice(_WORDS)}-upstream"
        listing.append(
            {
                **listing[-1],
                "id": 10_000_000 + _number("github-fork", login) % 700_000_000,
                "name": fork_name,
                "full_name": f"{login}/{fork_name}",
                "html_url": f"https://github.com/{login}/{fork_name}",
                "url": f"{GITHUB}/repos/{login}/{fork_name}",
                "description": f"Fork of {upstream}/{fork_name}",
                "fork": True,
                "stargazers_count": 0,
                "watchers_count": 0,
                "watchers": 0,
                "forks_count": 0,
                "forks": 0,
                "open_issues_count": 0,
                "open_issues": 0,
            }
        )
    yield answer(f"{GITHUB}/users/{login}/repos?type=owner&sort=pushed&per_page=100", listing)

    issue_lists: list[tuple[str, int, list[dict[str, Any]]]] = []
    for full, repo_id, stars, forks, issues in per_repo:
        # stargazers, oldest first, read from the last page back to one older than the window
        pages = max(1, math.ceil(len(stars) / 100))
        for page in range(pages, 0, -1):
            chunk = stars[(page - 1) * 100 : page * 100]
            if not chunk:
                break
            links = []
            api = f"{GITHUB}/repositories/{repo_id}/stargazers?per_page=100"
            if page < pages:
                links.append(
                    f'<{api}&page={page + 1}>; rel="next", <{api}&page={pages}>; rel="last"'
                )
            if page > 1:
                links.append(f'<{api}&page={page - 1}>; rel="prev", <{api}&page=1>; rel="first"')
            yield answer(
                f"{GITHUB}/repos/{full}/stargazers?per_page=100&page={page}",
                [{"starred_at": _zulu(when), "user": _gh_user(who)} for when, who in chunk],
                ", ".join(links) or None,
            )
            counted.extend(when for when, _ in chunk if when >= ctx.since)
            if any(when < ctx.since for when, _ in chunk):
                break
        if forks:
            yield answer(
                f"{GITHUB}/repos/{full}/forks?sort=newest&per_page=100",
                [
                    {
                        "id": 20_000_000 + _number("github-forked", full, who) % 700_000_000,
                        "name": full.split("/")[1],
                        "full_name": f"{who}/{full.split('/')[1]}",
                        "owner": _gh_user(who),
                        "private": False,
                        "fork": True,
                        "html_url": f"https://github.com/{who}/{full.split('/')[1]}",
                        "created_at": _zulu(when),
                        "updated_at": _zulu(when),
                        "pushed_at": _zulu(when),
                        "stargazers_count": 0,
                        "forks_count": 0,
                    }
                    for when, who in forks
                ],
            )
            counted.extend(when for when, who in forks if when >= ctx.since and who != login)
        counted.extend(i["when"] for i in issues if i["when"] >= ctx.since and i["user"] != login)
        issue_lists.append((full, repo_id, issues))

    # the person's own activity on others' projects (the events API keeps 90 days)
    activity = []
    kinds = (
        ("IssueCommentEvent", "created", 35),
        ("PullRequestEvent", "opened", 15),
        ("PullRequestEvent", "closed", 5),
        ("PullRequestReviewEvent", "created", 15),
        ("IssuesEvent", "opened", 10),
        ("PushEvent", None, 10),
        ("WatchEvent", "started", 10),
    )
    when_list = ctx.times(ctx.size(2, 70, 1.2, cap=90), days=88)
    for n, when in enumerate(when_list):
        kind, action, _ = (
            kinds[0] if n == 0 else ctx.rng.choices(kinds, weights=[k[2] for k in kinds])[0]
        )
        owner = (
            login
            if kind == "PushEvent"
            else ctx.rng.choice(ctx.peers)
            if ctx.peers and ctx.rng.random() < 0.4
            else ctx.rng.choice(pool)
        )
        repo_name = f"{owner}/{ctx.rng.choice(_WORDS)}"
        payload: dict[str, Any] = {}
        if action:
            payload["action"] = action
        number = ctx.rng.randrange(1, 3000)
        if kind == "IssueCommentEvent":
            payload |= {
                "issue": {"number": number},
                "comment": {"id": _number("c", login, n) % 10**9},
            }
        elif kind.startswith("PullRequest"):
            payload |= {"number": number, "pull_request": {"number": number}}
        elif kind == "IssuesEvent":
            payload |= {"issue": {"number": number}}
        elif kind == "PushEvent":
            payload |= {"ref": "refs/heads/main", "size": 1}
        if (
            (kind in ("IssueCommentEvent", "PullRequestReviewEvent") or action == "opened")
            and owner != login
            and when >= ctx.since
        ):
            counted.append(when)
        activity.append(
            {
                "id": str(30_000_000_000 + _number("gh-event", login, n) % 10**10),
                "type": kind,
                "actor": {
                    "id": uid,
                    "login": login,
                    "display_login": login,
                    "gravatar_id": "",
                    "url": f"{GITHUB}/users/{login}",
                    "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?",
                },
                "repo": {
                    "id": _number("gh-repo", repo_name) % 10**9,
                    "name": repo_name,
                    "url": f"{GITHUB}/repos/{repo_name}",
                },
                "payload": payload,
                "public": True,
                "created_at": _zulu(when),
            }
        )
    yield answer(f"{GITHUB}/users/{login}/events/public?per_page=100", activity)

    # issues and pull requests by others: asked since the window, then since the last mark
    newest = max(counted) if counted else None
    cutoffs = [ctx.since] + ([newest] if newest is not None and newest > ctx.since else [])
    for full, _repo_id, issues in issue_lists:
        for cutoff in cutoffs:
            shown = [i for i in issues if i["when"] >= cutoff.replace(microsecond=0)]
            yield answer(
                f"{GITHUB}/repos/{full}/issues?state=all&sort=created&direction=desc"
                f"&since={_zulu(cutoff)}&per_page=100",
                [_gh_issue(full, i) for i in shown],
            )


def _gh_issue(full: str, issue: Mapping[str, Any]) -> dict[str, Any]:
    number = issue["number"]
    found: dict[str, Any] = {
        "id": 900_000_000 + _number("gh-issue", full, number) % 10**9,
        "url": f"{GITHUB}/repos/{full}/issues/{number}",
        "html_url": f"https://github.com/{full}/{'pull' if issue['pull'] else 'issues'}/{number}",
        "number": number,
        "state": "open",
        "title": _rng("title", full, number).choice(_QUESTIONS).rstrip("?"),
        "user": _gh_user(issue["user"]),
        "labels": [],
        "comments": _number("comments", full, number) % 6,
        "created_at": _zulu(issue["when"]),
        "updated_at": _zulu(issue["when"]),
        "closed_at": None,
        "author_association": "OWNER"
        if issue["user"] == full.split("/", maxsplit=1)[0]
        else "NONE",
    }
    found["node_id"] = base64.b64encode(f"05:Issue{found['id']}".encode()).decode()
    if issue["pull"]:
        base = f"https://github.com/{full}/pull/{number}"
        found["pull_request"] = {
            "url": f"{GITHUB}/repos/{full}/pulls/{number}",
            "html_url": base,
            "diff_url": f"{base}.diff",
            "patch_url": f"{base}.patch",
            "merged_at": None,
        }
    return found


# -- Mastodon ----------------------------------------------------------------------------


def _snowflake(moment: datetime, *parts: object) -> str:
    """A Mastodon id: milliseconds since the epoch, then 16 bits of sequence."""
    return str((int(moment.timestamp() * 1000) << 16) | (_number("seq", *parts) & 0xFFFF))


def _masto_id(handle: str) -> str:
    return str(109_000_000_000_000_000 + _number("mastodon", handle) % 10**15)


def _masto_account(handle: str, name: str, host: str, *, note: str = "") -> dict[str, Any]:
    user, _, server = handle.partition("@")
    created = datetime(2022, 11, 1, tzinfo=UTC) + timedelta(days=_number("joined", handle) % 700)
    n = _number("counts", handle)
    return {
        "id": _masto_id(handle),
        "username": user,
        "acct": user if server == host else handle,
        "display_name": name,
        "locked": False,
        "bot": False,
        "created_at": created.strftime("%Y-%m-%dT00:00:00.000Z"),
        "note": note,
        "url": f"https://{server}/@{user}",
        "uri": f"https://{server}/users/{user}",
        "avatar": f"https://{server}/avatars/original/missing.png",
        "followers_count": n % 900,
        "following_count": (n >> 10) % 400,
        "statuses_count": (n >> 20) % 3000,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


def _masto_stranger(rng: random.Random, n: int) -> str:
    first = rng.choice(_FIRST).lower()
    user = rng.choice(
        (first, f"{first}_{rng.choice(_LAST).lower()}", f"{first}{rng.randrange(2, 99)}")
    )
    return f"{user}@{rng.choice(_MASTODON_HOSTS)}"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _mastodon(ctx: _Context) -> Iterator[dict[str, Any]]:
    handle = ctx.account.handle
    user, _, host = handle.partition("@")
    api = f"https://{host}/api/v1"
    account_id = _masto_id(handle)
    reset = _millis(ctx.now + timedelta(minutes=5))
    pool = ctx.strangers(_masto_stranger)

    def answer(url: str, data: Any, link: str | None = None) -> dict[str, Any]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": ctx.remaining(300),
            "X-RateLimit-Reset": reset,
        }
        if link:
            headers["Link"] = link
        return _exchange(url, {"status": 200, "headers": headers, "json": data})

    def person(who: str) -> dict[str, Any]:
        return _masto_account(who, ctx.name_of(who), host)

    followers = list(
        dict.fromkeys(list(ctx.peers) + ctx.crowd(pool, ctx.size(1, 160, 1.6), peer_share=0.0))
    )[:160]
    statuses_n = ctx.size(1, 60, 1.4, cap=76)
    times = ctx.times(statuses_n) + [ctx.older() for _ in range(int(ctx.rng.random() < 0.6))]
    times.sort(reverse=True)
    me = _masto_account(handle, ctx.account.display_name, host, note=_paragraphs(ctx.account.bio))
    me |= {
        "followers_count": len(followers),
        "following_count": ctx.rng.randrange(5, 300),
        "statuses_count": len(times) + ctx.rng.randrange(0, 40),
        "last_status_at": times[0].strftime("%Y-%m-%d"),
        "fields": [
            {
                "name": "Website",
                "value": f'<a href="https://{user}.example.org" rel="nofollow noopener me" '
                f'target="_blank">{user}.example.org</a>',
                "verified_at": None,
            }
        ],
    }
    yield answer(f"{api}/accounts/lookup?acct={user}", me)

    boosted: dict[int, list[str]] = {}
    favoured: dict[int, list[str]] = {}
    replied: dict[int, list[str]] = {}
    for n, when in enumerate(times):
        if when < ctx.since:
            continue
        favoured[n] = ctx.crowd(pool, ctx.engagement(7, 80))
        boosted[n] = ctx.crowd(pool, min(80, int(len(favoured[n]) * ctx.rng.uniform(0.1, 0.5))))
        replied[n] = ctx.crowd(pool, min(12, int(len(favoured[n]) * ctx.rng.uniform(0.0, 0.3))))
    _spread(ctx, favoured, len([t for t in times if t >= ctx.since]))

    statuses: list[dict[str, Any]] = []
    for n, when in enumerate(times):
        status_id = _snowflake(when, handle, n)
        mentions = []
        in_reply = None
        in_reply_account = None
        text = ctx.rng.choice(_TOPICS)
        content = f"<p>{html.escape(text)}</p>"
        if ctx.peers and ctx.rng.random() < 0.2:
            peer = ctx.rng.choice(ctx.peers)
            peer_user, _, peer_host = peer.partition("@")
            mention = {
                "id": _masto_id(peer),
                "username": peer_user,
                "url": f"https://{peer_host}/@{peer_user}",
                "acct": peer_user if peer_host == host else peer,
            }
            mentions.append(mention)
            in_reply = _snowflake(when - timedelta(hours=2), peer, n)
            in_reply_account = mention["id"]
            content = (
                f'<p><span class="h-card"><a href="{mention["url"]}" class="u-url mention">'
                f"@<span>{peer_user}</span></a></span> {html.escape(text)}</p>"
            )
        statuses.append(
            {
                "id": status_id,
                "created_at": _millis(when),
                "in_reply_to_id": in_reply,
                "in_reply_to_account_id": in_reply_account,
                "sensitive": False,
                "spoiler_text": "",
                "visibility": "public",
                "language": "en",
                "uri": f"https://{host}/users/{user}/statuses/{status_id}",
                "url": f"https://{host}/@{user}/{status_id}",
                "replies_count": len(replied.get(n, [])),
                "reblogs_count": len(boosted.get(n, [])),
                "favourites_count": len(favoured.get(n, [])),
                "edited_at": None,
                "content": content,
                "reblog": None,
                "application": {"name": "Web", "website": None},
                "account": me,
                "media_attachments": [],
                "mentions": mentions,
                "tags": [],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
    yield answer(
        f"{api}/accounts/{account_id}/statuses?limit=20&exclude_reblogs=true", statuses[:20]
    )
    for start in range(0, len(statuses), 40):
        page = statuses[start : start + 40]
        url = f"{api}/accounts/{account_id}/statuses?limit=40&exclude_reblogs=true"
        if start:
            url += f"&max_id={statuses[start - 1]['id']}"
        links = [f'<{api}/accounts/{account_id}/statuses?min_id={statuses[0]["id"]}>; rel="prev"']
        if start + 40 < len(statuses):
            links.insert(
                0,
                f"<{api}/accounts/{account_id}/statuses?limit=40&exclude_reblogs=true"
                f'&max_id={page[-1]["id"]}>; rel="next"',
            )
        yield answer(url, page, ", ".join(links))

    for n, status in enumerate(statuses):
        if times[n] < ctx.since:
            continue
        status_id = status["id"]
        if boosted.get(n):
            yield answer(
                f"{api}/statuses/{status_id}/reblogged_by?limit=80", [person(w) for w in boosted[n]]
            )
        if favoured.get(n):
            yield answer(
                f"{api}/statuses/{status_id}/favourited_by?limit=80",
                [person(w) for w in favoured[n]],
            )
        if replied.get(n):
            descendants: list[dict[str, Any]] = []
            for k, who in enumerate(replied[n]):
                when = ctx.between(times[n], ctx.now)
                reply_id = _snowflake(when, who, status_id, k)
                who_user, _, who_host = who.partition("@")
                descendants.append(
                    {
                        "id": reply_id,
                        "created_at": _millis(when),
                        "in_reply_to_id": status_id,
                        "in_reply_to_account_id": account_id,
                        "sensitive": False,
                        "spoiler_text": "",
                        "visibility": "public",
                        "language": "en",
                        "uri": f"https://{who_host}/users/{who_user}/statuses/{reply_id}",
                        "url": f"https://{who_host}/@{who_user}/{reply_id}",
                        "replies_count": 0,
                        "reblogs_count": 0,
                        "favourites_count": 0,
                        "edited_at": None,
                        "content": f"<p>@{user} {html.escape(ctx.rng.choice(_TOPICS))}</p>",
                        "reblog": None,
                        "account": person(who),
                        "media_attachments": [],
                        "mentions": [
                            {"id": account_id, "username": user, "url": me["url"], "acct": user}
                        ],
                        "tags": [],
                        "emojis": [],
                        "card": None,
                        "poll": None,
                    }
                )
            descendants.sort(key=lambda s: s["created_at"])
            yield answer(
                f"{api}/statuses/{status_id}/context", {"ancestors": [], "descendants": descendants}
            )

    cursor = str(1000 + _number("follow-page", handle) % 90_000)
    first = f"{api}/accounts/{account_id}/followers?limit=80"
    more = f"{first}&max_id={cursor}"
    if len(followers) > 80:
        yield answer(first, [person(f) for f in followers[:80]], f'<{more}>; rel="next"')
        yield answer(more, [person(f) for f in followers[80:]])
    else:
        yield answer(first, [person(f) for f in followers])


# -- Bluesky -----------------------------------------------------------------------------


def _did(handle: str) -> str:
    return "did:plc:" + base64.b32encode(_digest("bluesky", handle)[:15]).decode().lower()


def _tid(moment: datetime, *parts: object) -> str:
    """An atproto record key: microseconds since the epoch and a clock id, base32-sortable."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (_number("clock", *parts) & 0x3FF)
    out = []
    for _ in range(13):
        out.append(_B32_SORT[value & 31])
        value >>= 5
    return "".join(reversed(out))


def _cid(*parts: object) -> str:
    return (
        "bafyrei" + base64.b32encode(_digest("cid", *parts)[:32]).decode().lower().rstrip("=")[:52]
    )


def _bsky_actor(handle: str, name: str, *, full: bool = True) -> dict[str, Any]:
    did = _did(handle)
    found: dict[str, Any] = {
        "did": did,
        "handle": handle,
        "displayName": name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/{_cid('avatar', handle)}@jpeg",
        "labels": [],
        "createdAt": (
            datetime(2023, 4, 1, tzinfo=UTC) + timedelta(days=_number("bsky-joined", handle) % 600)
        ).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    if full:
        found |= {"description": "", "indexedAt": found["createdAt"]}
    return found


def _bsky_stranger(rng: random.Random, n: int) -> str:
    first = rng.choice(_FIRST).lower()
    return rng.choice(
        (
            f"{first}.bsky.social",
            f"{first}{rng.choice(_LAST).lower()}.bsky.social",
            f"{first}.{rng.choice(_LAST).lower()}.example.com",
        )
    )


def _bluesky(ctx: _Context) -> Iterator[dict[str, Any]]:
    handle = ctx.account.handle
    did = _did(handle)
    reset = str(int(ctx.now.timestamp()) + 300)
    pool = ctx.strangers(_bsky_stranger)

    def answer(url: str, data: Any) -> dict[str, Any]:
        headers = {
            "content-type": "application/json; charset=utf-8",
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": ctx.remaining(3000),
            "RateLimit-Reset": reset,
            "RateLimit-Policy": "3000;w=300",
        }
        return _exchange(url, {"status": 200, "headers": headers, "json": data})

    def actor(who: str) -> dict[str, Any]:
        return _bsky_actor(who, ctx.name_of(who))

    followers = list(
        dict.fromkeys(list(ctx.peers) + ctx.crowd(pool, ctx.size(1, 200, 1.6), peer_share=0.0))
    )[:200]
    posts_n = ctx.size(1, 64, 1.4, cap=90)
    times = ctx.times(posts_n) + [ctx.older() for _ in range(int(ctx.rng.random() < 0.6))]
    times.sort(reverse=True)
    me_short = _bsky_actor(handle, ctx.account.display_name, full=False)
    profile = _bsky_actor(handle, ctx.account.display_name) | {
        "description": ctx.account.bio,
        "indexedAt": _millis(ctx.recent(60)),
        "banner": f"https://cdn.bsky.app/img/banner/plain/{did}/{_cid('banner', handle)}@jpeg",
        "followersCount": len(followers),
        "followsCount": ctx.rng.randrange(10, 400),
        "postsCount": len(times) + ctx.rng.randrange(0, 60),
    }
    yield answer(f"{APPVIEW}/app.bsky.actor.getProfile?actor={handle}", profile)

    liked: dict[int, list[str]] = {}
    reposted: dict[int, list[str]] = {}
    for n, when in enumerate(times):
        if when >= ctx.since:
            liked[n] = ctx.crowd(pool, ctx.engagement(8, 100))
            reposted[n] = ctx.crowd(pool, min(100, int(len(liked[n]) * ctx.rng.uniform(0.05, 0.4))))
    _spread(ctx, liked, len([t for t in times if t >= ctx.since]))

    feed: list[dict[str, Any]] = []
    engaged: list[tuple[str, datetime, datetime, list[str], list[str]]] = []
    for n, when in enumerate(times):
        uri = f"at://{did}/app.bsky.feed.post/{_tid(when, handle, n)}"
        indexed = when + timedelta(milliseconds=_number("indexed", uri) % 900 + 50)
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": ctx.rng.choice(_TOPICS),
            "createdAt": _millis(when),
            "langs": ["en"],
        }
        entry: dict[str, Any] = {}
        if ctx.peers and ctx.rng.random() < 0.2:
            peer = ctx.rng.choice(ctx.peers)
            parent_when = when - timedelta(hours=ctx.rng.uniform(0.2, 30))
            parent_uri = f"at://{_did(peer)}/app.bsky.feed.post/{_tid(parent_when, peer, n)}"
            ref = {"uri": parent_uri, "cid": _cid(parent_uri)}
            record["reply"] = {"root": ref, "parent": ref}
            view = {
                "$type": "app.bsky.feed.defs#postView",
                **ref,
                "author": _bsky_actor(peer, ctx.name_of(peer), full=False),
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": ctx.rng.choice(_TOPICS),
                    "createdAt": _millis(parent_when),
                    "langs": ["en"],
                },
                "replyCount": 1,
                "repostCount": 0,
                "likeCount": 0,
                "quoteCount": 0,
                "indexedAt": _millis(parent_when),
                "labels": [],
            }
            entry["reply"] = {"root": view, "parent": view}
        likes = liked.get(n, [])
        reposts = reposted.get(n, [])
        entry["post"] = {
            "uri": uri,
            "cid": _cid(uri),
            "author": me_short,
            "record": record,
            "replyCount": int(len(likes) * ctx.rng.uniform(0.0, 0.3)),
            "repostCount": len(reposts),
            "likeCount": len(likes),
            "quoteCount": int(len(reposts) * ctx.rng.uniform(0.0, 0.3)),
            "indexedAt": _millis(indexed),
            "labels": [],
        }
        feed.append(entry)
        if when >= ctx.since:
            engaged.append((uri, when, indexed, likes, reposts))
        if ctx.rng.random() < 0.1 and pool:  # the person's repost of someone else's post
            other = ctx.rng.choice(pool)
            other_when = when - timedelta(hours=ctx.rng.uniform(1, 48))
            other_uri = f"at://{_did(other)}/app.bsky.feed.post/{_tid(other_when, other)}"
            feed.append(
                {
                    "post": {
                        "uri": other_uri,
                        "cid": _cid(other_uri),
                        "author": _bsky_actor(other, ctx.name_of(other), full=False),
                        "record": {
                            "$type": "app.bsky.feed.post",
                            "text": ctx.rng.choice(_TOPICS),
                            "createdAt": _millis(other_when),
                            "langs": ["en"],
                        },
                        "replyCount": 0,
                        "repostCount": 1,
                        "likeCount": ctx.rng.randrange(0, 30),
                        "quoteCount": 0,
                        "indexedAt": _millis(other_when),
                        "labels": [],
                    },
                    "reason": {
                        "$type": "app.bsky.feed.defs#reasonRepost",
                        "by": me_short,
                        "indexedAt": _millis(when + timedelta(minutes=5)),
                    },
                }
            )
    feed_url = f"{APPVIEW}/app.bsky.feed.getAuthorFeed?actor={did}&filter=posts_with_replies"
    recent: dict[str, Any] = {"feed": feed[:20]}
    if len(feed) > 20:
        recent["cursor"] = feed[19]["post"]["indexedAt"]
    yield answer(f"{feed_url}&limit=20", recent)
    for start in range(0, max(1, len(feed)), 100):
        page: dict[str, Any] = {"feed": feed[start : start + 100]}
        if start + 100 < len(feed):
            page["cursor"] = feed[start + 99]["post"]["indexedAt"]
        cursor_query = f"&cursor={feed[start - 1]['post']['indexedAt']}" if start else ""
        yield answer(f"{feed_url}&limit=100{cursor_query}", page)

    for uri, _when, indexed, likes, reposts in engaged:
        if likes:
            yield answer(
                f"{APPVIEW}/app.bsky.feed.getLikes?uri={uri}&limit=100",
                {
                    "uri": uri,
                    "likes": [
                        {
                            "indexedAt": _millis(at := ctx.between(indexed, ctx.now)),
                            "createdAt": _millis(at),
                            "actor": actor(who),
                        }
                        for who in likes
                    ],
                },
            )
        if reposts:
            yield answer(
                f"{APPVIEW}/app.bsky.feed.getRepostedBy?uri={uri}&limit=100",
                {"uri": uri, "repostedBy": [actor(who) for who in reposts]},
            )

    first = f"{APPVIEW}/app.bsky.graph.getFollowers?actor={did}&limit=100"
    subject = profile
    if len(followers) > 100:
        cursor = _tid(ctx.now - timedelta(days=40), "followers", handle)
        yield answer(
            first,
            {
                "subject": subject,
                "cursor": cursor,
                "followers": [actor(f) for f in followers[:100]],
            },
        )
        yield answer(
            f"{first}&cursor={cursor}",
            {"subject": subject, "followers": [actor(f) for f in followers[100:]]},
        )
    else:
        yield answer(first, {"subject": subject, "followers": [actor(f) for f in followers]})


# -- Stack Exchange ----------------------------------------------------------------------


def _se_domain(site: str) -> str:
    own = {
        "stackoverflow": "stackoverflow.com",
        "superuser": "superuser.com",
        "serverfault": "serverfault.com",
        "askubuntu": "askubuntu.com",
        "mathoverflow": "mathoverflow.net",
    }
    prefix, dot, name = site.rpartition(".")
    return f"{prefix}{dot}{own.get(name, f'{name}.stackexchange.com')}"


def _se_owner(site: str, user_id: str, name: str) -> dict[str, Any]:
    slug = "-".join(name.lower().split())
    reputation = 1 + _number("rep", site, user_id) % 40_000
    return {
        "account_id": 1_000_000 + _number("se-account", user_id) % 30_000_000,
        "reputation": reputation,
        "user_id": int(user_id),
        "user_type": "registered",
        "profile_image": f"https://www.gravatar.com/avatar/{_digest('g', user_id).hex()[:32]}"
        "?s=256&d=identicon&r=PG",
        "display_name": name,
        "link": f"https://{_se_domain(site)}/users/{user_id}/{slug}",
    }


def _stackexchange(ctx: _Context) -> Iterator[dict[str, Any]]:
    handle = ctx.account.handle
    site, _, user_id = handle.partition("/")
    domain = _se_domain(site)
    quota = 10_000 - 1 - _number("quota", handle) % 400
    peers = tuple(p for p in ctx.peers if p.partition("/")[0] == site)
    ctx.peers = peers

    def stranger(rng: random.Random, n: int) -> str:
        return f"{site}/{rng.randrange(100_000, 24_000_000)}"

    pool = ctx.strangers(stranger)

    def answer(url: str, data: dict[str, Any]) -> dict[str, Any]:
        nonlocal quota
        quota -= 1
        body = {**data, "quota_max": 10_000, "quota_remaining": quota}
        headers = {"content-type": "application/json; charset=utf-8"}
        return _exchange(url, {"status": 200, "headers": headers, "json": body})

    def owner(who: str) -> dict[str, Any]:
        return _se_owner(site, who.partition("/")[2], ctx.name_of(who))

    def paged(path: str, query: str, found: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        pages = max(1, math.ceil(len(found) / 100))
        for page in range(1, pages + 1):
            yield answer(
                f"{STACKEXCHANGE}{path}?site={site}&pagesize=100&page={page}{query}",
                {"items": found[(page - 1) * 100 : page * 100], "has_more": page < pages},
            )

    me = owner(handle) | {"display_name": ctx.account.display_name}
    me["link"] = (
        f"https://{domain}/users/{user_id}/{'-'.join(ctx.account.display_name.lower().split())}"
    )
    yield answer(
        f"{STACKEXCHANGE}/filters/create?include=user.about_me&base=default",
        {
            "items": [
                {
                    "included_fields": [
                        "user.about_me",
                        "user.account_id",
                        "user.display_name",
                        "user.link",
                        "user.reputation",
                        "user.user_id",
                    ],
                    "filter_type": "safe",
                    "filter": SE_FILTER,
                }
            ],
            "has_more": False,
        },
    )
    reputation = (
        1 + int(60_000 * ctx.p**2.5 * ctx.rng.uniform(0.7, 1.3)) + ctx.rng.randrange(0, 200)
    )
    me["reputation"] = reputation
    yield answer(
        f"{STACKEXCHANGE}/users/{user_id}?site={site}&filter={SE_FILTER}",
        {
            "items": [
                {
                    "badge_counts": {
                        "bronze": ctx.size(1, 200, 1.3),
                        "silver": ctx.size(0, 60, 1.6),
                        "gold": ctx.size(0, 8, 2.5),
                    },
                    "account_id": me["account_id"],
                    "is_employee": False,
                    "last_modified_date": int(ctx.recent(30).timestamp()),
                    "last_access_date": int(ctx.recent(3).timestamp()),
                    "reputation_change_year": int(reputation * 0.3),
                    "reputation_change_quarter": int(reputation * 0.08),
                    "reputation_change_month": int(reputation * 0.03),
                    "reputation_change_week": int(reputation * 0.007),
                    "reputation_change_day": 0,
                    "reputation": reputation,
                    "creation_date": int(
                        (ctx.now - timedelta(days=ctx.rng.uniform(600, 4000))).timestamp()
                    ),
                    "user_type": "registered",
                    "user_id": int(user_id),
                    "about_me": _paragraphs(ctx.account.bio),
                    "location": None,
                    "website_url": "",
                    "link": me["link"],
                    "profile_image": me["profile_image"],
                    "display_name": ctx.account.display_name,
                }
            ],
            "has_more": False,
        },
    )

    since = int(ctx.since.timestamp())
    dated = "&sort=creation&order=desc"
    ids = random.Random(_number(ctx.seed, "se-ids", handle))  # nosec B311 - demo data
    answers: list[dict[str, Any]] = []
    for when in ctx.times(ctx.size(1, 60, 1.5, cap=80)):
        question_id = 60_000_000 + ids.randrange(0, 19_000_000)
        accepted = ctx.rng.random() < 0.35
        answers.append(
            {
                "owner": me,
                "is_accepted": accepted,
                "score": int(ctx.engagement(10, 400)) - int(ctx.rng.random() < 0.05),
                "last_activity_date": int(ctx.between(when, ctx.now).timestamp()),
                "creation_date": int(when.timestamp()),
                "answer_id": question_id + ids.randrange(1, 900_000),
                "question_id": question_id,
                "content_license": "CC BY-SA 4.0",
            }
        )
    questions: list[dict[str, Any]] = []
    for when in ctx.times(ctx.size(0, 10, 1.0, cap=12) + int(ctx.rng.random() < 0.5)):
        question_id = 60_000_000 + ids.randrange(0, 19_000_000)
        title = ctx.rng.choice(_QUESTIONS)
        questions.append(
            {
                "tags": ctx.rng.sample(["python", "sql", "datetime", "regex", "http", "json"], 2),
                "owner": me,
                "is_answered": False,
                "view_count": int(20 + ctx.engagement(900, 50_000)),
                "answer_count": 0,
                "score": ctx.engagement(6, 200),
                "last_activity_date": int(ctx.between(when, ctx.now).timestamp()),
                "creation_date": int(when.timestamp()),
                "question_id": question_id,
                "content_license": "CC BY-SA 4.0",
                "link": f"https://{domain}/questions/{question_id}/"
                + "-".join(title.lower().rstrip("?").split()[:8]),
                "title": html.escape(title),
            }
        )
    yield from paged(f"/users/{user_id}/answers", f"&fromdate={since}{dated}", answers)
    yield from paged(f"/users/{user_id}/questions", f"&fromdate={since}{dated}", questions)

    # who asked the questions the accepted answers answer
    accepted_ids = sorted({a["question_id"] for a in answers if a["is_accepted"]})
    if accepted_ids:
        asked_by: list[dict[str, Any]] = []
        for question_id in accepted_ids:
            if ctx.rng.random() < 0.05:
                continue  # deleted since: not returned
            mine = next(a for a in answers if a["question_id"] == question_id)
            asker = handle if ctx.rng.random() < 0.05 else ctx.crowd(pool, 1, peer_share=0.3)[0]
            created = datetime.fromtimestamp(mine["creation_date"], UTC) - timedelta(
                hours=ctx.rng.uniform(0.2, 100)
            )
            title = ctx.rng.choice(_QUESTIONS)
            asked_by.append(
                {
                    "tags": ["python"],
                    "owner": me if asker == handle else owner(asker),
                    "is_answered": True,
                    "view_count": int(20 + ctx.engagement(900, 50_000)),
                    "accepted_answer_id": mine["answer_id"],
                    "answer_count": 1 + ctx.rng.randrange(0, 4),
                    "score": ctx.engagement(8, 300),
                    "last_activity_date": mine["last_activity_date"],
                    "creation_date": int(created.timestamp()),
                    "question_id": question_id,
                    "content_license": "CC BY-SA 4.0",
                    "link": f"https://{domain}/questions/{question_id}",
                    "title": html.escape(title),
                }
            )
        path = "/questions/" + ";".join(str(q) for q in accepted_ids)
        yield from paged(path, "", asked_by)

    # answers others gave to the person's questions, and comments on the person's posts
    received: list[dict[str, Any]] = []
    for question in questions:
        when = datetime.fromtimestamp(question["creation_date"], UTC)
        for who in ctx.crowd(pool, min(6, ctx.engagement(3, 6)), peer_share=0.3):
            at = ctx.between(when, ctx.now)
            received.append(
                {
                    "owner": owner(who),
                    "is_accepted": False,
                    "score": ctx.engagement(4, 50),
                    "last_activity_date": int(at.timestamp()),
                    "creation_date": int(at.timestamp()),
                    "answer_id": question["question_id"] + ids.randrange(1, 900_000),
                    "question_id": question["question_id"],
                    "content_license": "CC BY-SA 4.0",
                }
            )
        count = sum(1 for r in received if r["question_id"] == question["question_id"])
        question["answer_count"] = count
        question["is_answered"] = count > 0
    received.sort(key=lambda r: r["creation_date"], reverse=True)
    posts = [(str(a["answer_id"]), a["creation_date"]) for a in answers] + [
        (str(q["question_id"]), q["creation_date"]) for q in questions
    ]
    commented: dict[int, list[str]] = {
        n: ctx.crowd(pool, min(8, ctx.engagement(3, 8)), peer_share=0.3) for n in range(len(posts))
    }
    _spread(ctx, commented, len(posts))
    comments: list[dict[str, Any]] = []
    for n, (post_id, posted) in enumerate(posts):
        for who in commented.get(n, []):
            at = ctx.between(datetime.fromtimestamp(posted, UTC), ctx.now)
            comments.append(
                {
                    "owner": owner(who),
                    "edited": False,
                    "score": ctx.rng.randrange(0, 4),
                    "creation_date": int(at.timestamp()),
                    "post_id": int(post_id),
                    "comment_id": 130_000_000 + ids.randrange(0, 9_000_000),
                    "content_license": "CC BY-SA 4.0",
                }
            )
    comments.sort(key=lambda c: c["creation_date"], reverse=True)
    counted = [r["creation_date"] for r in received] + [c["creation_date"] for c in comments]
    cutoffs = [since] + ([max(counted)] if counted and max(counted) > since else [])
    # the second pull reads from the newest it saw (the first: since the window)
    asked = [str(q["question_id"]) for q in questions if q["answer_count"] > 0]
    for cutoff in cutoffs:
        if asked:
            yield from paged(
                f"/questions/{';'.join(asked)}/answers",
                f"&fromdate={cutoff}{dated}",
                [r for r in received if r["creation_date"] >= cutoff],
            )
        if posts:
            yield from paged(
                f"/posts/{';'.join(p for p, _ in posts)}/comments",
                f"&fromdate={cutoff}{dated}",
                [c for c in comments if c["creation_date"] >= cutoff],
            )

    badges = []
    for name, rank, kind in ctx.rng.sample(_BADGES, ctx.size(1, len(_BADGES), 1.0)):
        badge_id = 1 + _number("badge", name) % 9000
        badges.append(
            {
                "badge_type": kind,
                "award_count": 1 + (ctx.engagement(6, 40) if kind == "named" else 0),
                "rank": rank,
                "badge_id": badge_id,
                "link": f"https://{domain}/badges/{badge_id}/{name.lower().replace(' ', '-')}",
                "name": name,
                "user": me,
            }
        )
    yield from paged(f"/users/{user_id}/badges", "", badges)


# -- feeds -------------------------------------------------------------------------------


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
