"""Hostile input against the challenge routes: each attempt gets a clear refusal and
changes nothing (the rows are counted before and after).

Files: over the challenge's limit, over any challenge's limit, the wrong type, a ``.pdf``
that is not a PDF, path names, an empty file; URLs with ``javascript:`` or credentials;
acting outside the phase (late submissions, appeals outside the window); scorecards out of
range; another organisation's ids; a member reading someone else's file or the private
board early; a reviewer registering; a form without its CSRF token. A submitted file is
always an attachment with a safe type, whatever its uploader claimed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from renown.challenges.posting import MAX_SUBMISSION_BYTES
from renown.core.roles import Role
from renown.store.tables.challenges import (
    ChallengeAppeal,
    ChallengeRegistration,
    ChallengeReview,
    ChallengeSubmission,
)
from tests.web.challenges_policies import PDF, shift
from tests.web.test_challenges_api import publish_reviewed, tick

DEFAULT_ANSWERS = {"requirements": 4, "quality": 4, "completeness": 4, "communication": 4}


def count(platform: Any, table: Any, challenge_id: int) -> int:
    with platform.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.challenge_id == challenge_id)
            )
        )


@pytest.fixture
def entered(platform: Any) -> int:
    """A published reviewed challenge (files up to 2 KB: .pdf, .svg) the member entered."""
    challenge_id = publish_reviewed(
        platform, max_submission_bytes=2048, file_types=[".pdf", ".svg"]
    )
    answer = platform.bearer(Role.MEMBER).post(f"/api/v1/challenges/{challenge_id}/registration")
    assert answer.status_code == 200
    return challenge_id


def _upload(platform: Any, challenge_id: int, name: str, data: bytes, kind: str = "") -> Any:
    return platform.bearer(Role.MEMBER).post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        files={"file": (name, data, kind or "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("big.pdf", PDF + b"x" * 3000, "this challenge accepts at most 2,048"),
        ("tool.exe", b"MZ\x90\x00", "is not an accepted file type"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "does not look like a .pdf"),
        ("empty.pdf", b"", "is empty"),
        ("../..", PDF, "the file name must be"),
        ("bad\x01name.pdf", PDF, "the file name must be"),
        ("drawing.svg", b"\xff\xfe<svg/>", "is not UTF-8 text"),
    ],
    ids=["over-the-limit", "wrong-type", "fake-pdf", "empty", "only-a-path", "control", "binary"],
)
def test_a_refused_file_says_why_and_stores_nothing(
    platform: Any, entered: int, name: str, data: bytes, says: str
) -> None:
    refused = _upload(platform, entered, name, data)
    assert refused.status_code == 400, refused.text
    assert says in refused.json()["detail"]["message"]
    assert count(platform, ChallengeSubmission, entered) == 0


def test_a_file_over_every_challenges_limit_is_refused_without_being_read_whole(
    platform: Any, entered: int
) -> None:
    huge = PDF + b"x" * MAX_SUBMISSION_BYTES
    refused = _upload(platform, entered, "huge.pdf", huge)
    assert refused.status_code == 400
    assert "no challenge accepts more than" in refused.json()["detail"]["message"]
    page = platform.browser(Role.MEMBER).post(
        f"/challenges/{entered}/submissions", files={"file": ("huge.pdf", huge, "application/pdf")}
    )
    assert page.status_code == 400 and "no challenge accepts more than" in page.text
    assert count(platform, ChallengeSubmission, entered) == 0


def test_a_path_in_a_file_name_keeps_only_the_name(platform: Any, entered: int) -> None:
    for name in ("../../etc/passwd.pdf", "..\\..\\windows\\evil.pdf"):
        assert _upload(platform, entered, name, PDF).status_code == 200
    with platform.sessions() as session:
        names = list(
            session.scalars(
                sa.select(ChallengeSubmission.filename)
                .where(ChallengeSubmission.challenge_id == entered)
                .order_by(ChallengeSubmission.version)
            )
        )
    assert names == ["passwd.pdf", "evil.pdf"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "http://git.example.org/plain",
        "https://user:secret@git.example.org/x",
        "https:///no-host",
    ],
)
def test_a_hostile_url_is_refused(platform: Any, entered: int, url: str) -> None:
    refused = platform.bearer(Role.MEMBER).post(
        f"/api/v1/challenges/{entered}/submissions/url", json={"url": url}
    )
    assert refused.status_code == 422, refused.text
    page = platform.browser(Role.MEMBER).post(
        f"/challenges/{entered}/submissions/url", data={"url": url}
    )
    assert page.status_code == 422 and "repository URL" in page.text
    assert count(platform, ChallengeSubmission, entered) == 0


def test_a_late_submission_is_refused(platform: Any, entered: int) -> None:
    assert _upload(platform, entered, "early.pdf", PDF).status_code == 200
    shift(platform.sessions, entered, -timedelta(hours=49))
    late = _upload(platform, entered, "late.pdf", PDF)
    assert late.status_code == 422 and "Submitting is not possible now" in late.json()["detail"]
    late_url = platform.bearer(Role.MEMBER).post(
        f"/api/v1/challenges/{entered}/submissions/url", json={"url": "https://x.example/y"}
    )
    assert late_url.status_code == 422
    assert count(platform, ChallengeSubmission, entered) == 1


def test_scorecards_out_of_range_and_appeals_outside_the_window_change_nothing(
    platform: Any, entered: int
) -> None:
    member, reviewer = platform.bearer(Role.MEMBER), platform.bearer(Role.MANAGER)
    assert _upload(platform, entered, "work.pdf", PDF).status_code == 200
    shift(platform.sessions, entered, -timedelta(hours=49))
    (task,) = reviewer.get(f"/api/v1/challenges/{entered}/review-tasks").json()
    url = f"/api/v1/challenges/{entered}/review-tasks/{task['submission_id']}"
    for answers, says in (
        (DEFAULT_ANSWERS | {"quality": 5}, "between 1 and 4"),
        (DEFAULT_ANSWERS | {"quality": -1}, "between 1 and 4"),
        ({"quality": 4}, "is not answered"),
        (DEFAULT_ANSWERS | {"bonus": 4}, "no question 'bonus'"),
    ):
        refused = reviewer.put(url, json={"answers": answers})
        assert refused.status_code == 422 and says in refused.json()["detail"], refused.text
    not_json_number = reviewer.put(url, json={"answers": DEFAULT_ANSWERS | {"quality": "4"}})
    assert not_json_number.status_code == 422
    assert count(platform, ChallengeReview, entered) == 0

    assert reviewer.put(url, json={"answers": DEFAULT_ANSWERS}).status_code == 200
    (review,) = platform.bearer(Role.SPONSOR).get(f"/api/v1/challenges/{entered}/reviews").json()
    appeal_url = f"/api/v1/challenges/{entered}/reviews/{review['id']}/appeals"
    body = {"question": "quality", "text": "Too early?"}
    during_review = member.post(appeal_url, json=body)
    assert (
        during_review.status_code == 422
        and "Appealing is not possible now" in (during_review.json()["detail"])
    )
    shift(platform.sessions, entered, -timedelta(hours=24 * 3))  # past the appeals window
    after = member.post(appeal_url, json=body)
    assert after.status_code == 422 and "Appealing is not possible now" in after.json()["detail"]
    assert count(platform, ChallengeAppeal, entered) == 0
    tick(platform)


def test_another_organisations_challenge_is_not_found(platform: Any, entered: int) -> None:
    outsider = platform.bearer(platform.other_hr)
    for method, path, body in (
        ("GET", f"/api/v1/challenges/{entered}", None),
        ("GET", f"/api/v1/challenges/{entered}/results", None),
        ("PUT", f"/api/v1/challenges/{entered}", {"title": "hijacked"}),
        ("POST", f"/api/v1/challenges/{entered}/cancel", {"reason": "Because I can."}),
        ("POST", f"/api/v1/challenges/{entered}/reviewers", {"email": "hr@other.example"}),
    ):
        answer = outsider.request(method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    listed = outsider.get("/api/v1/challenges").json()
    assert entered not in [c["id"] for c in listed]
    page = platform.browser(platform.other_hr).get(f"/challenges/{entered}")
    assert page.status_code == 404


def test_members_do_not_read_each_others_files_or_the_private_board_early(
    platform: Any,
) -> None:
    challenge_id = publish_reviewed(platform, file_types=[".pdf", ".svg"])
    member, employee = platform.bearer(Role.MEMBER), platform.bearer(Role.EMPLOYEE)
    for client in (member, employee):
        client.post(f"/api/v1/challenges/{challenge_id}/registration")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
    sent = member.post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        files={"file": ("art.svg", svg, "text/html")},
    )
    assert sent.status_code == 200
    file_url = f"/api/v1/challenges/submissions/{sent.json()['submission_id']}/file"
    assert employee.get(file_url).status_code == 404
    assert platform.bearer(Role.MANAGER).get(file_url).status_code == 404  # not yet closed
    assert platform.bearer(Role.RECRUITER).get(file_url).status_code == 403
    own = member.get(file_url)
    assert own.status_code == 200 and own.content == svg
    for answer in (own, platform.browser(Role.MEMBER).get(file_url.removeprefix("/api/v1"))):
        assert answer.headers["content-type"] == "application/octet-stream"
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert "nosniff" in answer.headers["x-content-type-options"]
        assert "sandbox" in answer.headers["content-security-policy"]
    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    assert employee.get(file_url).status_code == 404
    reviewed = platform.bearer(Role.MANAGER).get(file_url)
    assert reviewed.status_code == 200 and reviewed.headers["content-type"] == (
        "application/octet-stream"
    )
    assert platform.bearer(Role.SPONSOR).get(file_url).status_code == 200


def test_a_reviewer_cannot_register_and_a_registrant_cannot_review(
    platform: Any, entered: int
) -> None:
    reviewing = platform.bearer(Role.MANAGER).post(f"/api/v1/challenges/{entered}/registration")
    assert reviewing.status_code == 422 and "reviewer" in reviewing.json()["detail"]
    as_reviewer = platform.bearer(Role.SPONSOR).post(
        f"/api/v1/challenges/{entered}/reviewers",
        json={"email": platform.members[Role.MEMBER].email},
    )
    assert (
        as_reviewer.status_code == 422
        and "registered participant" in (as_reviewer.json()["detail"])
    )
    with platform.sessions() as session:
        registered = set(
            session.scalars(
                sa.select(ChallengeRegistration.account_id).where(
                    ChallengeRegistration.challenge_id == entered
                )
            )
        )
    assert registered == {platform.members[Role.MEMBER].account_id}


def test_forms_without_the_csrf_token_are_refused(platform: Any, entered: int) -> None:
    bare = platform.browser(Role.MEMBER, with_csrf=False)
    refused = bare.post(
        f"/challenges/{entered}/submissions", files={"file": ("a.pdf", PDF, "application/pdf")}
    )
    assert refused.status_code == 403 and "CSRF" in refused.text
    sponsor = platform.browser(Role.SPONSOR, with_csrf=False)
    cancel = sponsor.post(f"/challenges/{entered}/cancel", data={"reason": "CSRF attempt"})
    assert cancel.status_code == 403
    assert count(platform, ChallengeSubmission, entered) == 0
    phase = platform.bearer(Role.SPONSOR).get(f"/api/v1/challenges/{entered}").json()
    assert phase["summary"]["phase"] == "registration"
