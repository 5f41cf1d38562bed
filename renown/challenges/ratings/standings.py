"""Reading contest standings: who placed where in each contest, in the order they were held.

A standings table has one row per participant and contest, with the columns
``contest_id,handle,rank_lo,rank_hi``: 0-based ranks, participants who tied sharing the
range ``[rank_lo, rank_hi]``. Contests appear in the chronological order of their first row
and the rows of one contest are contiguous, so the file order *is* the rating order and no
timestamp is needed. CSV or TSV (the header line decides: a tab in it means TSV), optionally
gzip-compressed.

Real tables have millions of rows (Codeforces: 2 million), so the reading is columnar
(polars) and the checks are vectorised. The strict row-by-row reader of
:mod:`renown.core.delimited` is used only after a problem is found, to name the exact line
of the offending row (blank lines and quoted line breaks make "row + 2" unreliable) and to
locate malformed text that polars refused without saying where.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.core.delimited import read_records, record_lines
from renown.core.errors import InputError

COLUMNS: Final = ("contest_id", "handle", "rank_lo", "rank_hi")
"""The columns a standings table must have (others are ignored)."""

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Standings:
    """Contest results as arrays: row ``r`` says player ``player[r]`` placed in
    ``[rank_lo[r], rank_hi[r]]``; contest ``c`` holds rows ``offsets[c]:offsets[c + 1]``.

    Players are numbered in order of first appearance (``handles[i]`` is player ``i``), so
    rating state can be plain arrays indexed by player.
    """

    source: str
    contest_ids: list[str]
    handles: list[str]
    offsets: IntArray
    player: IntArray
    rank_lo: IntArray
    rank_hi: IntArray

    @property
    def rows(self) -> int:
        """Participations (rows of the table)."""
        return int(self.player.size)

    @property
    def contests(self) -> int:
        """Number of contests."""
        return len(self.contest_ids)

    @property
    def players(self) -> int:
        """Number of distinct handles."""
        return len(self.handles)

    def head(self, contests: int) -> Standings:
        """The first ``contests`` contests (same players and numbering; arrays are views)."""
        end = int(self.offsets[contests])
        return Standings(
            source=self.source,
            contest_ids=self.contest_ids[:contests],
            handles=self.handles,
            offsets=self.offsets[: contests + 1],
            player=self.player[:end],
            rank_lo=self.rank_lo[:end],
            rank_hi=self.rank_hi[:end],
        )

    def contest(self, index: int) -> tuple[IntArray, IntArray, IntArray]:
        """Players, ``rank_lo`` and ``rank_hi`` of contest ``index`` (views, not copies)."""
        rows = slice(int(self.offsets[index]), int(self.offsets[index + 1]))
        return self.player[rows], self.rank_lo[rows], self.rank_hi[rows]


def read_standings(path: Path | str) -> Standings:
    """Read and check a standings table (see the module docstring for the format).

    Raises
    ------
    InputError
        Naming the file, the line and the field: an empty file, a missing column, an empty
        cell, a rank that is not a non-negative integer, ``rank_lo`` above ``rank_hi``, a
        contest whose rows are not contiguous, a handle listed twice in one contest, or text
        that is not well-formed CSV/TSV.
    """
    path = Path(path)
    source = str(path)
    data = _read_bytes(path, source)
    header = data.split(b"\n", 1)[0]
    if not data.strip():
        raise InputError(source, "is empty: expected a header " + ",".join(COLUMNS), line=1)
    delimiter = "\t" if b"\t" in header else ","
    frame = _parse(data, source, delimiter)
    return _checked(frame, data, source, delimiter)


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # gzip magic, whatever the suffix says
            return gzip.decompress(raw)
    except OSError as exc:
        raise InputError(source, f"cannot be read: {exc.strerror or exc}") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise InputError(source, f"is not a complete gzip file: {exc}") from None
    return raw


def _parse(data: bytes, source: str, delimiter: str) -> pl.DataFrame:
    """Every column as text (so that a bad rank is found and located by us, not guessed)."""
    try:
        header = pl.read_csv(data, separator=delimiter, n_rows=0).columns
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        header = []
    for name in COLUMNS:
        if name not in header:
            raise InputError(
                source,
                f"no column {name!r} (the header must name {', '.join(COLUMNS)})",
                line=1,
                field=name,
            )
    try:
        frame = pl.read_csv(
            data,
            separator=delimiter,
            infer_schema=False,
            columns=list(COLUMNS),
            empty_string_is_null=True,
        )
    except pl.exceptions.PolarsError as exc:
        _locate_malformed(data, source, delimiter)  # raises the strict reader's located error
        raise InputError(source, f"is not well-formed delimited text: {exc}") from None
    frame = frame.select(pl.col(name).str.strip_chars() for name in COLUMNS)
    # blank lines (every cell empty) are skipped, as the strict reader that numbers lines does
    return frame.filter(~pl.all_horizontal(pl.col(name).is_null() for name in COLUMNS))


def _locate_malformed(data: bytes, source: str, delimiter: str) -> None:
    for _record in read_records(data, source=source, delimiter=delimiter):
        pass


def _checked(frame: pl.DataFrame, data: bytes, source: str, delimiter: str) -> Standings:
    if frame.height == 0:
        raise InputError(source, "has a header but no rows", line=2)

    def fail(row: int, field: str, message: str) -> InputError:
        lines = record_lines(data, source=source, delimiter=delimiter)
        line = int(lines[row + 1]) if row + 1 < len(lines) else row + 2
        return InputError(source, message, line=line, field=field)

    for name in COLUMNS:
        empty = frame[name].is_null() | (frame[name] == "")
        if empty.any():
            raise fail(_first(empty), name, "is empty")
    ranks = {}
    for name in ("rank_lo", "rank_hi"):
        parsed = frame[name].cast(pl.Int64, strict=False)
        bad = parsed.is_null() | (parsed < 0)
        if bad.any():
            row = _first(bad)
            raise fail(row, name, f"{frame[name][row]!r} is not a non-negative integer rank")
        ranks[name] = parsed.to_numpy().astype(np.int64)
    inverted = ranks["rank_lo"] > ranks["rank_hi"]
    if inverted.any():
        row = int(np.argmax(inverted))
        lo, hi = ranks["rank_lo"][row], ranks["rank_hi"][row]
        raise fail(row, "rank_lo", f"rank_lo {lo} is above rank_hi {hi}")
    contest = frame["contest_id"]
    starts = np.flatnonzero(np.r_[True, (contest[1:] != contest[:-1]).to_numpy()])
    runs = contest.gather(starts)
    repeated = runs.is_duplicated() & ~runs.is_first_distinct()
    if repeated.any():
        row = int(starts[_first(repeated)])
        raise fail(
            row,
            "contest_id",
            f"contest {contest[row]!r} continues after other contests: a contest's rows must "
            "be contiguous (contests in the order they were held)",
        )
    pair = frame.select(pl.struct("contest_id", "handle").is_first_distinct()).to_series()
    if not pair.all():
        row = _first(~pair)
        raise fail(row, "handle", f"{frame['handle'][row]!r} appears twice in one contest")
    codes = frame.select(
        pl.col("handle").unique(maintain_order=True).alias("handle"),
    )
    handles = codes["handle"].to_list()
    index = pl.DataFrame({"handle": handles, "player": np.arange(len(handles), dtype=np.int64)})
    player = frame.select("handle").join(index, on="handle", how="left", maintain_order="left")
    return Standings(
        source=source,
        contest_ids=runs.to_list(),
        handles=handles,
        offsets=np.r_[starts, frame.height].astype(np.int64),
        player=player["player"].to_numpy().astype(np.int64),
        rank_lo=ranks["rank_lo"],
        rank_hi=ranks["rank_hi"],
    )


def pairwise_wins(rank: IntArray) -> npt.NDArray[np.float64]:
    """Each participant's pairwise wins in a contest: 1 for everyone ranked below them, 0.5
    for everyone tied with them (``rank``: lower is better)."""
    ordered = np.sort(rank)
    after = np.searchsorted(ordered, rank, side="right")
    tied = after - np.searchsorted(ordered, rank, side="left")
    return (rank.size - after) + 0.5 * (tied - 1)


def _first(mask: pl.Series) -> int:
    """Index of the first ``True`` of a boolean series that has one."""
    found = mask.arg_true()
    return int(found[0])
