"""Stack Exchange (Stack Overflow and every other site of the network), API 2.3.

A handle names one site's account: ``stackoverflow/22656`` (the site's API parameter and
the user id), since each site has its own accounts and its own reputation.

What is read, and why each way:

* ``/users/{id}`` with a filter that adds ``about_me`` (the bio carries a verification
  code; the default filter leaves it out, so the filter is made by ``/filters/create``,
  which gives the same immutable filter for the same fields every time).
* ``/users/{id}/answers`` and ``/users/{id}/questions`` (newest first, back to ``since``,
  re-read each pull because their scores change): items; each post's score is one
  anonymous upvote event (votes are never public), keyed by the post, so a re-pull
  replaces its weight.
* ``/questions/{ids}``: who asked the questions the person's accepted answers answer
  (the asker accepts), up to 100 ids a call; a deleted question is simply not returned.
* ``/questions/{ids}/answers``: who answered the person's questions (named).
* ``/posts/{ids}/comments``: who commented on the person's posts (named).
* ``/users/{id}/badges``: badges, as items (no events: a badge is the site's, not a person's,
  recognition).

The API's dialect of rate limiting is in the body: ``backoff`` (seconds before the next
call, honoured through :meth:`ApiClient.hold`), ``quota_remaining`` (a daily quota: when it
is spent the pull stops until the next UTC midnight), and errors answered with HTTP 400 and
``error_id``/``error_name`` (``throttle_violation``, 502, is a rate limit).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar, Final

import httpx

from renown.connectors import kinds
from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent, node
from renown.connectors.errors import AccountNotFound, ConnectorError, RateLimited
from renown.connectors.http import ApiClient, Page
from renown.connectors.shapes import Where, ident, items, moment, obj, text, whole
from renown.connectors.stackexchange_sites import HANDLE as _HANDLE
from renown.connectors.stackexchange_sites import SITE as _SITE
from renown.connectors.stackexchange_sites import domain_of as _domain
from renown.connectors.stackexchange_sites import from_url as _from_url
from renown.connectors.stackexchange_sites import user_id as _user_id

API: Final = "https://api.stackexchange.com/2.3"
THROTTLE_VIOLATION: Final = 502
_WAIT_SECONDS: Final = re.compile(r"available in (\d{1,7}) seconds")
_TAG: Final = re.compile(r"<[^>]*>")


class StackExchange:
    """The Stack Exchange connector (see the module docstring)."""

    network: ClassVar[str] = "stackexchange"
    label: ClassVar[str] = "Stack Exchange"
    verification: ClassVar[tuple[str, ...]] = ("oauth", "bio")
    MAX_PAGES: ClassVar[int] = 10
    """Pages read per stream (and per batch of ids) in one pull."""
    PAGE_SIZE: ClassVar[int] = 100
    BATCH: ClassVar[int] = 100
    """Ids per ``/questions/{ids}`` or ``/posts/{ids}`` call (the API's limit)."""

    def parse_handle(self, text: str) -> str:
        """``site/id`` from ``stackoverflow/22656`` or a profile address on any site."""
        value = text.strip()
        if not value:
            raise ValueError("Type a profile address, like https://stackoverflow.com/users/22656.")
        if len(value) > 300:
            raise ValueError("That is too long for a Stack Exchange profile address.")
        short = _HANDLE.fullmatch(value.lower())
        if short and _SITE.fullmatch(short.group(1)):
            site, user_id = short.group(1), short.group(2)
        elif "/" in value:
            site, user_id = _from_url(value)
        else:
            raise ValueError(
                "Give the site and the user id, like stackoverflow/22656, or the profile's address."
            )
        if not _SITE.fullmatch(site):
            raise ValueError(f"{site[:40]!r} is not a Stack Exchange site.")
        return f"{site}/{_user_id(user_id)}"

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client of ``api.stackexchange.com`` (one API for every site: ``site=`` says which).

        Public reads need no token; one given is sent as a bearer header, never in a URL.
        """
        return ApiClient(network=self.network, base_url=API, transport=transport, token=token)

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """``/users/{id}`` with ``about_me``; no such user is ``AccountNotFound``."""
        site, user_id = self.parse_handle(handle).split("/")
        made = _call(client, "/filters/create", {"include": "user.about_me", "base": "default"})
        where = Where(self.network, made.url)
        found = items(made.data, where, "items")
        about_filter = text(obj(found[0], where.at(1)), "filter", where.at(1)) if found else ""
        params: dict[str, str | int] = {"site": site}
        if about_filter:
            params["filter"] = about_filter
        page = _call(client, f"/users/{user_id}", params)
        where = Where(self.network, page.url)
        users = items(page.data, where, "items")
        if not users:
            raise AccountNotFound(self.network, page.url, "no such user (deleted or never public)")
        at = where.at(1)
        user = obj(users[0], at)
        if ident(user, "user_id", at) != user_id:
            raise at.fail("user_id", f"expected user {user_id}")
        return PublicProfile(
            network=self.network,
            handle=f"{site}/{user_id}",
            external_id=ident(user, "account_id", at),
            display_name=html.unescape(text(user, "display_name", at)),
            bio=_plain(text(user, "about_me", at, optional=True)),
            url=text(user, "link", at),
            audience=whole(user, "reputation", at, optional=True),
        )

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """A person proves a Stack Exchange account by its "about me" or OAuth, not a post."""
        return []

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """Answers, questions, accepts, answers received, comments received, badges.

        ``state`` is a finished pull's ``{"after": newest time seen}`` (answers and
        comments received are then read only from it; the person's posts are read back
        to ``since`` each time, for their scores) or the middle of one.
        """
        return _Pull(self, client, profile, state, since).run()


_STAGES: Final = ("answers", "questions", "accepts", "answered", "comments", "badges")


class _Pull:
    """One pull's walk through the stages; ``st`` is the JSON state after each page."""

    def __init__(
        self,
        connector: StackExchange,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        since: datetime,
    ) -> None:
        self.c = connector
        self.client = client
        self.site, self.user_id = profile.handle.split("/")
        self.me_node = node(connector.network, profile.handle)
        st = dict(json.loads(json.dumps(state))) if state else {}
        if "stage" not in st:
            after = _time(st.get("after"))
            st = {
                "stage": _STAGES[0],
                "page": 1,
                "pages": 0,
                "offset": 0,
                "since": since.isoformat(),
                "cutoff": (max(since, after) if after else since).isoformat(),
                "newest": after.isoformat() if after else None,
                "accepted": [],
                "asked": [],
                "posts": [],
            }
        self.st = st
        self.since = _time(st.get("since")) or since
        self.cutoff = _time(st.get("cutoff")) or since

    def run(self) -> Iterator[Checkpoint]:
        steps = {
            "answers": self._answers,
            "questions": self._questions,
            "accepts": self._accepts,
            "answered": self._answered,
            "comments": self._comments,
            "badges": self._badges,
        }
        while self.st["stage"] != "done":
            step = steps.get(self.st["stage"])
            if step is None:
                raise ValueError(f"unknown stackexchange pull stage {self.st['stage']!r}")
            checkpoint = step()
            if checkpoint is not None:
                yield checkpoint
        yield Checkpoint(state={"after": self.st.get("newest")})

    # -- helpers -----------------------------------------------------------------------

    def _checkpoint(
        self, events: list[SocialEvent] | None = None, pulled: list[PulledItem] | None = None
    ) -> Checkpoint:
        return Checkpoint(
            events=tuple(events or ()),
            items=tuple(pulled or ()),
            state=json.loads(json.dumps(self.st)),
        )

    def _next_stage(self) -> None:
        stage = self.st["stage"]
        position = _STAGES.index(stage)
        following = _STAGES[position + 1] if position + 1 < len(_STAGES) else "done"
        self.st.update(stage=following, page=1, pages=0, offset=0)

    def _paged(self, has_more: bool, *, older: bool = False) -> None:
        """The stream's next page, or its end (no more, older than wanted, or the bound)."""
        pages = self.st["pages"] + 1
        if has_more and not older and pages < self.c.MAX_PAGES:
            self.st.update(page=self.st["page"] + 1, pages=pages)
        else:
            self._next_stage()

    def _batched(self, has_more: bool, total: int) -> None:
        """The batch's next page, the next batch of ids, or the next stage."""
        pages = self.st["pages"] + 1
        if has_more and pages < self.c.MAX_PAGES:
            self.st.update(page=self.st["page"] + 1, pages=pages)
        elif self.st["offset"] + self.c.BATCH < total:
            self.st.update(offset=self.st["offset"] + self.c.BATCH, page=1, pages=0)
        else:
            self._next_stage()

    def _seen(self, when: datetime) -> None:
        newest = _time(self.st.get("newest"))
        if newest is None or when > newest:
            self.st["newest"] = when.isoformat()

    def _list(self, path: str, **params: str | int) -> tuple[list[Any], bool, Where]:
        page = _call(
            self.client,
            path,
            {"site": self.site, "pagesize": self.c.PAGE_SIZE, "page": self.st["page"], **params},
        )
        where = Where(self.c.network, page.url)
        found = items(page.data, where, "items")
        has_more = page.data.get("has_more")
        if not isinstance(has_more, bool):
            raise where.fail("has_more", "expected true or false")
        return found, has_more, where

    def _account(self, record: Mapping[str, Any], where: Where) -> str | None:
        """The node of a post's or comment's owner (``None`` for a deleted account)."""
        owner = obj(record.get("owner"), where, "owner")
        if owner.get("user_id") is None:  # user_type "does_not_exist"
            return None
        return node(self.c.network, f"{self.site}/{ident(owner, 'user_id', where)}")

    def _url(self, path: str) -> str:
        return f"https://{_domain(self.site)}{path}"

    def _dated(self) -> dict[str, str | int]:
        return {"sort": "creation", "order": "desc"}

    # -- stages ------------------------------------------------------------------------

    def _answers(self) -> Checkpoint:
        found, has_more, where = self._list(
            f"/users/{self.user_id}/answers",
            fromdate=int(self.since.timestamp()),
            **self._dated(),
        )
        pulled, events = [], []
        older = False
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            answer = obj(raw, at)
            answer_id = ident(answer, "answer_id", at)
            question_id = ident(answer, "question_id", at)
            created = moment(answer, "creation_date", at)
            if created < self.since:
                older = True
                continue
            score = _score(answer, at)
            key = f"answer:{answer_id}"
            pulled.append(
                PulledItem(
                    key=key,
                    kind="answer",
                    title=html.unescape(text(answer, "title", at, optional=True))
                    or f"Answer {answer_id}",
                    url=self._url(f"/a/{answer_id}"),
                    created_at=created,
                    engagement={"score": score},
                )
            )
            if score > 0:
                events.append(self._votes("answer", answer_id, score, created))
            accepted = answer.get("is_accepted")
            if not isinstance(accepted, bool):
                raise at.fail("is_accepted", "expected true or false")
            if accepted:
                self.st["accepted"].append([question_id, answer_id, created.isoformat()])
            self.st["posts"].append([answer_id, "answer"])
        self._paged(has_more, older=older)
        return self._checkpoint(events, pulled)

    def _votes(self, kind: str, post_id: str, score: int, created: datetime) -> SocialEvent:
        """A post's score, as one anonymous upvote (the API never says who voted)."""
        return SocialEvent(
            key=f"votes:{kind}:{post_id}",
            actor=None,
            target=self.me_node,
            timestamp=created,
            kind=kinds.UPVOTE,
            weight=float(score),
            item=f"{kind}:{post_id}",
        )

    def _questions(self) -> Checkpoint:
        found, has_more, where = self._list(
            f"/users/{self.user_id}/questions",
            fromdate=int(self.since.timestamp()),
            **self._dated(),
        )
        pulled, events = [], []
        older = False
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            question = obj(raw, at)
            question_id = ident(question, "question_id", at)
            created = moment(question, "creation_date", at)
            if created < self.since:
                older = True
                continue
            score = _score(question, at)
            answers = whole(question, "answer_count", at)
            pulled.append(
                PulledItem(
                    key=f"question:{question_id}",
                    kind="question",
                    title=html.unescape(text(question, "title", at)),
                    url=text(question, "link", at, optional=True) or self._url(f"/q/{question_id}"),
                    created_at=created,
                    engagement={
                        "score": score,
                        "answers": answers,
                        "views": whole(question, "view_count", at, optional=True),
                    },
                )
            )
            if score > 0:
                events.append(self._votes("question", question_id, score, created))
            if answers > 0:
                self.st["asked"].append(question_id)
            self.st["posts"].append([question_id, "question"])
        self._paged(has_more, older=older)
        return self._checkpoint(events, pulled)

    def _accepts(self) -> Checkpoint | None:
        accepted = self.st["accepted"]
        if not accepted:
            self._next_stage()
            return None
        batch = accepted[self.st["offset"] : self.st["offset"] + self.c.BATCH]
        ids = ";".join(sorted({question_id for question_id, _, _ in batch}, key=int))
        found, has_more, where = self._list(f"/questions/{ids}")
        askers: dict[str, str | None] = {}
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            question = obj(raw, at)
            askers[ident(question, "question_id", at)] = self._account(question, at)
        events = []
        for question_id, answer_id, created in batch:
            asker = askers.get(question_id)
            when = _time(created)
            # A deleted question is not returned; a self-answer accepted earns nothing.
            if asker is None or asker == self.me_node or when is None:
                continue
            events.append(
                SocialEvent(
                    key=f"accept:{answer_id}",
                    actor=asker,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.ACCEPT,
                    item=f"answer:{answer_id}",
                )
            )
        self._batched(has_more, len(accepted))
        return self._checkpoint(events)

    def _answered(self) -> Checkpoint | None:
        asked = self.st["asked"]
        if not asked:
            self._next_stage()
            return None
        ids = ";".join(asked[self.st["offset"] : self.st["offset"] + self.c.BATCH])
        found, has_more, where = self._list(
            f"/questions/{ids}/answers", fromdate=int(self.cutoff.timestamp()), **self._dated()
        )
        events = []
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            answer = obj(raw, at)
            when = moment(answer, "creation_date", at)
            answer_id = ident(answer, "answer_id", at)
            question_id = ident(answer, "question_id", at)
            actor = self._account(answer, at)
            if when < self.cutoff or actor is None or actor == self.me_node:
                continue
            self._seen(when)
            events.append(
                SocialEvent(
                    key=f"answered:{answer_id}",
                    actor=actor,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.ANSWER,
                    item=f"question:{question_id}",
                )
            )
        self._batched(has_more, len(asked))
        return self._checkpoint(events)

    def _comments(self) -> Checkpoint | None:
        posts = self.st["posts"]
        if not posts:
            self._next_stage()
            return None
        batch = posts[self.st["offset"] : self.st["offset"] + self.c.BATCH]
        kind_of = {post_id: kind for post_id, kind in batch}
        found, has_more, where = self._list(
            f"/posts/{';'.join(kind_of)}/comments",
            fromdate=int(self.cutoff.timestamp()),
            **self._dated(),
        )
        events = []
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            comment = obj(raw, at)
            when = moment(comment, "creation_date", at)
            comment_id = ident(comment, "comment_id", at)
            post_id = ident(comment, "post_id", at)
            actor = self._account(comment, at)
            if when < self.cutoff or actor is None or actor == self.me_node:
                continue
            self._seen(when)
            kind = kind_of.get(post_id)
            events.append(
                SocialEvent(
                    key=f"comment:{comment_id}",
                    actor=actor,
                    target=self.me_node,
                    timestamp=when,
                    kind=kinds.COMMENT,
                    item=f"{kind}:{post_id}" if kind else None,
                )
            )
        self._batched(has_more, len(posts))
        return self._checkpoint(events)

    def _badges(self) -> Checkpoint:
        found, has_more, where = self._list(f"/users/{self.user_id}/badges")
        now = self.client.clock.now()
        pulled = []
        for n, raw in enumerate(found, 1):
            at = where.at(n)
            badge = obj(raw, at)
            badge_id = ident(badge, "badge_id", at)
            pulled.append(
                PulledItem(
                    key=f"badge:{badge_id}",
                    kind="badge",
                    title=_badge_title(badge, at),
                    url=text(badge, "link", at, optional=True)
                    or self._url(f"/help/badges/{badge_id}"),
                    # The API does not say when a badge was awarded: the pull that saw it.
                    created_at=now,
                    engagement={"awarded": whole(badge, "award_count", at, optional=True)},
                )
            )
        self._paged(has_more)
        return self._checkpoint(pulled=pulled)


