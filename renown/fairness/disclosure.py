"""Publishing counts of people without revealing anyone: small-cell and complementary
suppression for a family of linked tables.

Why this exists: a bias audit is read next to facts its readers already have (who was
promoted is public after sign-off; HR and the candidates know the pool). A category of one
person next to that list tells everyone that person's self-reported demographics. So a
category of fewer than ``min_cell`` people is never published (*primary suppression*), and
because the tables carry totals (the pool, the unknowns, the margins of an intersection,
the same people under another measure), more cells are held back until no suppressed count
can be worked out exactly by subtracting shown ones from a total (*complementary
suppression*), as statistical offices do before publishing tables.

The check is exact, not a rule of thumb: every published number is a linear fact about the
unknown counts of people per *atom* (one combination of category values and outcomes), and
a suppressed count is safe when linear programming finds it can still take at least two
values under all the facts (the "audit" step of cell suppression; see Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, ch. 5). Candidates for complementary
suppression are tried in an order that keeps the audit useful: cells of the same table
first (never its reference category before the others), then cells of linked tables
that share people with the exposed one.

Pure compute: masks over atoms in, decisions out (:func:`protect`). No library for
secondary cell suppression of linked tables is kept for Python (tau-Argus is a Java
application, sdcTable an R package), so the search is here, on scipy's HiGHS solver.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linprog

Mask = npt.NDArray[np.bool_]
"""Which atoms a count adds up (one boolean per atom)."""
Counts = npt.NDArray[np.int64]
"""How many people each atom holds (the truth the facts are taken from)."""

PINNED_WIDTH = 0.5
"""A count whose smallest and largest possible values are closer than this is determined."""


@dataclass(frozen=True)
class Table:
    """One published table: per known category of a population, its count and how many of
    them had the favourable outcome; the unknowns counted apart.

    ``categories`` are the known categories present in the population (label -> atoms, in
    the order the table lists them). ``reference`` is the category the table compares
    against: it is held back only after every other category of its table. ``derived``
    are further counts that must not be worked out exactly when they are small, protected
    by holding back this table's cells first (e.g. a category's people who have no score,
    visible by subtracting this table from one of the whole pool).
    """

    key: str
    population: Mask
    favourable: Mask
    categories: Mapping[str, Mask]
    unknown: Mask
    reference: str | None = None
    derived: tuple[Mask, ...] = ()


@dataclass(frozen=True)
class Publication:
    """What a table may publish.

    ``suppressed`` categories are shown only merged into one row with their combined count
    (and, when ``unknown_withheld``, the unknowns with them). ``named`` says whether the
    merged row may name its categories: naming tells that each has at least one person,
    which in the last resort would still pin a count.
    """

    suppressed: frozenset[str]
    unknown_withheld: bool
    named: bool


@dataclass
class _State:
    suppressed: set[str] = field(default_factory=set)
    unknown_withheld: bool = False
    named: bool = True


Move = tuple[str, int, str]
"""("category", table, label), ("unknown", table, "") or ("unname", table, "")."""


@dataclass
class _Facts:
    """What a reader knows: equalities (atoms adding up to a known count) and the listed
    categories' at-least-one bounds, each with the move that would withdraw it."""

    rows: list[Mask]
    owners: list[Move | None]
    lower: list[Mask]
    lower_owners: list[Move]

    def equal(self, mask: Mask, owner: Move | None) -> None:
        self.rows.append(mask)
        self.owners.append(owner)

    def at_least_one(self, mask: Mask, owner: Move) -> None:
        self.lower.append(mask)
        self.lower_owners.append(owner)


