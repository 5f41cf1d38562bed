"""How external prominence reads on a page: proof instructions, shares in words, dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from renown.core.dates import format_datetime
from renown.external.results import LinkedAccount

CARD_CHOICES: Final = (
    ("show_internal", "Internal prominence", "your latest score inside the organisation"),
    ("show_external", "Combined external score", "one score across your linked networks"),
    ("show_networks", "Each network", "each network's score, with a link to the account"),
    ("show_badges", "Badges", "the badges you earned"),
    ("show_challenges", "Challenge rating", "your best rating from challenges"),
)
"""The card's parts: field, label, what it shows."""


def instructions(account: LinkedAccount, oauth: tuple[str, ...]) -> list[str]:
    """How the owner can prove a pending account, one sentence per way the network allows
    (with its code; signing in only where this installation has set it up)."""
    code = account.verification_code or ""
    label = account.network_label
    steps = []
    for proof in account.proofs:
        if proof == "bio":
            steps.append(
                f"Put {code} in the public bio (profile description) of your {label} "
                "account, save it, then press Verify."
            )
        elif proof == "post":
            steps.append(f"Publish a public {label} post containing {code}, then press Verify.")
        elif proof == "oauth" and account.network in oauth:
            steps.append(f"Or sign in with {label} to prove it at once.")
    return steps


def percent(value: object) -> str:
    """``0.42`` -> ``42%`` (anything but a number: ``n/a``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "n/a"
    return f"{value:.0%}"


def engagement(counts: Mapping[str, int]) -> str:
    """``{"stars": 3, "forks": 1}`` -> ``3 stars, 1 forks`` (largest first, zeros left out)."""
    kept = sorted(((n, k) for k, n in counts.items() if n), key=lambda p: (-p[0], p[1]))
    return ", ".join(f"{n} {k.replace('_', ' ')}" for n, k in kept)


def when(moment: datetime | None) -> str:
    """A moment as every page writes one (``07 Dec 2026, 10:05 UTC``; ``never`` when unknown)."""
    return "never" if moment is None else format_datetime(moment)
