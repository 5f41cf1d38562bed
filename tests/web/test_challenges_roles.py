"""Roles inside one challenge, beyond the role matrix: the challenge's sponsor against
another sponsor, a reviewer against a non-reviewer, a registrant against a member who did
not register. The matrix proves who reaches a route; these prove the domain's per-challenge
answer through it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from renown.accounts.actions import do_create_account
from renown.core.roles import Role
from tests.web.challenges_policies import PDF, shift
from tests.web.conftest import PASSWORD, Member
from tests.web.test_challenges_api import publish_reviewed, reviewed_body


def _account(platform: Any, role: Role) -> Member:
    """A second account of ``role`` in acme."""
    with platform.sessions.begin() as session:
        account = do_create_account(
            session,
            org_id=platform.acme_id,
            email=f"{role.value}-{uuid.uuid4().hex[:6]}@acme.example",
            password=PASSWORD,
            role=role,
        )
        return Member(role, account.id, account.email, None, platform.acme_id)


@pytest.fixture(scope="module")
def other_sponsor(platform: Any) -> Member:
    return _account(platform, Role.SPONSOR)


@pytest.fixture(scope="module")
def bystander(platform: Any) -> Member:
    return _account(platform, Role.MEMBER)


def test_another_sponsor_neither_sees_the_draft_nor_runs_the_challenge(
    platform: Any, other_sponsor: Member
) -> None:
    owner, other = platform.bearer(Role.SPONSOR), platform.bearer(other_sponsor)
    draft = owner.post("/api/v1/challenges", json=reviewed_body()).json()["summary"]["id"]
    assert other.get(f"/api/v1/challenges/{draft}").status_code == 404
    assert other.post(f"/api/v1/challenges/{draft}/publish").status_code == 404
    assert platform.browser(other_sponsor).get(f"/challenges/{draft}/edit").status_code == 404
    published = publish_reviewed(platform)
    assert other.get(f"/api/v1/challenges/{published}").json()["summary"]["runs"] is False
    for method, path, body in (
        ("POST", f"/api/v1/challenges/{published}/cancel", {"reason": "Not mine to cancel."}),
        ("POST", f"/api/v1/challenges/{published}/reviewers", {"email": other_sponsor.email}),
        ("PUT", f"/api/v1/challenges/{published}", reviewed_body()),
    ):
        assert other.request(method, path, json=body).status_code == 403, path
    assert platform.browser(other_sponsor).get(f"/challenges/{published}/edit").status_code == 403
    # An administrator runs any challenge of the organisation.
    admin = platform.bearer(Role.ADMIN).get(f"/api/v1/challenges/{published}").json()
    assert admin["summary"]["runs"] is True and admin["reviewers"]


def test_only_the_challenges_reviewers_review_it(platform: Any, bystander: Member) -> None:
    challenge_id = publish_reviewed(platform, reviewer=Role.EMPLOYEE)
    member = platform.bearer(Role.MEMBER)
    member.post(f"/api/v1/challenges/{challenge_id}/registration")
    sent = member.post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        files={"file": ("a.pdf", PDF, "application/pdf")},
    ).json()
    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    tasks = f"/api/v1/challenges/{challenge_id}/review-tasks"
    assert platform.bearer(Role.EMPLOYEE).get(tasks).status_code == 200
    for outsider in (Role.MANAGER, bystander):
        assert platform.bearer(outsider).get(tasks).status_code == 403
        scored = platform.bearer(outsider).put(
            f"{tasks}/{sent['submission_id']}",
            json={
                "answers": {"requirements": 4, "quality": 4, "completeness": 4, "communication": 4}
            },
        )
        assert scored.status_code == 403
    assert platform.browser(Role.MANAGER).get(f"/challenges/{challenge_id}/review").status_code == (
        403
    )
    file_url = f"/api/v1/challenges/submissions/{sent['submission_id']}/file"
    assert platform.bearer(Role.EMPLOYEE).get(file_url).status_code == 200
    assert platform.bearer(Role.MANAGER).get(file_url).status_code == 404


def test_only_registrants_submit_and_appeal_their_own_reviews(
    platform: Any, bystander: Member
) -> None:
    challenge_id = publish_reviewed(platform)
    outsider = platform.bearer(bystander)
    unregistered = outsider.post(
        f"/api/v1/challenges/{challenge_id}/submissions/url",
        json={"url": "https://git.example.org/x"},
    )
    assert unregistered.status_code == 422 and "register" in unregistered.json()["detail"]
    member = platform.bearer(Role.MEMBER)
    member.post(f"/api/v1/challenges/{challenge_id}/registration")
    sent = member.post(
        f"/api/v1/challenges/{challenge_id}/submissions/url",
        json={"url": "https://git.example.org/member"},
    ).json()
    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    answers = {"requirements": 3, "quality": 3, "completeness": 3, "communication": 3}
    platform.bearer(Role.MANAGER).put(
        f"/api/v1/challenges/{challenge_id}/review-tasks/{sent['submission_id']}",
        json={"answers": answers},
    )
    shift(platform.sessions, challenge_id, -timedelta(hours=24))
    (review,) = member.get(f"/api/v1/challenges/{challenge_id}/reviews").json()
    assert outsider.get(f"/api/v1/challenges/{challenge_id}/reviews").json() == []
    foreign = outsider.post(
        f"/api/v1/challenges/{challenge_id}/reviews/{review['id']}/appeals",
        json={"question": "quality", "text": "Not my review, but still."},
    )
    assert foreign.status_code == 404
    # The reviewer who wrote it answers; another reviewer-role account may not.
    own = member.post(
        f"/api/v1/challenges/{challenge_id}/reviews/{review['id']}/appeals",
        json={"question": "quality", "text": "Please look again."},
    ).json()
    stranger = platform.bearer(Role.EMPLOYEE).post(
        f"/api/v1/challenges/{challenge_id}/appeals/{own['id']}/answer",
        json={"upheld": False, "response": "No."},
    )
    assert stranger.status_code == 403
