"""One page of a board: a long ranking cut into pages, sorted and narrowed to a department.

A 159-candidate round drew every row and its explanation at once (23,000 px tall, 538 KB of
HTML). The board now shows :data:`DEFAULT_PER_PAGE` candidates at a time with the rank range
in words; the sort and the department filter are query parameters that every page link
keeps, so moving between pages never loses them. The ranking itself is the domain's
(:func:`renown.talent.board.board`); this module only chooses which rows to draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import Depends, Query

from renown.talent.board import BoardRow
from renown.web.params import MAX_ID

SORTS: Final[dict[str, str]] = {
    "rank": "Rank",
    "name": "Name",
    "department": "Department, then rank",
}
"""Orders of the board (query value -> label)."""
PAGE_SIZES: Final = (25, 50, 100)
DEFAULT_PER_PAGE: Final = 50
DEFAULT_SORT: Final = "rank"


@dataclass(frozen=True)
class BoardQuery:
    """What the board's address asks for: the page, its size, the order and the filter."""

    page: int = 1
    per: int = DEFAULT_PER_PAGE
    sort: str = DEFAULT_SORT
    department: str = ""


def board_query(
    page: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
    per: Annotated[str, Query(max_length=12)] = str(DEFAULT_PER_PAGE),
    sort: Annotated[str, Query(max_length=20)] = DEFAULT_SORT,
    department: Annotated[str, Query(max_length=200)] = "",
) -> BoardQuery:
    """The board's query parameters. The address is one people edit by hand and share, so
    what it cannot mean falls back rather than failing: a page size outside
    :data:`PAGE_SIZES` (or not a number) takes the nearest one or the default, an unknown
    order the ranking."""
    asked = int(per) if per.strip().isdigit() else DEFAULT_PER_PAGE
    size = min(PAGE_SIZES, key=lambda allowed: abs(allowed - asked))
    order = sort if sort in SORTS else DEFAULT_SORT
    return BoardQuery(page=page, per=size, sort=order, department=department.strip())


BoardQueryDep = Annotated[BoardQuery, Depends(board_query)]


def _ordered(rows: Sequence[BoardRow], sort: str) -> list[BoardRow]:
    def rank(row: BoardRow) -> float:
        return math.inf if row.rank is None else row.rank

    if sort == "name":
        return sorted(rows, key=lambda r: (r.name.casefold(), rank(r), r.person_id))
    if sort == "department":
        return sorted(rows, key=lambda r: ((r.department or "~").casefold(), rank(r), r.name))
    return list(rows)  # the domain's ranking order


@dataclass(frozen=True)
class BoardPage:
    """The rows of one page and what the pager and the filter show."""

    rows: tuple[BoardRow, ...]
    matching: int
    """Candidates the filter keeps (all pages)."""
    pool: int
    """Candidates on the board before the filter."""
    query: BoardQuery
    pages: int
    departments: tuple[str, ...]
    base: str
    """The board's address, without query."""

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def first(self) -> int:
        """Position of the page's first row among the matching rows (1-based; 0 if none)."""
        return (self.page - 1) * self.query.per + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def rank_range(self) -> str:
        """The page in words: which ranks (or positions) it holds, of how many."""
        if not self.rows:
            return "No candidate matches."
        of = f"of {self.matching} candidates"
        if self.query.department:
            of += f" in {self.query.department} ({self.pool} in the pool)"
        ranks = sorted(r.rank for r in self.rows if r.rank is not None)
        if self.query.sort == "rank" and not self.query.department and ranks:
            return f"Ranks {ranks[0]}–{ranks[-1]} {of}, {self._page_words()}."
        shown = f"Candidates {self.first}–{self.last} {of}"
        if ranks:
            shown += f", ranks {ranks[0]} to {ranks[-1]} on this page"
        return f"{shown}, {self._page_words()}."

    def _page_words(self) -> str:
        return f"page {self.page} of {self.pages}"

    def url(self, page: int) -> str:
        """The address of ``page`` keeping the size, the order and the filter."""
        params: dict[str, str | int] = {}
        if page != 1:
            params["page"] = page
        if self.query.per != DEFAULT_PER_PAGE:
            params["per"] = self.query.per
        if self.query.sort != DEFAULT_SORT:
            params["sort"] = self.query.sort
        if self.query.department:
            params["department"] = self.query.department
        return f"{self.base}?{urlencode(params)}#ranking" if params else f"{self.base}#ranking"

    @property
    def previous_url(self) -> str | None:
        return self.url(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.pages else None


def page_of_board(rows: Sequence[BoardRow], query: BoardQuery, base: str) -> BoardPage:
    """The page ``query`` asks for (a page past the end shows the last one)."""
    departments = tuple(sorted({r.department for r in rows if r.department}, key=str.casefold))
    chosen = [r for r in rows if not query.department or r.department == query.department]
    ordered = _ordered(chosen, query.sort)
    pages = max(1, math.ceil(len(ordered) / query.per))
    page = min(query.page, pages)
    shown = ordered[(page - 1) * query.per : page * query.per]
    return BoardPage(
        rows=tuple(shown),
        matching=len(ordered),
        pool=len(rows),
        query=BoardQuery(page, query.per, query.sort, query.department),
        pages=pages,
        departments=departments,
        base=base,
    )
