"""Request bodies and parameters of external prominence (the answers are
:mod:`renown.external.results` and :mod:`renown.external.cards` as they are)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from renown.web.params import SINGLE_LINE, Flag

MAX_HANDLE: Final = 300
"""Longer than any handle or profile address a network gives (a Mastodon address with a
long server name is the longest); anything longer is a probe."""
MAX_NETWORK: Final = 32
SLUG_PATTERN: Final = r"^[A-Za-z0-9_-]+$"
"""A card's address is URL-safe base64 (``secrets.token_urlsafe``)."""

Slug = Annotated[
    str,
    Path(
        min_length=8,
        max_length=64,
        pattern=SLUG_PATTERN,
        description="The card's unguessable address (URL-safe letters, digits, - and _).",
    ),
]
"""A public card's address, checked for shape before the database is asked."""


class LinkIn(BaseModel):
    """Claim a public account as your own."""

    model_config = ConfigDict(extra="forbid")

    network: Annotated[str, Field(min_length=1, max_length=MAX_NETWORK), SINGLE_LINE] = Field(
        description="github, mastodon, bluesky, stackexchange or rss"
    )
    handle: Annotated[str, Field(min_length=1, max_length=MAX_HANDLE), SINGLE_LINE] = Field(
        description="The account's handle or the address of its profile"
    )
    consent: Flag = Field(
        description="Must be true: the account is yours and renown may read its public activity"
    )


class ConsentIn(BaseModel):
    """Whether HR may link your accounts from a file."""

    model_config = ConfigDict(extra="forbid")

    allow: Flag = Field(description="true: HR may link your public accounts from a file")


class CardIn(BaseModel):
    """Your public card: on or off, and what it shows."""

    model_config = ConfigDict(extra="forbid")

    enabled: Flag = Field(description="Whether the card's address answers at all")
    show_internal: Flag = Field(default=False, description="Your internal prominence score")
    show_external: Flag = Field(default=False, description="Your combined external score")
    show_networks: Flag = Field(
        default=False, description="Each network's score with a link to the account"
    )
    show_badges: Flag = Field(default=False, description="Your badges")
    show_challenges: Flag = Field(default=False, description="Your best challenge rating")
    new_address: Flag = Field(
        default=False, description="Give the card a new address (the old one stops answering)"
    )

    def shown(self) -> dict[str, bool]:
        """The ``show_*`` choices, as :func:`renown.external.cards.check_update_card` takes."""
        return {
            "show_internal": self.show_internal,
            "show_external": self.show_external,
            "show_networks": self.show_networks,
            "show_badges": self.show_badges,
            "show_challenges": self.show_challenges,
        }
