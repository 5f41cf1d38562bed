"""GitHub: followers, the person's own repositories and who engaged with them, and the
person's public activity on other people's projects (REST API v3, public endpoints only).

What is read, and why each way:

* ``GET /users/{login}``: the profile (the bio carries a verification code).
* ``GET /users/{login}/followers``: follows. The API gives no date for a follow, so a
  follower is dated by the clock of the pull that saw it (the key ``follow:{id}`` is stable,
  so seeing them again adds nothing). A person with more followers than one pull reads
  goes on from where the last pull stopped.
* ``GET /users/{login}/repos?type=owner&sort=pushed``: the repositories the person owns
  (forks skipped: a fork's stars belong to its parent), as items with their counts.
* ``GET /repos/{owner}/{repo}/stargazers`` (``application/vnd.github.star+json``, which
  adds ``starred_at``): stars, named. The list is oldest first, so it is read from its
  last page backwards until a star is older than the pull's cutoff: new stars of a popular
  repository are found without reading its whole history.
* ``GET /repos/{owner}/{repo}/forks?sort=newest``: forks, named (a share).
* ``GET /repos/{owner}/{repo}/issues?state=all&since=``: issues and pull requests others
  opened on the person's repositories (contributions to their work).
* ``GET /users/{login}/events/public``: the person's comments, reviews, issues and pull
  requests on other people's repositories (attention the person gives, to the owner).

Rate limits are GitHub's ``x-ratelimit-remaining`` / ``x-ratelimit-reset`` (epoch seconds)
and 403/429 with ``retry-after``, all read by :class:`~renown.connectors.http.ApiClient`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import httpx

from renown.connectors import kinds
from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent, node
from renown.connectors.http import ApiClient, Page
from renown.connectors.shapes import Where, ident, items, moment, obj, text, whole

API: Final = "https://api.github.com"
JSON: Final = "application/vnd.github+json"
STAR_JSON: Final = "application/vnd.github.star+json"
"""The stargazers' media type that adds ``starred_at`` to each stargazer."""
_LOGIN: Final = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9-]))*-?$")
"""GitHub logins: letters, digits and hyphens, not starting with a hyphen (old accounts may
have a double or a trailing hyphen)."""
_REPO_NAME: Final = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_HOSTS: Final = frozenset({"github.com", "www.github.com"})
_ACTIVITY: Final[dict[str, str]] = {
    "IssueCommentEvent": kinds.COMMENT,
    "PullRequestReviewEvent": kinds.REVIEW,
    "PullRequestReviewCommentEvent": kinds.REVIEW,
    "PullRequestEvent": kinds.CONTRIBUTION,
    "IssuesEvent": kinds.CONTRIBUTION,
}
"""Public event types that are attention the person gives to another's project."""
_OPENING: Final = frozenset({"PullRequestEvent", "IssuesEvent"})
"""Event types that count only when they open something (not close, label, ...)."""


