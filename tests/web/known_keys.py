"""Every key renown stores or sends that a page must show in words, from the product's own
enumerations (never a hand-written copy: a key added to an enumeration is checked at once).

Single words (``peer``, ``gold``) read as English and cannot be told from a sentence, so
what a page test looks for is the keys written like identifiers: ``customer_focus``,
``no_one``, ``appeals_response``, ``first-kudos``, ``open_to_work_on``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Final, get_args

from sqlalchemy.orm import Session

from renown.badges import load_default_rules
from renown.badges.rules import Award, Distinct, Tier, Unit, leaf_blocks
from renown.challenges.autoscore import Metric
from renown.challenges.market_results import Availability, InvitationStatus
from renown.challenges.phases import Phase
from renown.challenges.posting import KINDS as CHALLENGE_KINDS
from renown.core.events import Channel, Kind
from renown.core.roles import Role
from renown.feedback import frameworks
from renown.feedback.raters import Delivery
from renown.feedback.vocabulary import Anonymity, RecipientStatus, Relationship, Visibility
from renown.radar.changes import ChangeKind
from renown.radar.results import Likelihood, OutreachStatus, SubjectKind
from renown.recognition.actions import REACTION_KINDS
from renown.recognition.rings import Decision
from renown.talent import criteria
from renown.talent.readiness import Readiness
from renown.talent.rounds import TRANSPARENCY

IDENTIFIER: Final = re.compile(r"(?<![\w/.@#=:-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+(?![\w/@:-])")
"""A word written like a key: lower case, parts joined by ``_`` or ``-`` (not inside an
address, an e-mail, a file name or a ``name=value`` pair)."""

_ENUMS: Final[tuple[type[StrEnum], ...]] = (
    Tier,
    Award,
    Distinct,
    Unit,
    Metric,
    Phase,
    Channel,
    Kind,
    Role,
    Delivery,
    Anonymity,
    Relationship,
    RecipientStatus,
    Visibility,
    ChangeKind,
)
_LITERALS: Final[tuple[Any, ...]] = (
    Availability,
    InvitationStatus,
    Likelihood,
    OutreachStatus,
    SubjectKind,
    Decision,
    Readiness,
)


def static_keys() -> frozenset[str]:
    """The keys fixed in the code: enumerations, literal types, badge ids and facts."""
    keys: set[str] = {member.value for enum in _ENUMS for member in enum}
    keys |= {value for literal in _LITERALS for value in get_args(literal)}
    keys |= {*TRANSPARENCY, *CHALLENGE_KINDS, *REACTION_KINDS}
    for badge in load_default_rules():
        keys.add(badge.id)
        keys |= {fact for block in leaf_blocks(badge.rule) for fact in block.select.facts}
    return frozenset(keys)


def organisation_keys(session: Session, org_id: int) -> frozenset[str]:
    """The keys an organisation defines: its competencies (kudos values too) and the
    criteria a promotion round may use."""
    keys = set(frameworks.competency_keys(session, org_id))
    keys |= {info.key for info in criteria.available(session, org_id)}
    return frozenset(keys)


def raw_keys(text: str, known: Iterable[str]) -> list[str]:
    """The known keys written like identifiers in ``text`` (each once, in order)."""
    wanted = {key for key in known if IDENTIFIER.fullmatch(key)}
    found = (token for token in IDENTIFIER.findall(text) if token in wanted)
    return list(dict.fromkeys(found))
