"""The challenge pages, as a browser uses them (cookie session, CSRF, 303 after a form,
422 with the reason and the form kept): a sponsor posts through the form and publishes,
a member registers and submits, the reviewer scores and answers an appeal, the winners are
recorded by the tick after time moved (the challenge's rows shifted into the past), and
the ledger's "mark paid" reaches the member's own ledger."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from renown.challenges.job import tick_challenges
from renown.core.roles import Role
from tests.web.challenges_policies import PDF, shift
from tests.web.test_challenges_api import publish_reviewed


def _local(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def form_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Design the badge wall",
        "sponsor_name": "Acme People Team",
        "specification": "## Goal\n\nA wall of **badges**.\n\n<script>alert(1)</script>\n"
        "[click](javascript:alert(2))",
        "skills": "Figma, illustration",
        "kind": "design",
        "registration_starts_at": _local(-1),
        "registration_ends_at": _local(24),
        "submission_ends_at": _local(48),
        "review_ends_at": _local(72),
        "appeals_ends_at": _local(96),
        "prizes": "800, 300",
        "currency": "eur",
        "scorecard": "look; Looks good; 2; 1; 5\nfit; Fits the brief; 1; 0; 10",
        "passing_score": "40",
        "file_types": [".pdf", ".png"],
        "accepts_urls": "true",
        "max_submission_mb": "2",
    }
    return fields | changes


def _id_of(location: str) -> int:
    found = re.match(r"/challenges/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_a_sponsor_posts_through_the_form_and_a_refusal_keeps_what_was_typed(
    platform: Any,
) -> None:
    sponsor = platform.browser(Role.SPONSOR)
    page = sponsor.get("/challenges/new")
    assert page.status_code == 200 and 'name="registration_starts_at"' in page.text
    missing = sponsor.post("/challenges/new", data=form_fields(submission_ends_at=""))
    assert missing.status_code == 422
    assert "Submission ends: a date and time is required." in missing.text
    assert 'value="Design the badge wall"' in missing.text
    backwards = sponsor.post("/challenges/new", data=form_fields(registration_ends_at=_local(-2)))
    assert backwards.status_code == 422
    assert "Registration ends must come after registration opens." in backwards.text

    posted = sponsor.post("/challenges/new", data=form_fields())
    assert posted.status_code == 303, posted.text
    challenge_id = _id_of(posted.headers["location"])
    page = sponsor.get(f"/challenges/{challenge_id}")
    assert page.status_code == 200
    assert "<h2>Goal</h2>" in page.text and "<strong>badges</strong>" in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    spec = page.text.split("data-specification>")[1].split("</div>")[0]
    assert 'href="javascript:' not in spec and "<a" not in spec  # the link stays text
    assert "EUR 800" in page.text and "EUR 300" in page.text
    assert "Looks good" in page.text and "data-publish" in page.text

    edit = sponsor.get(f"/challenges/{challenge_id}/edit")
    assert edit.status_code == 200 and "look; Looks good; 2; 1; 5" in edit.text
    saved = sponsor.post(
        f"/challenges/{challenge_id}/edit", data=form_fields(title="Design the badge wall v2")
    )
    assert saved.status_code == 303
    unknown = sponsor.post(
        f"/challenges/{challenge_id}/reviewers", data={"email": "nobody@acme.example"}
    )
    assert unknown.status_code == 422 and "No active account" in unknown.text
    early = sponsor.post(f"/challenges/{challenge_id}/publish")
    assert early.status_code == 422 and "Add at least one reviewer" in early.text
    added = sponsor.post(
        f"/challenges/{challenge_id}/reviewers",
        data={"email": platform.members[Role.MANAGER].email},
    )
    assert added.status_code == 303
    assert sponsor.post(f"/challenges/{challenge_id}/publish").status_code == 303
    page = sponsor.get(f"/challenges/{challenge_id}")
    assert "Design the badge wall v2" in page.text and "Registration is open until" in page.text
    fixed = sponsor.get(f"/challenges/{challenge_id}/edit")
    assert "data-fixed" in fixed.text and "data-challenge-form" not in fixed.text


def test_the_list_filters_by_phase_skill_text_and_mine(platform: Any) -> None:
    challenge_id = publish_reviewed(platform, title="Filterable gadget", skills=["rust"])
    member = platform.browser(Role.MEMBER)
    everything = member.get("/challenges")
    assert everything.status_code == 200 and f'data-challenge="{challenge_id}"' in everything.text
    for query, listed in (
        ({"skill": "rust"}, True),
        ({"skill": "cobol"}, False),
        ({"text": "filterable"}, True),
        ({"text": "nothing like it"}, False),
        ({"phase": "registration"}, True),
        ({"phase": "completed"}, False),
        ({"mine": "1"}, False),
    ):
        page = member.get("/challenges", params=query)
        assert (f'data-challenge="{challenge_id}"' in page.text) is listed, query
    member.post(f"/challenges/{challenge_id}/register")
    assert f'data-challenge="{challenge_id}"' in member.get("/challenges?mine=1").text
    # The navigation of a community member is the challenge pages, not the organisation's.
    assert 'href="/challenges"' in everything.text and 'href="/people"' not in everything.text


def test_a_challenge_runs_through_its_pages(platform: Any) -> None:
    challenge_id = publish_reviewed(platform, title="Pages from start to end")
    member = platform.browser(Role.MEMBER)
    page = member.get(f"/challenges/{challenge_id}")
    assert "data-register" in page.text and "data-file-form" not in page.text
    assert member.post(f"/challenges/{challenge_id}/register").status_code == 303
    page = member.get(f"/challenges/{challenge_id}")
    assert "data-file-form" in page.text and "at most 10 MB" in page.text
    uploaded = member.post(
        f"/challenges/{challenge_id}/submissions",
        files={"file": ("answer.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    by_url = member.post(
        f"/challenges/{challenge_id}/submissions/url",
        data={"url": "https://git.example.org/member/answer"},
    )
    assert by_url.status_code == 303
    page = member.get(f"/challenges/{challenge_id}")
    assert 'data-version="2"' in page.text and "✓ counts" in page.text
    counted = page.text.split('data-version="2"')[1].split("</tr>")[0]
    assert "counts" in counted and "git.example.org" in counted

    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    tick_challenges(platform.sessions, datetime.now(UTC))
    reviewer = platform.browser(Role.MANAGER)
    review = reviewer.get(f"/challenges/{challenge_id}/review")
    assert review.status_code == 200 and "Submission 1" in review.text
    assert "member@acme.example" not in review.text  # blind
    task = re.search(r'data-task="(\d+)"', review.text)
    assert task is not None
    submission_id = int(task.group(1))
    answers = {
        "answer.requirements": "4",
        "answer.quality": "3",
        "answer.completeness": "4",
        "answer.communication": "9",
    }
    out_of_range = reviewer.post(f"/challenges/{challenge_id}/review/{submission_id}", data=answers)
    assert out_of_range.status_code == 422
    assert "communication" in out_of_range.text and "between 1 and 4" in out_of_range.text
    answers["answer.communication"] = "4"
    saved = reviewer.post(
        f"/challenges/{challenge_id}/review/{submission_id}",
        data=answers | {"comment": "Solid."},
    )
    assert saved.status_code == 303
    assert "your score 90.0" in reviewer.get(f"/challenges/{challenge_id}/review").text

    shift(platform.sessions, challenge_id, -timedelta(hours=24))
    reviews = member.get(f"/challenges/{challenge_id}/reviews")
    assert reviews.status_code == 200 and "Reviewer 1" in reviews.text
    assert 'data-appeal-form="quality"' in reviews.text
    review_id = int(re.search(r'data-review="(\d+)"', reviews.text).group(1))  # type: ignore[union-attr]
    appealed = member.post(
        f"/challenges/{challenge_id}/reviews/{review_id}/appeal",
        data={"question": "quality", "text": "The code is documented throughout."},
    )
    assert appealed.status_code == 303
    assert 'data-appeal-state="open"' in member.get(f"/challenges/{challenge_id}/reviews").text
    review = reviewer.get(f"/challenges/{challenge_id}/review")
    appeal_id = int(re.search(r'data-appeal="(\d+)"', review.text).group(1))  # type: ignore[union-attr]
    no_choice = reviewer.post(
        f"/challenges/{challenge_id}/appeals/{appeal_id}/answer", data={"response": "Hm."}
    )
    assert no_choice.status_code == 422 and "upheld or denied" in no_choice.text
    answered = reviewer.post(
        f"/challenges/{challenge_id}/appeals/{appeal_id}/answer",
        data={"outcome": "upheld", "new_value": "4", "response": "Agreed."},
    )
    assert answered.status_code == 303
    assert 'data-appeal-state="upheld"' in member.get(f"/challenges/{challenge_id}/reviews").text

    shift(platform.sessions, challenge_id, -timedelta(hours=25))
    tick_challenges(platform.sessions, datetime.now(UTC))
    page = member.get(f"/challenges/{challenge_id}")
    assert "data-results" in page.text and "1st" in page.text and "USD 500" in page.text
    assert 'data-paid="no"' in page.text

    sponsor = platform.browser(Role.SPONSOR)
    ledger = sponsor.get("/challenges/ledger")
    items = re.findall(r'data-line="(\d+)".*?</li>', ledger.text, re.S)
    blocks = dict(zip(items, ledger.text.split('data-line="')[1:], strict=True))
    entry_id = int(next(i for i, block in blocks.items() if "Pages from start to end" in block))
    empty = sponsor.post(f"/challenges/ledger/{entry_id}/paid", data={"reference": "  "})
    assert empty.status_code == 422 and "payment reference" in empty.text
    paid = sponsor.post(f"/challenges/ledger/{entry_id}/paid", data={"reference": "SEPA-77"})
    assert paid.status_code == 303
    mine = member.get("/challenges/ledger").text
    own = mine.split(f'data-line="{entry_id}"')[1].split("</li>")[0]
    assert 'data-status="paid"' in own and "SEPA-77" in own
    assert 'data-paid="yes"' in member.get(f"/challenges/{challenge_id}").text
