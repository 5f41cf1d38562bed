"""The Stack Exchange API as the demo records it: the about-me filter, user,
answers, questions, accepts, answers and comments received, badges."""

from __future__ import annotations

import html
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from renown.demo.networks.common import (
    _BADGES,
    _QUESTIONS,
    SE_FILTER,
    STACKEXCHANGE,
    _Context,
    _digest,
    _exchange,
    _number,
    _paragraphs,
    _spread,
)


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
