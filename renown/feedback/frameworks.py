"""Competency frameworks: what people are rated on, per organisation.

An organisation has one active framework at a time; ratings name competencies by key, so
a framework can be edited (names, descriptions) without rewriting past feedback.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.store.tables.feedback import Competency, CompetencyFramework

DEFAULT_FRAMEWORK = "Core competencies"
DEFAULT_COMPETENCIES: tuple[tuple[str, str, str], ...] = (
    ("communication", "Communication", "Shares information clearly, listens, writes well."),
    ("collaboration", "Collaboration", "Works well with others, helps, shares credit."),
    ("delivery", "Delivery", "Ships what was promised, on time, at the agreed quality."),
    ("craft", "Craft and expertise", "Depth in their field; others learn from their work."),
    ("leadership", "Leadership", "Sets direction, grows people, takes responsibility."),
    ("customer_focus", "Customer focus", "Understands and serves the people the work is for."),
)


def active_framework(session: Session, org_id: int) -> CompetencyFramework | None:
    """The organisation's framework in use (the newest active one)."""
    return session.scalar(
        sa.select(CompetencyFramework)
        .where(CompetencyFramework.org_id == org_id, CompetencyFramework.active.is_(True))
        .order_by(CompetencyFramework.id.desc())
        .limit(1)
    )


def competencies(session: Session, org_id: int) -> list[Competency]:
    """Competencies of the active framework, in their defined order."""
    framework = active_framework(session, org_id)
    if framework is None:
        return []
    return list(
        session.scalars(
            sa.select(Competency)
            .where(Competency.framework_id == framework.id)
            .order_by(Competency.id)
        )
    )


def competency_keys(session: Session, org_id: int) -> list[str]:
    """Keys that ratings and requests may name."""
    return [c.key for c in competencies(session, org_id)]


def checked_competencies(session: Session, org_id: int, keys: list[str]) -> list[str]:
    """``keys`` if all belong to the active framework (order kept, duplicates dropped)."""
    known = set(competency_keys(session, org_id))
    unknown = sorted(set(keys) - known)
    if unknown:
        raise Invalid(f"unknown competencies: {', '.join(unknown)}")
    return list(dict.fromkeys(keys))


def check_seed_default_framework(session: Session, principal: Principal) -> CompetencyFramework:
    """HR and admins install the default framework for their organisation."""
    principal.require_people_admin("only HR and administrators manage competency frameworks")
    return do_seed_default_framework(session, principal.org_id, actor=principal.actor)


def do_seed_default_framework(
    session: Session, org_id: int, *, actor: str = "system"
) -> CompetencyFramework:
    """Create the default framework unless one exists (then return that: idempotent)."""
    existing = session.scalar(
        sa.select(CompetencyFramework).where(
            CompetencyFramework.org_id == org_id, CompetencyFramework.name == DEFAULT_FRAMEWORK
        )
    )
    if existing is not None:
        return existing
    framework = CompetencyFramework(org_id=org_id, name=DEFAULT_FRAMEWORK)
    session.add(framework)
    session.flush()
    for key, name, description in DEFAULT_COMPETENCIES:
        session.add(
            Competency(framework_id=framework.id, key=key, name=name, description=description)
        )
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="feedback.framework.seed",
        subject=f"framework:{framework.id}",
        payload={"competencies": [key for key, _, _ in DEFAULT_COMPETENCIES]},
        org_id=org_id,
    )
    return framework
