"""The contract every file reader keeps under fuzzing, and the strategies that attack it.

A reader either returns well-formed rows or raises :class:`InputError` naming the file
(and, where it can, the line and the field); never another exception. The fuzz tests feed
each reader valid files with hostile edits (quotes, delimiters, line ends, NUL, bytes that
are not UTF-8, byte order marks, huge runs) and plain random bytes.

Every fuzz test is derandomised, so CI runs the same examples each time, and its number of
examples is chosen to keep all of them together at about a minute on two cores.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import polars as pl
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from renown.core.errors import InputError
from renown.ingest.schema import EVENT_SCHEMA

T = TypeVar("T")


def fuzz(examples: int) -> settings:
    """Repeatable hypothesis settings for a fuzz test with ``examples`` examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


NASTY: tuple[bytes, ...] = (
    b'"',
    b'""',
    b",",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b" ",
    b"\\",
    b"#",
    b"x^",
    b"\x1f\x8b",
    b"<",
    b">",
    b"&",
    b"{",
    b"[",
    b"]",
    b"}",
    b"\xc2\xa0",
    "\u2028".encode(),
    b"A" * 70_000,
)
"""Edits that break parsers: quoting, delimiters, line ends, encodings, markup, long runs."""


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, *, max_edits: int = 4) -> bytes:
    """``seed`` with a few hostile edits: insertions, deletions and truncation."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_edits))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("insert", "insert", "delete", "truncate")))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(NASTY) | st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        else:
            del data[at:]
    return bytes(data)


def hostile(seed: bytes) -> st.SearchStrategy[bytes]:
    """Mostly edited copies of a valid file, sometimes random bytes."""
    return st.one_of(mutated(seed), mutated(seed), mutated(seed), st.binary(max_size=300))


def rfc4180_record(
    cells: list[str], *, delimiter: str = ",", ending: str = "\n", quote_all: bool = False
) -> str:
    """One record as RFC 4180 spells it, quoted when needed (or always).

    Python 3.11's ``csv.writer`` leaves a lone CR unquoted when lines end in LF, which no
    reader can read back, so the tests spell records themselves.
    """

    def cell(text: str) -> str:
        if quote_all or any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return delimiter.join(cell(c) for c in cells) + ending


def read_or_refusal(read: Callable[[], T], source: str) -> T | None:
    """``read()``'s result, or None when it refused with an InputError naming ``source``.

    Any other exception propagates and fails the test: that is the bug fuzzing looks for.
    """
    try:
        return read()
    except InputError as error:
        assert error.source.startswith(source), (error.source, source)
        assert error.message and str(error).startswith(error.source)
        if error.line is not None:
            assert error.line >= 1 and f"line {error.line}" in str(error)
        return None


def assert_well_formed_events(events: pl.DataFrame) -> None:
    """Canonical schema, every required value present, weights finite and not negative."""
    assert events.schema == EVENT_SCHEMA
    for column in ("event_key", "target", "timestamp", "channel", "kind", "source"):
        assert events[column].null_count() == 0, column
    assert all(math.isfinite(w) and w >= 0 for w in events["weight"].to_list())
    assert events.filter(pl.col("target").str.len_bytes() == 0).height == 0
