"""Request bodies of the radar API (the answers are :mod:`renown.radar.results` as they are)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from renown.radar.results import OutreachStatus
from renown.web.params import MULTI_LINE, Flag


class OutreachIn(BaseModel):
    """An outreach step for a prospect."""

    model_config = ConfigDict(extra="forbid")

    status: OutreachStatus = Field(
        default="watchlist", description="watchlist, contacted, responded or hired"
    )
    note: Annotated[str, Field(max_length=2000), MULTI_LINE] = ""


class OptOutIn(BaseModel):
    """The signed-in member's choice about the radar."""

    model_config = ConfigDict(extra="forbid")

    opted_out: Flag = Field(description="true: never scored or listed by the radar")


class PolicyIn(BaseModel):
    """The organisation's radar policy."""

    model_config = ConfigDict(extra="forbid")

    members_see_radar: Flag = Field(
        description="whether members are told that the radar follows their profile"
    )
