"""Recorded GitHub answers for a linked account, written where the test installation's
connectors read them (``settings.connectors_replay``): the profile whose bio carries (or
not) the claim's code, two followers and one comment on someone else's project, so that a
pull keeps something and the account gets a score. Shared by the web and browser tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

API = "https://api.github.com"
JSON_HEADERS = {"content-type": "application/json; charset=utf-8"}


def _answer(url: str, body: Any) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": url},
        "response": {"status": 200, "headers": JSON_HEADERS, "json": body},
    }


def github_exchanges(login: str, bio: str, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """What ``api.github.com`` answers for ``login`` (see the module)."""
    now = now or datetime.now(UTC)
    recent = (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    number = sum(login.encode()) * 1000
    return [
        _answer(
            f"{API}/users/{login}",
            {
                "login": login,
                "id": number,
                "name": f"{login} (test)",
                "bio": bio,
                "html_url": f"https://github.com/{login}",
                "followers": 2,
            },
        ),
        _answer(
            f"{API}/users/{login}/followers?per_page=100",
            [{"login": "follower-one", "id": 501}, {"login": "follower-two", "id": 502}],
        ),
        _answer(f"{API}/users/{login}/repos?type=owner&sort=pushed&per_page=100", []),
        _answer(
            f"{API}/users/{login}/events/public?per_page=100",
            [
                {
                    "id": f"{number}1",
                    "type": "IssueCommentEvent",
                    "created_at": recent,
                    "repo": {"name": "follower-one/tools"},
                    "payload": {"action": "created"},
                }
            ],
        ),
    ]


def record_github(folder: Path, login: str, bio: str) -> Path:
    """Write (or replace) the recording of ``login`` in ``folder``; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"github-{login}.json"
    document = {"network": "github", "exchanges": github_exchanges(login, bio)}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
