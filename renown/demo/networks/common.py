"""What every network's demo recordings share: the accounts, word lists, stable draws
from the seed, the context of one account and the spreading of engagement."""

from __future__ import annotations

import hashlib
import html
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

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


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
