"""Promotion-board objects for the role matrix: fresh rounds, sessions, appeals and plans.

Each filler makes a new object in the owner's organisation (the member's own, or the other
organisation's), so no test depends on what another did to it. Rounds are published to
everyone and hold every current person, so every staff role may look at them; a session
is opened on the round the same request's ``round_id`` filler just made, so nested paths
point at matching objects.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.talent.board import board
from renown.talent.calibration import check_open_session
from renown.talent.decisions import check_file_appeal, check_sign_off
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from renown.talent.succession import check_create_plan
from tests.web.conftest import principal_of_account

_COUNTER = itertools.count(1)
_LAST_ROUND: dict[int, int] = {}
"""Organisation id -> the round the latest ``round_id`` filler made there."""


def _clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


def _hr_of(platform: Any, org_id: int) -> Any:
    return platform.members[Role.HR] if org_id == platform.acme_id else platform.other_hr


def _owner_org(platform: Any, member: Any, org: str) -> int:
    if org == "own":
        return int(member.org_id)
    return int(platform.other_id if member.org_id == platform.acme_id else platform.acme_id)


def new_round(platform: Any, org_id: int, *, transparency: str = "everyone") -> int:
    """A fresh open round of everyone in the organisation."""
    hr = _hr_of(platform, org_id)
    with platform.sessions() as session, session.begin():
        created = check_open_round(
            session,
            principal_of_account(session, hr.account_id),
            name=f"Matrix round {next(_COUNTER)}",
            target="Senior",
            eligibility=Eligibility(),
            config=RoundConfig(transparency=transparency, top_n=3),
            clock=_clock(),
        )
        round_id = int(created.id)
    _LAST_ROUND[org_id] = round_id
    return round_id


def round_filler(platform: Any, member: Any, org: str) -> int:
    return new_round(platform, _owner_org(platform, member, org))


def session_filler(platform: Any, member: Any, org: str) -> int:
    org_id = _owner_org(platform, member, org)
    round_id = _LAST_ROUND.get(org_id) or new_round(platform, org_id)
    hr = _hr_of(platform, org_id)
    with platform.sessions() as session, session.begin():
        opened = check_open_session(
            session,
            principal_of_account(session, hr.account_id),
            round_id,
            "Matrix calibration",
            clock=_clock(),
        )
        return int(opened.id)


def appeal_filler(platform: Any, member: Any, org: str) -> int:
    """An open appeal by a candidate of a freshly decided round."""
    org_id = _owner_org(platform, member, org)
    round_id = new_round(platform, org_id)
    hr = _hr_of(platform, org_id)
    with platform.sessions() as session, session.begin():
        principal = principal_of_account(session, hr.account_id)
        recommended = board(session, principal, round_id).recommended
        check_sign_off(
            session,
            principal,
            round_id,
            promoted=list(recommended),
            reason="Matrix decision: the recommendation",
            clock=_clock(),
        )
    with platform.sessions() as session, session.begin():
        appellant = principal_of_account(session, hr.account_id)
        appeal = check_file_appeal(
            session, appellant, round_id, "I would like the decision reviewed", clock=_clock()
        )
        return int(appeal.id)


def plan_filler(platform: Any, member: Any, org: str) -> int:
    org_id = _owner_org(platform, member, org)
    hr = _hr_of(platform, org_id)
    with platform.sessions() as session, session.begin():
        plan = check_create_plan(
            session,
            principal_of_account(session, hr.account_id),
            role_name=f"Key role {next(_COUNTER)}",
            incumbent_id=None,
            clock=_clock(),
        )
        return int(plan.id)


TALENT_FILLERS = {
    "round_id": round_filler,
    "session_id": session_filler,
    "appeal_id": appeal_filler,
    "plan_id": plan_filler,
}
