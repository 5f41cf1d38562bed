"""GitHub's REST API as the demo records it: profile, followers, repositories,
stargazers, forks, issues and the person's public events."""

from __future__ import annotations

import base64
import math
import random
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from renown.demo.networks.common import (
    _FIRST,
    _LAST,
    _QUESTIONS,
    _WORDS,
    GITHUB,
    _Context,
    _exchange,
    _number,
    _rng,
    _spread,
    _zulu,
)


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