class _Protector:
    """The state of one :func:`protect` call: the truth, the tables, what is held back."""

    def __init__(
        self, counts: Counts, tables: Sequence[Table], totals: Sequence[Mask], min_cell: int
    ) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self.tables = list(tables)
        self.totals = list(totals)
        self.min_cell = min_cell
        self.states = [_State() for _ in self.tables]

    def true(self, mask: Mask) -> int:
        return int(self.counts[mask].sum())

    def small(self, mask: Mask) -> bool:
        return 0 < self.true(mask) < self.min_cell

    # --- the facts a reader has ----------------------------------------------------------

    def merged(self, index: int) -> Mask:
        """The atoms of a table's merged row of suppressed categories (and withheld unknowns)."""
        table, state = self.tables[index], self.states[index]
        if state.named:
            mask = np.zeros_like(table.population)
            for label in state.suppressed:
                mask |= table.categories[label]
        else:
            mask = ~table.unknown.copy()
            for label, atoms in table.categories.items():
                if label not in state.suppressed:
                    mask &= ~atoms
        if state.unknown_withheld:
            mask |= table.unknown
        return mask & table.population

    def facts(self, states: Sequence[_State] | None = None) -> _Facts:
        """Everything published under ``states`` (default: the current ones)."""
        saved = self.states
        self.states = list(states) if states is not None else saved
        try:
            facts = _Facts([], [], [], [])
            for mask in self.totals:
                facts.equal(mask, None)
            for index, table in enumerate(self.tables):
                self._table_facts(index, table, facts)
        finally:
            self.states = saved
        return facts

    def _table_facts(self, index: int, table: Table, facts: _Facts) -> None:
        state = self.states[index]
        people = table.population
        facts.equal(people, None)
        facts.equal(people & table.favourable, None)
        listed = np.zeros_like(people)
        unname: Move = ("unname", index, "")
        for label, atoms in table.categories.items():
            listed |= atoms
            if label in state.suppressed:
                if state.named:
                    facts.at_least_one(atoms & people, unname)
                continue
            facts.equal(atoms & people, ("category", index, label))
            facts.equal(atoms & people & table.favourable, ("category", index, label))
        if state.named:  # categories not listed have nobody
            facts.equal(people & ~table.unknown & ~listed, unname)
        if not state.unknown_withheld:
            facts.equal(people & table.unknown, ("unknown", index, ""))
        if state.suppressed or state.unknown_withheld:
            merged = self.merged(index)
            facts.equal(merged, None)
            facts.equal(merged & table.favourable, None)

    # --- is a count determined? -----------------------------------------------------------

    def check(
        self, target: Mask, states: Sequence[_State] | None = None
    ) -> tuple[bool, list[Move]]:
        """Whether the facts leave ``target`` a single possible value, and, if so, the facts
        that pin it (those with a non-zero shadow price at the optimum), as moves that would
        withdraw them."""
        facts = self.facts(states)
        # Sparse: a third of the time of dense matrices (scipy's stubs only declare dense ones).
        a_eq: Any = sparse.csr_array(np.array(facts.rows, dtype=np.float64))
        b_eq = np.array([self.true(mask) for mask in facts.rows], dtype=np.float64)
        a_ub: Any = (
            sparse.csr_array(-np.array(facts.lower, dtype=np.float64)) if facts.lower else None
        )
        b_ub = -np.ones(len(facts.lower)) if facts.lower else None
        objective = target.astype(np.float64)
        extremes = []
        binding: dict[Move, None] = {}
        for sign in (1.0, -1.0):
            found = linprog(
                sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, method="highs"
            )
            if found.status != 0:  # the truth is feasible and bounded: a solver failure
                raise RuntimeError(f"disclosure check failed: {found.message}")
            extremes.append(sign * float(found.fun or 0.0))
            for owner, price in zip(facts.owners, found.eqlin.marginals, strict=True):
                if owner is not None and abs(price) > 1e-9:
                    binding[owner] = None
            if facts.lower:
                for owner, price in zip(facts.lower_owners, found.ineqlin.marginals, strict=True):
                    if abs(price) > 1e-9:
                        binding[owner] = None
        return bool(extremes[1] - extremes[0] < PINNED_WIDTH), list(binding)

    # --- holding more back ----------------------------------------------------------------

    def apply(self, move: Move, states: list[_State] | None = None) -> list[_State]:
        """The states after ``move`` (a copy; ``self.states`` is unchanged)."""
        result = [
            _State(set(s.suppressed), s.unknown_withheld, s.named) for s in (states or self.states)
        ]
        kind, index, label = move
        if kind == "category":
            result[index].suppressed.add(label)
        elif kind == "unknown":
            result[index].unknown_withheld = True
        else:
            result[index].named = False
        return result

    def _table_moves(self, index: int, overlapping: Mask | None) -> list[Move]:
        """A table's cells still shown, smallest first, its reference last."""
        table, state = self.tables[index], self.states[index]
        sized = []
        for label, atoms in table.categories.items():
            cell = atoms & table.population
            unrelated = overlapping is not None and not (cell & overlapping).any()
            if label in state.suppressed or unrelated:
                continue
            sized.append((label == table.reference, self.true(cell), label))
        moves: list[Move] = [("category", index, label) for _, _, label in sorted(sized)]
        unknown = table.unknown & table.population
        touches = overlapping is None or bool((unknown & overlapping).any())
        # Withholding the unknowns only helps a table that merges suppressed cells with them.
        useful = bool(state.suppressed) and self.true(unknown) > 0
        if not state.unknown_withheld and useful and touches:
            moves.insert(len([s for s in sized if not s[0]]), ("unknown", index, ""))
        return moves

    def moves(self, index: int, target: Mask) -> list[Move]:
        """Cells to hold back to protect ``target`` of table ``index``, in order of preference:
        the same table, then linked tables' cells sharing people with it, then the rest."""
        moves = self._table_moves(index, None)
        others = [i for i in range(len(self.tables)) if i != index]
        for i in others:
            moves.extend(self._table_moves(i, target))
        for i in others:
            moves.extend(m for m in self._table_moves(i, None) if m not in moves)
        moves.extend(("unname", i, "") for i in [index, *others] if self.states[i].named)
        return moves

    def protect_target(self, index: int, target: Mask) -> None:
        """Hold cells back until ``target`` is no longer determined by what is shown.

        Each round tries, one at a time, the cells whose facts pin the target (in the
        order of :meth:`moves`) and keeps the first that frees it; when none does alone,
        it keeps the first of them and looks again. Categories lose their names only when
        every cell is held back already.
        """
        pinned, binding = self.check(target)
        while pinned:
            candidates = self.moves(index, target)
            cells = [move for move in candidates if move[0] != "unname"]
            relevant = [move for move in cells if move in binding] or cells or candidates
            if not relevant:
                raise RuntimeError("disclosure check: nothing left to hold back")
            for move in relevant:
                states = self.apply(move)
                pinned, _ = self.check(target, states)
                if not pinned:
                    self.states = states
                    break
            else:
                self.states = self.apply(relevant[0])
                pinned, binding = self.check(target)

    def publish_lone_cells(self) -> None:
        """Show again a category held back alone: a merged row of one category states its
        counts exactly (the same facts), so holding it back protects nothing. A small one
        stays held back: alone, it is the table's whole population (see
        :meth:`fill_merged_rows`), a total known anyway but never printed as a category."""
        for table, state in zip(self.tables, self.states, strict=True):
            if len(state.suppressed) != 1 or not state.named or state.unknown_withheld:
                continue
            [label] = state.suppressed
            if not self.small(table.categories[label] & table.population):
                state.suppressed.clear()

    def fill_merged_rows(self) -> None:
        """A merged row of suppressed cells is itself at least ``min_cell`` people (or all of
        the table's people, a total known anyway)."""
        for index in range(len(self.tables)):
            while self.states[index].suppressed and self.small(self.merged(index)):
                moves = self._table_moves(index, None)
                if not moves:
                    break
                self.states = self.apply(moves[0])


