"""The organisation's anonymity threshold: stored per organisation, never below the floor."""

from __future__ import annotations

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.feedback.anonymity import checked_threshold, effective_threshold
from renown.settings import get_settings
from renown.store.tables.feedback import FeedbackSettings


def org_threshold(session: Session, org_id: int) -> int:
    """The threshold in force for ``org_id``: its own setting, else the installation's."""
    row = session.get(FeedbackSettings, org_id)
    value = row.anonymity_threshold if row else get_settings().feedback_anonymity_threshold
    return effective_threshold(value)


def check_set_anonymity_threshold(session: Session, principal: Principal, value: int) -> int:
    """HR and admins set their organisation's threshold (3 at the very least)."""
    principal.require_people_admin("only HR and administrators change the anonymity threshold")
    return do_set_anonymity_threshold(session, principal.org_id, value, actor=principal.actor)


def do_set_anonymity_threshold(session: Session, org_id: int, value: int, *, actor: str) -> int:
    """Store the threshold (refused below the floor), audited."""
    value = checked_threshold(value)
    row = session.get(FeedbackSettings, org_id)
    if row is None:
        session.add(FeedbackSettings(org_id=org_id, anonymity_threshold=value))
    else:
        row.anonymity_threshold = value
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="feedback.threshold",
        subject=f"org:{org_id}",
        payload={"threshold": value},
        org_id=org_id,
    )
    return value
