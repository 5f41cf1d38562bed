"""What a send attempt reports back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from renown.core.errors import RenownError


class DeliveryError(RenownError):
    """A configured channel refused or failed to take the message."""


@dataclass(frozen=True)
class Delivery:
    """The outcome of a send that did not fail.

    ``sent``: the server or webhook accepted the message. ``skipped``: the channel is not
    configured, and ``detail`` names the setting that would turn it on.
    """

    status: Literal["sent", "skipped"]
    detail: str = ""

    @property
    def sent(self) -> bool:
        """The message was handed over."""
        return self.status == "sent"
