"""More hostile input against the challenge routes, found by attacking a running server.

The sponsor's form: amounts, sizes and dates so large that reading them overflowed (a 500)
are refused with the field named, and no challenge is posted.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.challenges import Challenge
from tests.web.test_challenges_pages import form_fields


def _challenges(platform: Any) -> int:
    with platform.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Challenge)) or 0)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("prizes", "1e308", "over the largest prize"),
        ("prizes", "800, 1e20", "over the largest prize"),
        ("checkpoint_prizes", "1e308", "over the largest prize"),
        ("max_submission_mb", "1e308", "The largest file must be above 0 MB and at most 25 MB."),
        ("max_submission_mb", "-1", "The largest file must be above 0 MB and at most 25 MB."),
        ("registration_starts_at", "9999-12-31T23:59:59-23:59", "a date between 1900 and 2199"),
        ("registration_starts_at", "0001-01-01T00:00:00+23:59", "a date between 1900 and 2199"),
        ("submission_ends_at", "3000-01-01T00:00", "a date between 1900 and 2199"),
    ],
)
def test_overflowing_form_values_are_refused_with_the_field_named(
    platform: Any, field: str, value: str, says: str
) -> None:
    sponsor = platform.browser(Role.SPONSOR)
    before = _challenges(platform)
    changes = {field: value}
    if field == "checkpoint_prizes":
        changes["checkpoint_at"] = form_fields()["registration_ends_at"]
    refused = sponsor.post("/challenges/new", data=form_fields(**changes))
    assert refused.status_code == 422, refused.text[:300]
    assert says in refused.text
    assert 'value="Design the badge wall"' in refused.text  # what was typed comes back
    assert _challenges(platform) == before


@pytest.mark.parametrize("value", ["²", "٣", "1²", " 7 ", "abc", "-5"])
def test_the_marketplace_rating_filter_takes_only_ascii_digits(platform: Any, value: str) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: the filter used to answer 500."""
    page = platform.browser(Role.SPONSOR).get("/marketplace", params={"min_rating": value})
    assert page.status_code == 200
    shown = page.text.split('name="min_rating"')[1].split(">")[0]
    assert 'value="7"' in shown if value.strip() == "7" else 'value=""' in shown