class GitHub:
    """The GitHub connector (see the module docstring)."""

    network: ClassVar[str] = "github"
    label: ClassVar[str] = "GitHub"
    verification: ClassVar[tuple[str, ...]] = ("oauth", "bio")
    MAX_PAGES: ClassVar[int] = 10
    """Pages read per stream (and per repository's stream) in one pull."""
    PER_PAGE: ClassVar[int] = 100

    def parse_handle(self, text: str) -> str:
        """A login from ``octocat``, ``@octocat`` or ``https://github.com/octocat``."""
        value = text.strip()
        if not value:
            raise ValueError("Type a GitHub username or the address of the profile.")
        if "/" in value or ":" in value:
            value = _login_from_url(value)
        value = value.removeprefix("@").lower()
        if len(value) > 39:
            raise ValueError("A GitHub username has at most 39 characters.")
        if not _LOGIN.fullmatch(value):
            raise ValueError(
                "A GitHub username has only letters, digits and hyphens "
                "and does not start with a hyphen."
            )
        return value

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client of ``api.github.com`` (one API serves every account)."""
        return ApiClient(
            network=self.network,
            base_url=API,
            transport=transport,
            token=token,
            headers={"Accept": JSON, "X-GitHub-Api-Version": "2022-11-28"},
        )

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """``GET /users/{login}``; a deleted or suspended account is ``AccountNotFound``."""
        login = self.parse_handle(handle)
        page = client.get_json(f"/users/{login}")
        assert page is not None
        where = Where(self.network, page.url)
        user = obj(page.data, where)
        found = text(user, "login", where)
        return PublicProfile(
            network=self.network,
            handle=self.parse_handle(found),
            external_id=ident(user, "id", where),
            display_name=text(user, "name", where, optional=True) or found,
            bio=text(user, "bio", where, optional=True),
            url=text(user, "html_url", where),
            audience=whole(user, "followers", where, optional=True),
        )

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """GitHub has no posts to sign: a person proves the account by its bio or OAuth."""
        return []

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """Followers, repositories and their engagement, then the person's activity.

        ``state`` is either a finished pull's ``{"after": newest time seen, ...}`` (the next
        pull pages back only to it) or the middle of one (the stage, the address or page
        to read next and the repositories still to visit).
        """
        return _Pull(self, client, profile, state, since).run()


class _Pull:
    """One pull's walk through the streams; ``st`` is the JSON state after each page."""

    def __init__(
        self,
        connector: GitHub,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        since: datetime,
    ) -> None:
        self.c = connector
        self.client = client
        self.me = profile.handle
        self.me_node = node(connector.network, profile.handle)
        st = dict(json.loads(json.dumps(state))) if state else {}
        if "stage" not in st:
            after = _time(st.get("after"))
            cutoff = max(since, after) if after else since
            st = {
                "stage": "followers",
                "next": st.get("followers_from"),
                "pages": 0,
                "cutoff": cutoff.isoformat(),
                "newest": after.isoformat() if after else None,
                "queue": [],
            }
        self.st = st
        parsed = _time(st.get("cutoff"))
        self.cutoff = parsed if parsed is not None else since

    def run(self) -> Iterator[Checkpoint]:
        stages = {
            "followers": self._followers,
            "repos": self._repos,
            "repo": self._repo,
            "activity": self._activity,
        }
        while self.st["stage"] != "done":
            step = stages.get(self.st["stage"])
            if step is None:
                raise ValueError(f"unknown github pull stage {self.st['stage']!r}")
            checkpoint = step()
            if checkpoint is not None:
                yield checkpoint
        yield Checkpoint(state=self._finished())

    # -- helpers -----------------------------------------------------------------------

    def _checkpoint(
        self, events: list[SocialEvent] | None = None, pulled: list[PulledItem] | None = None
    ) -> Checkpoint:
        return Checkpoint(
            events=tuple(events or ()),
            items=tuple(pulled or ()),
            state=json.loads(json.dumps(self.st)),
        )

    def _advance(self, stage: str, **fields: Any) -> None:
        self.st.update({"stage": stage, "next": None, "pages": 0, "page": None, **fields})

    def _seen(self, when: datetime) -> None:
        newest = _time(self.st.get("newest"))
        if newest is None or when > newest:
            self.st["newest"] = when.isoformat()

    def _finished(self) -> dict[str, Any]:
        return {"after": self.st.get("newest"), "followers_from": self.st.get("followers_from")}

    def _fetch(
        self, url: str, params: Mapping[str, str | int] | None, **kw: Any
    ) -> tuple[Page | None, Where]:
        page = self.client.get_json(url, None if self.st.get("next") else params, **kw)
        where = Where(self.c.network, page.url if page else url)
        return page, where

    def _actor(self, record: Mapping[str, Any], key: str, where: Where) -> str | None:
        """The node of the account in ``record[key]`` (``None`` for a deleted "ghost")."""
        value = record.get(key)
        if value is None:
            return None
        user = obj(value, where, key)
        login = text(user, "login", where)
        return node(self.c.network, login.lower())

    # -- streams -----------------------------------------------------------------------

    def _followers(self) -> Checkpoint | None:
        url = self.st.get("next") or f"/users/{self.me}/followers"
        page, where = self._fetch(url, {"per_page": self.c.PER_PAGE})
        assert page is not None
        now = self.client.clock.now()
        events = []
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            user = obj(raw, at)
            follower = text(user, "login", at).lower()
            events.append(
                SocialEvent(
                    key=f"follow:{ident(user, 'id', at)}",
                    actor=node(self.c.network, follower),
                    target=self.me_node,
                    timestamp=now,
                    kind=kinds.FOLLOW,
                )
            )
        pages = self.st["pages"] + 1
        if page.next_url and pages < self.c.MAX_PAGES:
            self.st.update(next=page.next_url, pages=pages)
        else:
            # The next pull's walk goes on from here when this one stopped at the bound.
            self.st["followers_from"] = page.next_url
            self._advance("repos")
        return self._checkpoint(events)

    def _repos(self) -> Checkpoint | None:
        url = self.st.get("next") or f"/users/{self.me}/repos"
        params: dict[str, str | int] = {
            "type": "owner",
            "sort": "pushed",
            "per_page": self.c.PER_PAGE,
        }
        page, where = self._fetch(url, params)
        assert page is not None
        pulled = []
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            repo = obj(raw, at)
            fork = repo.get("fork")
            if not isinstance(fork, bool):
                raise at.fail("fork", "expected true or false")
            if fork:
                continue
            full_name = text(repo, "full_name", at)
            owner, _, name = full_name.partition("/")
            if owner.lower() != self.me or not _REPO_NAME.fullmatch(name) or name in {".", ".."}:
                raise at.fail("full_name", f"expected {self.me}/<repository>")
            repo_id = ident(repo, "id", at)
            stars = whole(repo, "stargazers_count", at)
            forks = whole(repo, "forks_count", at)
            pulled.append(
                PulledItem(
                    key=f"repo:{repo_id}",
                    kind="repository",
                    title=full_name,
                    url=text(repo, "html_url", at),
                    created_at=moment(repo, "created_at", at),
                    engagement={
                        "stars": stars,
                        "forks": forks,
                        "open_issues": whole(repo, "open_issues_count", at, optional=True),
                    },
                )
            )
            self.st["queue"].append([f"{owner}/{name}", repo_id, stars, forks])
        pages = self.st["pages"] + 1
        if page.next_url and pages < self.c.MAX_PAGES:
            self.st.update(next=page.next_url, pages=pages)
        else:
            self._next_repo()
        return self._checkpoint(pulled=pulled)

    def _next_repo(self) -> None:
        """Visit the next repository in the queue (or go on to the activity)."""
        if self.st["queue"]:
            self._advance("repo", sub="stargazers")
        else:
            self._advance("activity")

    def _next_sub(self) -> None:
        order = ("stargazers", "forks", "issues")
        position = order.index(self.st["sub"])
        if position + 1 < len(order):
            self._advance("repo", sub=order[position + 1])
        else:
            self.st["queue"].pop(0)
            self._next_repo()

    def _repo(self) -> Checkpoint | None:
        full_name, repo_id, stars, forks = self.st["queue"][0]
        sub = self.st["sub"]
        if sub == "stargazers":
            return self._stargazers(full_name, repo_id, stars)
        if sub == "forks":
            return self._forks(full_name, repo_id, forks)
        return self._issues(full_name, repo_id)

    def _stargazers(self, full_name: str, repo_id: str, stars: int) -> Checkpoint | None:
        if stars == 0:
            self._next_sub()
            return None
        number = self.st.get("page") or max(1, -(-stars // self.c.PER_PAGE))
        page = self.client.get_json(
            f"/repos/{full_name}/stargazers",
            {"per_page": self.c.PER_PAGE, "page": number},
            accept=STAR_JSON,
            missing_ok=True,
        )
        if page is None:  # the repository was deleted since it was listed
            self.st["queue"].pop(0)
            self._next_repo()
            return self._checkpoint()
        where = Where(self.c.network, page.url)
        events = []
        older = False
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            star = obj(raw, at)
            when = moment(star, "starred_at", at)
            actor = self._actor(star, "user", at)
            if when < self.cutoff:
                older = True
                continue
            if actor is None:
                continue
            user = obj(star["user"], at, "user")
            self._seen(when)
            events.append(
                SocialEvent(
                    key=f"star:{repo_id}:{ident(user, 'id', at)}",
                    actor=actor,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.FAVORITE,
                    item=f"repo:{repo_id}",
                )
            )
        pages = self.st["pages"] + 1
        if not older and number > 1 and pages < self.c.MAX_PAGES:
            self.st.update(page=number - 1, pages=pages)
        else:
            self._next_sub()
        return self._checkpoint(events)

    def _forks(self, full_name: str, repo_id: str, forks: int) -> Checkpoint | None:
        if forks == 0:
            self._next_sub()
            return None
        url = self.st.get("next") or f"/repos/{full_name}/forks"
        page, where = self._fetch(
            url, {"sort": "newest", "per_page": self.c.PER_PAGE}, missing_ok=True
        )
        if page is None:
            self.st["queue"].pop(0)
            self._next_repo()
            return self._checkpoint()
        events = []
        older = False
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            fork = obj(raw, at)
            when = moment(fork, "created_at", at)
            if when < self.cutoff:
                older = True
                continue
            actor = self._actor(fork, "owner", at)
            if actor is None or actor == self.me_node:
                continue
            self._seen(when)
            events.append(
                SocialEvent(
                    key=f"fork:{ident(fork, 'id', at)}",
                    actor=actor,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.SHARE,
                    item=f"repo:{repo_id}",
                )
            )
        self._page_on(page, older)
        return self._checkpoint(events)

    def _issues(self, full_name: str, repo_id: str) -> Checkpoint | None:
        url = self.st.get("next") or f"/repos/{full_name}/issues"
        params: dict[str, str | int] = {
            "state": "all",
            "sort": "created",
            "direction": "desc",
            "since": self.cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "per_page": self.c.PER_PAGE,
        }
        page, where = self._fetch(url, params, missing_ok=True)
        if page is None:
            self.st["queue"].pop(0)
            self._next_repo()
            return self._checkpoint()
        events = []
        older = False
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            issue = obj(raw, at)
            when = moment(issue, "created_at", at)
            if when < self.cutoff:
                older = True
                continue
            actor = self._actor(issue, "user", at)
            if actor is None or actor == self.me_node:
                continue
            self._seen(when)
            prefix = "pull" if issue.get("pull_request") is not None else "issue"
            events.append(
                SocialEvent(
                    key=f"{prefix}:{ident(issue, 'id', at)}",
                    actor=actor,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.CONTRIBUTION,
                    item=f"repo:{repo_id}",
                )
            )
        self._page_on(page, older)
        return self._checkpoint(events)

    def _page_on(self, page: Page, older: bool) -> None:
        """Next page of a repository's stream, or its next stream (newest-first lists)."""
        pages = self.st["pages"] + 1
        if page.next_url and not older and pages < self.c.MAX_PAGES:
            self.st.update(next=page.next_url, pages=pages)
        else:
            self._next_sub()

    def _activity(self) -> Checkpoint | None:
        url = self.st.get("next") or f"/users/{self.me}/events/public"
        page, where = self._fetch(url, {"per_page": self.c.PER_PAGE})
        assert page is not None
        events = []
        older = False
        for n, raw in enumerate(items(page.data, where, ""), 1):
            at = where.at(n)
            event = obj(raw, at)
            kind = _ACTIVITY.get(text(event, "type", at))
            when = moment(event, "created_at", at)
            if when < self.cutoff:
                older = True
                continue
            if kind is None:
                continue
            payload = obj(event.get("payload"), at, "payload")
            if event["type"] in _OPENING and payload.get("action") != "opened":
                continue
            repo = obj(event.get("repo"), at, "repo")
            owner, slash, _ = text(repo, "name", at).partition("/")
            if not slash or not owner:
                raise at.fail("repo.name", "expected <owner>/<repository>")
            owner = owner.lower()
            if owner == self.me:
                continue
            self._seen(when)
            events.append(
                SocialEvent(
                    key=f"activity:{ident(event, 'id', at)}",
                    actor=self.me_node,
                    target=node(self.c.network, owner),
                    timestamp=when,
                    kind=kind,
                )
            )
        pages = self.st["pages"] + 1
        if page.next_url and not older and pages < self.c.MAX_PAGES:
            self.st.update(next=page.next_url, pages=pages)
        else:
            self._advance("done")
        return self._checkpoint(events)


def _login_from_url(value: str) -> str:
    """The login in a profile address; anything but ``github.com/<login>`` is refused."""
    address = value if "://" in value else f"https://{value}"
    try:
        parts = urlsplit(address)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValueError("That is not a GitHub profile address.") from None
    if parts.scheme not in ("http", "https") or host not in _HOSTS or parts.port is not None:
        raise ValueError("Give a github.com profile address, like https://github.com/octocat.")
    if parts.username or parts.password:
        raise ValueError("That is not a GitHub profile address.")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) != 1 or parts.path.count("/") > 2:
        raise ValueError("A GitHub profile address has the username alone after github.com/.")
    return segments[0]


def _time(value: object) -> datetime | None:
    """A time from a stored state (``None`` when absent or not a time)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
