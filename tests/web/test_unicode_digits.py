"""Form values with Unicode digits ("²", "٣") pass ``str.isdigit()`` but not ``int()``: every
place that reads a number from a form reads ASCII digits only, so they are refused or dropped,
never a 500."""

from __future__ import annotations

import pytest

from renown.core.errors import Invalid
from renown.web.feedback.present import parse_ratings
from renown.web.talent.present_board import SignOffForm


@pytest.mark.parametrize("digit", ["²", "٣", "５"])
def test_a_rating_in_unicode_digits_is_refused(digit: str) -> None:
    with pytest.raises(Invalid, match="between 1 and 5"):
        parse_ratings([f"quality:{digit}"])


def test_a_sign_off_form_drops_ids_in_unicode_digits() -> None:
    form = SignOffForm.typed(["²", "7"], "ok", ["٣", "8"], ["odd", "fine"])
    assert form == SignOffForm.typed(["7"], "ok", ["8"], ["fine"])