def protect(
    counts: Counts, tables: Sequence[Table], totals: Sequence[Mask], *, min_cell: int
) -> list[Publication]:
    """Decide what each table may publish so that no small count can be worked out.

    Parameters
    ----------
    counts:
        People per atom (the atoms are whatever the masks index; every combination a
        reader cannot rule out must be an atom, even when nobody is in it).
    tables:
        The linked tables published together (sharing people and totals).
    totals:
        Counts published elsewhere (the pool, how many were selected, how many have a
        score): facts a reader has whatever the tables show.
    min_cell:
        The smallest count of people a category may show (at least 2).

    Returns
    -------
    list of Publication
        One per table, in order. Categories with fewer than ``min_cell`` people are always
        suppressed; every small count (those categories, and the tables' ``derived`` counts
        between 1 and ``min_cell - 1``) can take at least two values given what is shown.
    """
    if min_cell < 2:
        raise ValueError(f"min_cell must be at least 2, got {min_cell}")
    work = _Protector(counts, tables, totals, min_cell)
    targets: list[tuple[int, Mask]] = []
    for index, table in enumerate(work.tables):
        for label, atoms in table.categories.items():
            if work.small(atoms & table.population):
                work.states[index].suppressed.add(label)
                targets.append((index, atoms & table.population))
        targets.extend((index, mask) for mask in table.derived if work.small(mask))
    work.fill_merged_rows()
    for index, target in targets:
        work.protect_target(index, target)
    work.fill_merged_rows()
    work.publish_lone_cells()
    return [Publication(frozenset(s.suppressed), s.unknown_withheld, s.named) for s in work.states]
