"""Mail: mbox files and Maildir folders -> canonical events.

One event per (message, recipient): the sender attends to each person they write to.
``kind`` is ``"reply"`` for the To recipients of a message that answers another
(``In-Reply-To`` is set): a reply shows sustained attention, not a broadcast. Cc and Bcc
recipients get ``"cc"`` and ``"bcc"``, which the graph weighs less than a direct message.

People are identified by normalised addresses (see :func:`normalize_address`) so that
``Ann <Ann+lists@GoogleMail.com>`` and ``ann@gmail.com`` are one person, and an
optional ``aliases`` mapping (address -> canonical person id, addresses normalised before
lookup) merges a person's several addresses into one id. Both readers return canonical
events with channel ``"email"`` and source ``"mail"``.

A recipient listed twice (To and Cc) counts once, with the strongest kind; mail to
oneself is dropped (it is no attention to another person); addresses without ``@``
(group syntax, ``undisclosed-recipients``) cannot name a person and are skipped.

Keys are ``event_key("mail", message_id, recipient, kind)`` with the recipient's
normalised address, so the same message found in the sender's and the recipient's
mailboxes dedupes in the lake. Messages without a Message-ID get one derived from a hash
of their identifying headers.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import functools
import itertools
import mailbox
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import Channel, Kind, event_key
from renown.ingest.schema import EVENT_SCHEMA, conform

MAIL_SOURCE: Final = "mail"
_GMAIL_DOMAINS: Final[Mapping[str, str]] = {"googlemail.com": "gmail.com"}
_RECIPIENT_HEADERS: Final = (("To", Kind.TO), ("Cc", Kind.CC), ("Bcc", Kind.BCC))
_HEADER_END: Final = re.compile(rb"\r?\n\r?\n")
_CACHED: Final = 1 << 16
"""Header values and addresses whose parse is remembered (a bounded cache)."""


def normalize_address(address: str) -> str | None:
    """Canonical form of one mail address, or None when it names no mailbox.

    Lower-cases, drops a display name and angle brackets, removes a ``+tag`` from the
    local part (sub-addressing reaches the same person) and treats ``googlemail.com``
    as ``gmail.com``.

    Parameters
    ----------
    address:
        ``"Ann <ann+x@example.com>"``, ``"ann@example.com"`` or similar.

    Returns
    -------
    str or None
        ``"ann@example.com"``, or None without a local part and a domain.
    """
    _name, bare = email.utils.parseaddr(address)
    bare = bare.strip().strip("<>").lower()
    local, at, domain = bare.rpartition("@")
    if not at or not local or not domain:
        return None
    local = local.split("+", 1)[0]
    if not local:
        return None
    domain = _GMAIL_DOMAINS.get(domain, domain)
    return f"{local}@{domain}"


@dataclass(frozen=True)
class _Where:
    """Where a message lives, to point at its Date header when it is wrong."""

    source: str
    first_line: int
    label: str


def read_mbox(path: str | Path, *, aliases: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Read every message of an mbox file.

    Parameters
    ----------
    path:
        The mbox file.

    Raises
    ------
    InputError
        Missing file, or a message whose Date cannot be read (names the file, the line of
        the Date header and field ``"Date"``).
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(str(file), "mbox file not found")
    people = _AliasBook(aliases)
    box = mailbox.mbox(file, create=False)
    rows: list[tuple[object, ...]] = []
    from_lines: list[int] | None = None
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            # From bytes, not box.get_message(): that decodes the "From " line as ASCII
            # and fails on the first mailbox whose separator line names a non-ASCII sender.
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.compat32)
            try:
                rows.extend(_message_rows(message, people))
            except _DateError as bad:
                from_lines = from_lines or _mbox_from_lines(file)
                first = from_lines[number - 1] + 1 if number <= len(from_lines) else 1
                where = _Where(str(file), first, f"message {number}")
                raise bad.located(where, box.get_bytes(key)) from None
    finally:
        box.close()
    return _frame(rows)


MBOX_CHUNK_BYTES: Final = 32 * 1024**2
"""Bytes of an mbox read at a time by :func:`mbox_batches`."""


def mbox_batches(
    path: str | Path,
    *,
    aliases: Mapping[str, str] | None = None,
    chunk_bytes: int = MBOX_CHUNK_BYTES,
) -> Iterator[pl.DataFrame]:
    """The events of :func:`read_mbox`, in the same order, a batch per ``chunk_bytes`` read.

    Memory holds one chunk of the file (or one message, if larger) and its events, whatever
    the file's size. Messages are split where :mod:`mailbox` splits them (a line starting
    with ``From ``) and only their header block is parsed: the events come from headers
    alone, and parsing bodies would cost most of the time on real mail.

    Raises
    ------
    InputError
        As :func:`read_mbox`.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(str(file), "mbox file not found")
    people = _AliasBook(aliases)
    rows: list[tuple[object, ...]] = []
    read = 0
    with file.open("rb") as stream:
        for number, (head, size) in enumerate(_mbox_heads(stream, chunk_bytes), start=1):
            message = email.message_from_bytes(head, policy=email.policy.compat32)
            try:
                rows.extend(_message_rows(message, people))
            except _DateError as bad:
                from_lines = _mbox_from_lines(file)
                first = from_lines[number - 1] + 1 if number <= len(from_lines) else 1
                where = _Where(str(file), first, f"message {number}")
                raise bad.located(where, head) from None
            read += size
            if read >= chunk_bytes:
                yield _frame(rows)
                rows, read = [], 0
    if rows:
        yield _frame(rows)


