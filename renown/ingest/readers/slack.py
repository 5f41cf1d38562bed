"""Slack workspace export (``users.json``, ``channels.json``, one folder per channel
with ``YYYY-MM-DD.json`` day files) -> canonical events, channel ``"chat"``.

Which messages are attention to a *specific* person? Only those are edges:

* a **thread reply** is a ``"reply"`` from its author to the thread parent's author;
* a **mention** ``<@U123>`` is a ``"mention"`` from the author to the person mentioned
  (not repeated for the person the message already replies to);
* a **reaction** is a ``"reaction"`` from each reacting person to the message's author,
  once per person and message however many emoji they add; exports keep no reaction
  time, so the message's time is used;
* in **direct and group-direct conversations** (``dms.json``, ``mpims.json``) every
  message is addressed to the other members: a ``"message"`` to each of them.

A plain top-level message in a channel is a broadcast, not attention to anyone in
particular, and produces no event. Join/leave/topic notices and bot messages produce
nothing; bots (``is_bot`` or Slackbot) are left out as actors and targets unless
``include_bots``. Self-interactions are dropped.

People are their e-mail address from ``users.json`` when it is there (so Slack and
mail merge into one person), else the Slack user id. Keys hash the Slack ids
(``event_key("slack", conversation_id, ts, kind, actor_user_id, target_user_id)``), which never
change, so re-reading an export yields the same keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import polars as pl

from renown.core.delimited import decode_text
from renown.core.errors import InputError
from renown.core.events import Channel, Kind, event_key
from renown.ingest.readers._lines import json_array_element_lines, load_json
from renown.ingest.schema import EVENT_SCHEMA, conform

SLACK_SOURCE: Final = "slack"
_SLACKBOT: Final = "USLACKBOT"
_MENTION: Final = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TS: Final = re.compile(r"^(\d{1,12})(?:\.(\d{1,6})\d*)?$")
_MAX_TS: Final = 253_402_300_799
"""The last second of year 9999, the latest instant a datetime can hold."""
_CONTENT_SUBTYPES: Final = frozenset(
    {"thread_broadcast", "file_share", "me_message", "file_comment", "reply_broadcast"}
)
"""Subtypes written by a person; every other subtype is a system notice or a bot."""

_CONVERSATION_FILES: Final = (
    ("channels.json", "name", False),
    ("groups.json", "name", False),
    ("mpims.json", "name", True),
    ("dms.json", "id", True),
)
"""Metadata file, the key naming the conversation's folder, and whether it is direct."""


@dataclass(frozen=True)
class _Conversation:
    id: str
    folder: Path
    members: tuple[str, ...]
    direct: bool


@dataclass(frozen=True)
class _Message:
    body: Mapping[str, Any]
    ts: str
    time: datetime


def read_slack(path: str | Path, *, include_bots: bool = False) -> pl.DataFrame:
    """Read a Slack export folder into canonical events.

    Parameters
    ----------
    path:
        The unzipped export folder (contains ``users.json``).
    include_bots:
        Keep bot users as actors and targets.

    Returns
    -------
    polars.DataFrame
        Canonical events, channel ``"chat"``, source ``"slack"``.

    Raises
    ------
    InputError
        Missing ``users.json``, a file that is not valid JSON (names file and line), or
        a message without a valid ``ts`` (names the file, the message's line and ``ts``).
    """
    folder = Path(path)
    users_file = folder / "users.json"
    if not users_file.is_file():
        raise InputError(str(folder), "not a Slack export (no users.json)", field="users.json")
    people, bots = _people(users_file, include_bots=include_bots)
    rows: list[tuple[object, ...]] = []
    for conversation in _conversations(folder):
        messages = list(_messages(conversation.folder))
        authors = {m.ts: str(m.body["user"]) for m in messages}
        for message in messages:
            rows.extend(_message_rows(message, conversation, authors, people, bots))
    return conform(pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row"))


def _load_json(file: Path) -> Any:
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(str(file), f"cannot be read ({error.strerror or error})") from None
    try:
        return load_json(decode_text(data, str(file)))
    except json.JSONDecodeError as error:
        raise InputError(
            str(file), f"is not valid JSON ({error.msg})", line=error.lineno
        ) from error
    except ValueError as error:  # nested too deeply, an integer too long to read
        raise InputError(str(file), f"is not valid JSON ({error})") from None


def _array(file: Path) -> list[Any]:
    value = _load_json(file)
    if not isinstance(value, list):
        raise InputError(str(file), "expected a JSON array", line=1)
    return value


def _element_line(file: Path, index: int) -> int | None:
    """The line element ``index`` of the (already parsed) array in ``file`` starts on."""
    lines = json_array_element_lines(file.read_text(encoding="utf-8-sig"))
    return lines[index] if index < len(lines) else None


def _people(users_file: Path, *, include_bots: bool) -> tuple[dict[str, str], set[str]]:
    """Slack user id -> person id, and the ids of bots to leave out."""
    people: dict[str, str] = {}
    bots: set[str] = set() if include_bots else {_SLACKBOT}
    for user in _array(users_file):
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        profile = user.get("profile")
        email = profile.get("email") if isinstance(profile, dict) else None
        address = email.strip().lower() if isinstance(email, str) else ""
        people[user["id"]] = address or user["id"]
        if user.get("is_bot") and not include_bots:
            bots.add(user["id"])
    return people, bots


def _conversations(folder: Path) -> Iterator[_Conversation]:
    """Every conversation folder, with members and directness from the metadata files."""
    listed: set[str] = set()
    for name, folder_key, direct in _CONVERSATION_FILES:
        meta = folder / name
        if not meta.is_file():
            continue
        for index, entry in enumerate(_array(meta)):
            if not isinstance(entry, dict) or not entry.get(folder_key):
                continue
            sub_name, members = entry[folder_key], entry.get("members") or []
            if not isinstance(sub_name, str) or not _is_plain_name(sub_name):
                raise InputError(
                    str(meta),
                    f"{folder_key} {sub_name!r} is not the name of a folder of the export",
                    line=_element_line(meta, index),
                    field=folder_key,
                )
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise InputError(
                    str(meta),
                    "members must be a list of user ids",
                    line=_element_line(meta, index),
                    field="members",
                )
            sub = folder / sub_name
            listed.add(sub_name)
            if sub.is_dir():
                yield _Conversation(str(entry.get("id") or sub_name), sub, tuple(members), direct)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in listed):
        yield _Conversation(sub.name, sub, (), direct=False)


