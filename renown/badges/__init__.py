"""Badges: a declarative rule language and its evaluation over facts (pure compute).

Rules are TOML (:mod:`renown.badges.language`, reference in ``docs/badges.md``); facts are
one polars frame (:mod:`renown.badges.facts`); :func:`evaluate` turns both, plus the
awards made so far, into new awards with the time and the reason each was earned.
"""

from importlib.resources import files

from renown.badges.evaluate import AWARD_SCHEMA, empty_awards, evaluate
from renown.badges.facts import (
    FACT_SCHEMA,
    FactColumn,
    conform_facts,
    empty_facts,
    facts_from_events,
    facts_from_scores,
)
from renown.badges.language import load_rules, parse_rules
from renown.badges.rules import Award, Badge, Tier


def load_default_rules() -> tuple[Badge, ...]:
    """renown's default badge set (``defaults.toml`` shipped in this package)."""
    resource = files("renown.badges").joinpath("defaults.toml")
    return parse_rules(resource.read_text(encoding="utf-8"), source="renown/badges/defaults.toml")


__all__ = [
    "AWARD_SCHEMA",
    "FACT_SCHEMA",
    "Award",
    "Badge",
    "FactColumn",
    "Tier",
    "conform_facts",
    "empty_awards",
    "empty_facts",
    "evaluate",
    "facts_from_events",
    "facts_from_scores",
    "load_default_rules",
    "load_rules",
    "parse_rules",
]