def _mbox_heads(stream: BinaryIO, chunk_bytes: int) -> Iterator[tuple[bytes, int]]:
    """Header block (blank line included) and size of every message of an mbox stream.

    A message starts at a line beginning with ``From `` (that line is not part of it) and
    runs to the next such line, as :mod:`mailbox` reads it; text before the first is none.
    """
    carry, in_message, first = b"", False, True
    while True:
        block = stream.read(chunk_bytes)
        data = carry + block if carry else block
        starts = [0] if in_message or (first and data.startswith(b"From ")) else []
        if first and len(data) < len(b"From ") and block:
            carry = data  # too short yet to tell whether the file starts with a message
            continue
        first = False
        position = data.find(b"\nFrom ")
        while position >= 0:
            starts.append(position + 1)
            position = data.find(b"\nFrom ", position + 1)
        if not starts:
            if not block:
                return
            carry, in_message = data[-5:], False  # a separator may straddle two blocks
            continue
        # the last message may go on in the next block, unless this was the last
        bounds = [*starts, len(data)] if not block else starts
        for start, end in itertools.pairwise(bounds):
            line_end = data.find(b"\n", start, end)
            message = data[line_end + 1 : end] if line_end >= 0 else b""
            head_end = _HEADER_END.search(message)
            yield (message[: head_end.end()] if head_end else message), end - start
        if not block:
            return
        carry, in_message = data[starts[-1] :], True


