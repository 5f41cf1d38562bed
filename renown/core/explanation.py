"""The explanation of one person's score, as a typed value that crosses the database.

The scoring run writes it (:func:`renown.prominence.explain.explain`), a snapshot stores it as
JSON (:meth:`Explanation.to_dict`), and profiles, networks, exports, pages and the API read
it back (:meth:`Explanation.from_dict`), so nobody reads the stored JSON by string keys.
It lives in ``core`` because the readers sit in layers that may not import the scoring
code. Outside the scoring run it is shown :meth:`~Explanation.redacted`: without the
identities of the other people it names.

The stored JSON keeps its shape: rows written before this type existed read back unchanged,
and keys a row lacks take neutral defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from renown.core.wording import influence, joined, share, signed, standing

_DOCUMENTED: dict[str, bool] = {"use_attribute_docstrings": True}


@dataclass(frozen=True)
class ComponentPart:
    """One component's share of a score."""

    __pydantic_config__: ClassVar[dict[str, bool]] = _DOCUMENTED

    name: str
    """Component name, as the registry knows it (``pagerank``, ``reach``...)."""
    label: str
    """Component name for people (``Influence``, ``Reach``...)."""
    raw: float
    """The measure's value for this person."""
    percentile: float
    """Mid-rank percentile of the raw value in the scored population (0..1; 0 for a zero)."""
    weight: float
    """Share of the composite this component carries (weights add up to 1)."""
    points: float
    """Points earned: 99 x weight x percentile; 1 + all points = the score."""
    delta: float | None = None
    """Points gained (+) or lost (-) since the previous window; null without one."""

    def to_dict(self) -> dict[str, object]:
        """Stored form."""
        return {
            "name": self.name,
            "label": self.label,
            "raw": self.raw,
            "percentile": round(self.percentile, 6),
            "weight": self.weight,
            "points": round(self.points, 4),
            "delta": _rounded(self.delta),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComponentPart:
        """Read the stored form back (missing numbers are zero)."""
        name = str(data.get("name") or "")
        return cls(
            name=name,
            label=str(data.get("label") or name.replace("_", " ").capitalize()),
            raw=_number(data.get("raw")),
            percentile=_number(data.get("percentile")),
            weight=_number(data.get("weight")),
            points=_number(data.get("points")),
            delta=_optional(data.get("delta")),
        )


@dataclass(frozen=True)
class Driver:
    """Someone whose attention lifts the person's influence."""

    person: str
    share: float
    """Share of the person's PageRank inflow that comes from this driver (0..1)."""


@dataclass(frozen=True)
class GroupReached:
    """Another department (or community) that seeks the person out."""

    __pydantic_config__: ClassVar[dict[str, bool]] = _DOCUMENTED

    group: str
    """Department or community name."""
    strength: float
    """Scaled attention the person receives from that group."""


@dataclass(frozen=True)
class Explanation:
    """Everything needed to understand one person's score."""

    person: str
    score: int
    score_exact: float
    rank: int
    population: int
    parts: tuple[ComponentPart, ...]
    drivers: tuple[Driver, ...]
    groups_reached: tuple[GroupReached, ...]
    ring: tuple[str, ...] | None
    trend: float | None = None
    """Score change against the previous window (None without one)."""

    @property
    def previous_score(self) -> float | None:
        """Exact score in the previous window."""
        return None if self.trend is None else self.score_exact - self.trend

    def to_dict(self) -> dict[str, object]:
        """Stored (JSON) form, with the summary in words."""
        return {
            "person": self.person,
            "score": self.score,
            "score_exact": round(self.score_exact, 4),
            "rank": self.rank,
            "population": self.population,
            "trend": _rounded(self.trend),
            "components": [p.to_dict() for p in self.parts],
            "drivers": [{"person": d.person, "share": round(d.share, 4)} for d in self.drivers],
            "groups_reached": [
                {"group": g.group, "strength": round(g.strength, 4)} for g in self.groups_reached
            ],
            "ring": list(self.ring) if self.ring else None,
            "summary": self.summary(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        """Read a stored explanation back (its summary is regenerated, not read)."""
        ring = data.get("ring")
        return cls(
            person=str(data.get("person") or ""),
            score=int(data.get("score") or 0),
            score_exact=_number(data.get("score_exact", data.get("score"))),
            rank=int(data.get("rank") or 0),
            population=int(data.get("population") or 0),
            parts=tuple(ComponentPart.from_dict(p) for p in data.get("components") or []),
            drivers=tuple(
                Driver(str(d["person"]), _number(d.get("share")))
                for d in data.get("drivers") or []
                if "person" in d
            ),
            groups_reached=tuple(
                GroupReached(str(g["group"]), _number(g.get("strength")))
                for g in data.get("groups_reached") or []
                if "group" in g
            ),
            ring=tuple(str(p) for p in ring) if ring else None,
            trend=_optional(data.get("trend")),
        )

    def redacted(self) -> RedactedExplanation:
        """This explanation without other people's identities.

        It names the event identities that drive the score and the members of a detected
        ring. Those are other people, and a viewer may not be allowed to see them, so
        outside the scoring run itself they are replaced by what is safe to show: each
        driver's share without the name, whether a ring was discounted, and no free-text
        summary (it quotes the names). Pages and the API name visible connections apart.
        """
        return RedactedExplanation(
            person=self.person,
            score=self.score,
            score_exact=self.score_exact,
            rank=self.rank,
            population=self.population,
            trend=self.trend,
            components=self.parts,
            groups_reached=self.groups_reached,
            driver_shares=tuple(round(d.share, 4) for d in self.drivers),
            in_detected_ring=bool(self.ring),
        )

    def summary(self) -> str:
        """Plain-words explanation (names drivers and ring members by raw identity)."""
        weighted = [p for p in self.parts if p.weight > 0]
        top = sorted(weighted, key=lambda p: p.points, reverse=True)
        opening = f"{self.person} scores {self.score}/100, rank {self.rank} of {self.population}"
        if self.trend is not None:
            opening += f" ({signed(self.trend)} since the previous window)"
        lines = [opening + "."]
        if top:
            strongest, weakest = top[0], top[-1]
            lines.append(
                f"Strongest: {strongest.label.lower()} ({standing(strongest.percentile)}, "
                f"{strongest.points:.1f} points). Weakest: {weakest.label.lower()} "
                f"({standing(weakest.percentile)}, {weakest.points:.1f} points)."
            )
        if self.drivers:
            names = [f"{d.person} ({share(d.share)})" for d in self.drivers[:3]]
            lines.append(influence(self.drivers[0].share, joined(names)))
        if self.groups_reached:
            groups = ", ".join(g.group for g in self.groups_reached[:3])
            lines.append(f"Sought out by other groups: {groups}.")
        if self.ring:
            lines.append(
                "Interactions inside a detected reciprocal ring with "
                + ", ".join(p for p in self.ring if p != self.person)
                + " were discounted."
            )
        return " ".join(lines)


@dataclass(frozen=True)
class RedactedExplanation:
    """A score's explanation as anyone but the scoring run sees it: no other identities."""

    __pydantic_config__: ClassVar[dict[str, bool]] = _DOCUMENTED

    person: str
    """The scored person's own raw event identity."""
    score: int
    """Score from 1 to 100."""
    score_exact: float
    """Score before rounding: 1 + the points of the components."""
    rank: int
    """Rank in the run (1 is the highest score)."""
    population: int
    """Number of people scored in the run."""
    trend: float | None
    """Score change against the previous window; null without one."""
    components: tuple[ComponentPart, ...]
    """Every computed component, weighted ones and informational ones (weight 0)."""
    groups_reached: tuple[GroupReached, ...]
    """Other departments (or communities) that seek the person out, strongest first."""
    driver_shares: tuple[float, ...]
    """Shares of the influence inflow of the top drivers, largest first, without names."""
    in_detected_ring: bool
    """True when interactions inside a detected reciprocal ring were discounted."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as the API returns it (sequences as tuples)."""
        return asdict(self)


def read_explanation(stored: Explanation | Mapping[str, Any] | None) -> Explanation | None:
    """The typed explanation of a stored one (None for none or an empty row)."""
    if stored is None or isinstance(stored, Explanation):
        return stored
    return Explanation.from_dict(stored) if stored else None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _optional(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
