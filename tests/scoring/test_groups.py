"""The ``person,group`` file behind breadth: read strictly, problems located."""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.scoring.inputs import load_groups


def test_groups_are_read_with_quotes_blank_lines_and_any_line_ending(tmp_path: Path) -> None:
    file = tmp_path / "groups.csv"
    file.write_bytes(b'\xef\xbb\xbfperson,group\r\nann,"Sales, EMEA"\r\n\nbob,Eng\rcy,\n')
    assert load_groups(file) == {"ann": "Sales, EMEA", "bob": "Eng", "cy": ""}


@pytest.mark.parametrize(
    ("data", "line", "field"),
    [
        pytest.param(b'person,group\nann,"Sales\nbob,Eng\ncy,Ops\n', 2, "group", id="unclosed"),
        pytest.param(b"person,group\nann,Sales\nbob\ncy,Ops\n", 3, "group", id="short-row"),
        pytest.param(b"person,group\nann,Sales,EMEA\n", 2, None, id="long-row"),
        pytest.param(b"person,group\nann,Sal\xe9s\n", 2, "group", id="latin-1"),
        pytest.param(b"person,team\nann,Sales\n", 1, "group", id="missing-column"),
        pytest.param(b"person,group\n ,Sales\n", 2, "person", id="empty-person"),
        pytest.param(b"", 1, None, id="empty-file"),
    ],
)
def test_a_malformed_groups_file_names_line_and_field(
    tmp_path: Path, data: bytes, line: int, field: str | None
) -> None:
    file = tmp_path / "groups.csv"
    file.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_groups(file)
    assert (caught.value.source, caught.value.line, caught.value.field) == (str(file), line, field)
