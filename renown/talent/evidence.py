"""The values every criterion source hands back: one person's evidence, and what a criterion is.

They sit in a module of their own so that the registry (:mod:`renown.talent.criteria`) and
the built-in measures (:mod:`renown.talent.criteria_builtin`) can both use them without
importing each other; :mod:`renown.talent.criteria` re-exports them, which is where the
rest of the code imports them from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Evidence:
    """One person's standing on one criterion.

    ``points`` is 0..100 or ``None`` (missing); ``shown`` is the raw value in words, or why
    it is missing; ``source`` says where it came from (a period, a run, networks).
    """

    points: float | None
    shown: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class CriterionInfo:
    """What a criterion is, for pickers, explanations and the legal flags of audits."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    key: str
    label: str
    description: str
    external: bool
    """Evidence from outside the organisation (public social networks)."""
    prominence: bool
    """A prominence measure (internal or external), reported separately in audits."""


Measure = Callable[[Session, int, Sequence[int], datetime], dict[int, Evidence]]
"""Evidence of a pool on one criterion as of an instant (one entry per person id asked for)."""
