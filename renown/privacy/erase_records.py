"""Records that must stay as they were, with a pseudonym instead of an erased person.

* **Frozen promotion decisions** keep every row of their ranking; the person's row keeps
  its numbers and rank under the pseudonym (id ``-n``, name ``erased:<n>``, no title or
  department), and their id becomes ``-n`` in the promotions, overrides and pool. The
  decision's audit entry records digests of the inputs and ranking: the redaction below
  brings them up to date, so :func:`renown.talent.decisions.verify_decision` still holds
  and the audit chain records that (and when, and why) the decision was pseudonymised.
* **Kudos ring reviews** keep their members (the erased one as ``-n``), evidence and
  decision; the ring key, a digest of the member ids, is recomputed so it no longer
  derives from the person's id.
* **The audit log**: every entry of the organisation that names the person (as actor,
  subject, in its payload, or by a person id under a known key) is rewritten to the
  pseudonym by one recorded redaction (:func:`renown.audit.redact.redact`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.audit.redact import Rewrite, redact
from renown.privacy.traces import LIKE_ESCAPE, Traces, like_patterns
from renown.store.tables.audit import AuditEntry
from renown.store.tables.recognition import KudosRingReview
from renown.store.tables.talent import PromotionRound, RoundDecision
from renown.talent.decisions import digest

DECIDE_ACTION = "talent.round.decide"


def pseudonymise_decisions(session: Session, traces: Traces) -> dict[int, tuple[str, str]]:
    """Rewrite the organisation's decisions that name the person; round id -> the new
    ``(inputs_sha256, ranking_sha256)`` of each decision that changed."""
    changed: dict[int, tuple[str, str]] = {}
    decisions = session.scalars(
        sa.select(RoundDecision)
        .join(PromotionRound, PromotionRound.id == RoundDecision.round_id)
        .where(PromotionRound.org_id == traces.org_id)
        .order_by(RoundDecision.id)
    )
    for decision in decisions:
        ranking = [_ranking_row(row, traces) for row in decision.ranking]
        inputs = traces.scrub_json(decision.inputs)
        after = {
            "ranking": ranking,
            "inputs": inputs,
            "promoted": traces.scrub_json(decision.promoted, ids=True),
            "overrides": traces.scrub_json(decision.overrides),
            "reason": traces.scrub_text(decision.reason),
            "signer_name": traces.scrub_text(decision.signer_name),
            "signed_by": traces.scrub_text(decision.signed_by),
        }
        before = {key: getattr(decision, key) for key in after}
        if after == before:
            continue
        for key, value in after.items():
            setattr(decision, key, value)
        changed[decision.round_id] = (digest(inputs), digest(ranking))
    session.flush()
    return changed


def _ranking_row(row: dict[str, Any], traces: Traces) -> dict[str, Any]:
    clean: dict[str, Any] = traces.scrub_json(row)
    if row.get("person_id") in traces.person_ids:
        clean |= {"name": traces.pseudonym, "title": None, "department": None}
    return clean


def pseudonymise_rings(session: Session, traces: Traces) -> int:
    """Ring reviews with the person among their members; how many were rewritten."""
    count = 0
    for review in session.scalars(
        sa.select(KudosRingReview).where(KudosRingReview.org_id == traces.org_id)
    ):
        if not set(traces.person_ids) & {int(m) for m in review.members}:
            continue
        members = sorted(traces.scrub_json(list(review.members), ids=True))
        review.members = members
        review.ring_key = hashlib.sha256("\x1f".join(map(str, members)).encode()).hexdigest()
        review.evidence = traces.scrub_json(review.evidence)
        count += 1
    session.flush()
    return count


def redact_audit(
    session: Session,
    traces: Traces,
    decisions: dict[int, tuple[str, str]],
    *,
    actor: str,
    reason: str,
) -> int:
    """Rewrite the organisation's audit entries that name the person, in one recorded
    redaction; how many entries changed."""
    patterns = like_patterns([*traces.words, *traces.tokens, *map(str, traces.person_ids)])
    searched = [
        sa.func.lower(sa.cast(column, sa.Text))
        for column in (AuditEntry.actor, AuditEntry.subject, AuditEntry.payload)
    ]
    hit = sa.or_(*(s.like(p, escape=LIKE_ESCAPE) for s in searched for p in patterns))
    decided = {f"round:{round_id}" for round_id in decisions}
    rewrites: list[Rewrite] = []
    for entry in session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.org_id == traces.org_id, sa.or_(hit, AuditEntry.subject.in_(decided)))
        .order_by(AuditEntry.seq)
    ):
        payload: dict[str, Any] = traces.scrub_json(entry.payload)
        if entry.action == DECIDE_ACTION and entry.subject in decided:
            inputs_sha, ranking_sha = decisions[int(entry.subject.split(":", 1)[1])]
            payload |= {"inputs_sha256": inputs_sha, "ranking_sha256": ranking_sha}
        rewrites.append(
            Rewrite(
                entry, traces.scrub_text(entry.actor), traces.scrub_text(entry.subject), payload
            )
        )
    recorded = redact(
        session,
        rewrites,
        actor=actor,
        subject=traces.pseudonym,
        reason=reason,
        org_id=traces.org_id,
    )
    return 0 if recorded is None else len(recorded.payload["entries"])