def _badge_title(badge: Mapping[str, Any], where: Where) -> str:
    """``Great Answer (gold)``: the badge's name and rank."""
    name = html.unescape(text(badge, "name", where))
    rank = text(badge, "rank", where, optional=True)
    return f"{name} ({rank})" if rank else name


def _call(client: ApiClient, path: str, params: Mapping[str, str | int]) -> Page:
    """One API call, its wrapper read: errors, throttles, ``backoff`` and the daily quota.

    Returns the :class:`~renown.connectors.http.Page` whose ``data`` is the wrapper object.
    """
    page = client.get_json(path, params, errors_in_body=True)
    assert page is not None
    where = Where(client.network, page.url)
    wrapper = obj(page.data, where)
    if wrapper.get("error_id") is not None or page.status == 400:
        error_id = whole(wrapper, "error_id", where)
        name = text(wrapper, "error_name", where, optional=True) or "error"
        message = text(wrapper, "error_message", where, optional=True)
        if error_id == THROTTLE_VIOLATION:
            now = client.clock.now()
            wait = _WAIT_SECONDS.search(message)
            resume = now + timedelta(seconds=int(wait.group(1)) if wait else 60)
            raise RateLimited(client.network, where.url.split("?", 1)[0], resume)
        raise ConnectorError(
            client.network, where.url.split("?", 1)[0], f"{name} ({error_id}): {message[:200]}"
        )
    backoff = wrapper.get("backoff")
    if backoff is not None:
        client.hold(float(whole(wrapper, "backoff", where)))
    remaining = wrapper.get("quota_remaining")
    if remaining is not None and whole(wrapper, "quota_remaining", where) == 0:
        # The quota is spent: this page is good, the next call waits for the new day.
        now = client.clock.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), UTC)
        client.hold((midnight - now).total_seconds())
    return page


def _score(post: Mapping[str, Any], where: Where) -> int:
    """A post's score (it may be negative, unlike the counts :func:`whole` reads)."""
    found = post.get("score")
    if isinstance(found, bool) or not isinstance(found, int):
        raise where.fail("score", "expected a whole number")
    return found


def _plain(markup: str) -> str:
    """The text of the HTML ``about_me`` (tags dropped, entities decoded)."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
