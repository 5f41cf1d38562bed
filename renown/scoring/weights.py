"""The component weights an organisation's scoring runs use, when HR chose other than the
defaults.

Weights are chosen in the validation pages (tuned on the organisation's own labels, or an
uploaded WEIGHTS.toml) and live in one ``scoring_weights`` row per organisation; no row
means the registry's default weights. The scoring job reads them here, so every web run of
the organisation uses them, and records them with their provenance in the run's
parameters, so a run always says why its weights are what they are. Setting and reverting
are audited.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.prominence.components import COMPONENTS
from renown.store.tables.scores import ScoringWeights

ONLY_PEOPLE_ADMINS: Final = "only HR and administrators choose the weights of scoring runs"


@dataclass(frozen=True)
class ChosenWeights:
    """Weights an organisation chose for its scoring runs, and where they came from."""

    weights: dict[str, float]
    """Component name -> weight (non-negative, summing to 1)."""
    provenance: dict[str, Any]
    """``source`` (``tuned`` or ``file``), and the labels and held-out figures or file name."""
    set_at: datetime

    def run_record(self) -> dict[str, Any]:
        """What a scoring run keeps about them (the shape ``renown score --weights`` keeps)."""
        return {
            "file": self.provenance.get("file"),
            "weights": dict(self.weights),
            "provenance": dict(self.provenance),
        }


def chosen_weights(session: Session, org_id: int) -> ChosenWeights | None:
    """The organisation's chosen weights, or ``None`` when its runs use the defaults."""
    row = session.get(ScoringWeights, org_id)
    if row is None:
        return None
    return ChosenWeights(
        {str(k): float(v) for k, v in row.weights.items()}, dict(row.provenance), row.set_at
    )


def _checked(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise Invalid(f"unknown component(s): {', '.join(unknown)}")
    if any(not math.isfinite(w) or w < 0 for w in weights.values()):
        raise Invalid("weights must be finite numbers >= 0")
    total = sum(weights.values())
    if total <= 0:
        raise Invalid("at least one weight must be positive")
    return {name: w / total for name, w in weights.items() if w > 0}


def do_set_weights(
    session: Session,
    principal: Principal,
    weights: Mapping[str, float],
    provenance: Mapping[str, Any],
) -> ChosenWeights:
    """Make ``weights`` (scaled to sum to 1) the organisation's weights for scoring runs."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    kept = _checked(weights)
    now = datetime.now(UTC)
    row = session.get(ScoringWeights, principal.org_id)
    if row is None:
        row = ScoringWeights(org_id=principal.org_id)
        session.add(row)
    row.weights = kept
    row.provenance = dict(provenance)
    row.set_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "scoring.weights.set",
        subject=f"org:{principal.org_id}",
        payload={"weights": kept, "provenance": dict(provenance)},
    )
    return ChosenWeights(kept, dict(provenance), now)


def do_revert_weights(session: Session, principal: Principal) -> bool:
    """Go back to the default weights; ``False`` when they were already in use."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    row = session.get(ScoringWeights, principal.org_id)
    if row is None:
        return False
    previous = {"weights": dict(row.weights), "provenance": dict(row.provenance)}
    session.delete(row)
    session.flush()
    audit.append_by(
        session,
        principal,
        "scoring.weights.revert",
        subject=f"org:{principal.org_id}",
        payload={"previous": previous},
    )
    return True