def read_maildir(path: str | Path, *, aliases: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Read every message of a Maildir folder (``new`` and ``cur``, not ``tmp``).

    Parameters
    ----------
    path:
        Maildir folder (contains ``cur`` and ``new``).

    Raises
    ------
    InputError
        Not a Maildir, or a message whose Date cannot be read (names the message file,
        the line of its Date header and field ``"Date"``).
    """
    folder = Path(path)
    if not (folder / "cur").is_dir() and not (folder / "new").is_dir():
        raise InputError(str(folder), "not a Maildir folder (no cur/ or new/)")
    people = _AliasBook(aliases)
    rows: list[tuple[object, ...]] = []
    for file in _maildir_files(folder):
        data = file.read_bytes()
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        try:
            rows.extend(_message_rows(message, people))
        except _DateError as bad:
            raise bad.located(_Where(str(file), 1, "message"), data) from None
    return _frame(rows)


def _maildir_files(folder: Path) -> Iterator[Path]:
    """Message files in a stable order (sub-folder, then name); dot files are skipped."""
    for sub in ("new", "cur"):
        directory = folder / sub
        if directory.is_dir():
            for file in sorted(directory.iterdir()):
                if file.is_file() and not file.name.startswith("."):
                    yield file


def _mbox_from_lines(file: Path) -> list[int]:
    """1-based line of every ``From `` separator, by the rule :mod:`mailbox` splits on."""
    lines: list[int] = []
    with file.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if line.startswith(b"From "):
                lines.append(number)
    return lines


class _AliasBook:
    """Maps normalised addresses to person ids."""

    def __init__(self, aliases: Mapping[str, str] | None) -> None:
        self._ids: dict[str, str] = {}
        for address, person in (aliases or {}).items():
            self._ids[normalize_address(address) or address.strip().lower()] = person

    def person(self, address: str) -> str:
        return self._ids.get(address, address)


class _DateError(Exception):
    """Raised inside message parsing; the caller adds the location."""

    def __init__(self, value: str | None) -> None:
        super().__init__(value)
        self.value = value

    def located(self, where: _Where, raw: bytes) -> InputError:
        header_line = _header_line(raw, "date")
        line = where.first_line + header_line - 1 if header_line else where.first_line
        what = "has no Date header" if self.value is None else f"cannot read date {self.value!r}"
        return InputError(where.source, f"{where.label} {what}", line=line, field="Date")


def _header_line(raw: bytes, name: str) -> int | None:
    """1-based line of header ``name`` within a message's raw bytes, if present."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    prefix = name.lower().encode("ascii") + b":"
    for number, line in enumerate(head.split(b"\n"), start=1):
        if line.lower().startswith(prefix):
            return number
    return None


def _header_text(message: email.message.Message, name: str) -> list[str]:
    return [str(value) for value in message.get_all(name, [])]


def _timestamp(message: email.message.Message) -> datetime:
    values = _header_text(message, "Date")
    if not values or not values[0].strip():
        raise _DateError(None)
    try:
        parsed = email.utils.parsedate_to_datetime(values[0])
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError) as error:
        # OverflowError: a date at the edge of the calendar whose offset moves it past it.
        raise _DateError(values[0]) from error


def _message_id(message: email.message.Message, timestamp: datetime) -> str:
    """The Message-ID, or a stable stand-in hashed from the identifying headers."""
    given = "".join(_header_text(message, "Message-ID")).strip()
    if given:
        return given
    parts = [timestamp.isoformat()]
    for name in ("From", "To", "Cc", "Bcc", "Subject"):
        parts.append("\n".join(_header_text(message, name)))
    return f"<{event_key('mail-headers', *parts)}@renown.invalid>"


def _message_rows(
    message: email.message.Message, people: _AliasBook
) -> Iterator[tuple[object, ...]]:
    """Canonical rows (as tuples) of one message."""
    timestamp = _timestamp(message)
    senders = [_normalized(address) for _name, address in _addresses(_header_text(message, "From"))]
    sender = next((s for s in senders if s), None)
    actor = people.person(sender) if sender else None
    message_id = _message_id(message, timestamp)
    is_reply = bool("".join(_header_text(message, "In-Reply-To")).strip())
    seen: set[str] = set()
    for header, header_kind in _RECIPIENT_HEADERS:
        kind = Kind.REPLY if header_kind == Kind.TO and is_reply else header_kind
        for _name, address in _addresses(_header_text(message, header)):
            recipient = _normalized(address)
            if recipient is None:
                continue
            target = people.person(recipient)
            if target in seen or target == actor:
                continue
            seen.add(target)
            key = event_key(MAIL_SOURCE, message_id, recipient, kind.value)
            yield (key, actor, target, timestamp, Channel.EMAIL.value, kind.value, 1.0, MAIL_SOURCE)


def _addresses(values: list[str]) -> tuple[tuple[str, str], ...]:
    """``email.utils.getaddresses(values)``, remembered: the same header values recur."""
    return _parsed_addresses(tuple(values))


@functools.lru_cache(maxsize=_CACHED)
def _parsed_addresses(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(email.utils.getaddresses(list(values)))


@functools.lru_cache(maxsize=_CACHED)
def _normalized(address: str) -> str | None:
    """:func:`normalize_address` of a bare address, remembered (people write many mails)."""
    return normalize_address(f"<{address}>")


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return conform(pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row"))