def _is_plain_name(name: str) -> bool:
    """A single folder name inside the export: no separators, no parent or hidden entry."""
    return (
        bool(name) and not name.startswith(".") and not any(c in name for c in ("/", "\\", "\x00"))
    )


def _slack_time(value: object) -> datetime | None:
    match = _TS.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > _MAX_TS:
        return None
    micros = int((match.group(2) or "").ljust(6, "0"))
    return datetime.fromtimestamp(int(match.group(1)), UTC) + timedelta(microseconds=micros)


def _messages(folder: Path) -> Iterator[_Message]:
    """Person-written messages of one conversation in file (day) order."""
    for file in sorted(p for p in folder.glob("*.json") if p.is_file()):
        for index, body in enumerate(_array(file)):
            if not isinstance(body, dict) or body.get("type", "message") != "message":
                continue
            subtype = body.get("subtype")
            person_written = subtype is None or (
                isinstance(subtype, str) and subtype in _CONTENT_SUBTYPES
            )
            if not person_written or not isinstance(body.get("user"), str):
                continue
            time = _slack_time(body.get("ts"))
            if time is None:
                raise InputError(
                    str(file),
                    f"message has no valid ts ({body.get('ts')!r}); expected epoch seconds",
                    line=_element_line(file, index),
                    field="ts",
                )
            yield _Message(body, str(body["ts"]), time)


def _message_rows(
    message: _Message,
    conversation: _Conversation,
    authors: Mapping[str, str],
    people: Mapping[str, str],
    bots: set[str],
) -> Iterator[tuple[object, ...]]:
    """Events of one message: reply, mentions, direct addressees, reactions."""
    body = message.body
    author = str(body["user"])
    addressed: list[tuple[str, str]] = []
    thread = body.get("thread_ts")
    if isinstance(thread, str) and thread != message.ts:
        parent = body.get("parent_user_id") or authors.get(thread)
        if isinstance(parent, str):
            addressed.append((parent, Kind.REPLY.value))
    text = body.get("text") if isinstance(body.get("text"), str) else ""
    addressed += [(user, Kind.MENTION.value) for user in _MENTION.findall(str(text))]
    if conversation.direct:
        addressed += [(member, Kind.MESSAGE.value) for member in conversation.members]
    seen = {author}
    if author not in bots:
        for user, kind in addressed:
            if user in seen or user in bots:
                continue
            seen.add(user)
            yield _row(
                conversation, message, kind, actor_user=author, target_user=user, people=people
            )
    reactors: set[str] = {author}
    reactions = body.get("reactions")
    for reaction in reactions if isinstance(reactions, list) else []:
        users = reaction.get("users") if isinstance(reaction, dict) else None
        for user in users if isinstance(users, list) else []:
            if not isinstance(user, str) or user in reactors or user in bots or author in bots:
                continue
            reactors.add(user)
            yield _row(
                conversation,
                message,
                Kind.REACTION.value,
                actor_user=user,
                target_user=author,
                people=people,
            )


def _row(
    conversation: _Conversation,
    message: _Message,
    kind: str,
    *,
    actor_user: str,
    target_user: str,
    people: Mapping[str, str],
) -> tuple[object, ...]:
    """One canonical row; the key uses Slack ids, which survive renames and e-mail changes."""
    key = event_key(SLACK_SOURCE, conversation.id, message.ts, kind, actor_user, target_user)
    actor = people.get(actor_user, actor_user)
    target = people.get(target_user, target_user)
    return (key, actor, target, message.time, Channel.CHAT.value, kind, 1.0, SLACK_SOURCE)
