"""The docs generator replaces only the generated tables of a page."""

from __future__ import annotations

from renown.validation.docs import END, START, splice


def test_only_the_text_between_the_markers_is_replaced() -> None:
    page = f"# Title\n\nreasoning\n{START}\n\nold tables\n{END}\n\nlimits\n"
    spliced = splice(page, "new tables\n")
    assert spliced == f"# Title\n\nreasoning\n{START}\n\nnew tables\n\n{END}\n\nlimits\n"
    assert splice(spliced, "new tables\n") == spliced  # regenerating changes nothing


def test_a_page_without_markers_becomes_the_tables() -> None:
    assert splice("", "tables\n") == "tables\n"
