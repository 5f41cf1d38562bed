"""Fuzzing the Slack export reader: broken JSON, wrong types, missing and odd files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.errors import InputError
from renown.ingest.readers.slack import read_slack
from tests.fuzzing import assert_well_formed_events, fuzz, mutated, read_or_refusal
from tests.ingest.test_slack import make_export

FILES = (
    "users.json",
    "channels.json",
    "dms.json",
    "general/2024-03-01.json",
    "general/2024-03-02.json",
    "D1/2024-03-01.json",
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["U1", "U2", "../..", "/etc", "1709283600.000200", "99999999999999"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value, with a bias towards the ids and timestamps the reader looks at."""

KEYS = (
    "id",
    "name",
    "members",
    "profile",
    "user",
    "ts",
    "thread_ts",
    "text",
    "reactions",
    "users",
    "subtype",
    "type",
    "parent_user_id",
    "is_bot",
    "email",
)


def _read(root: Path) -> None:
    events = read_or_refusal(lambda: read_slack(root), str(root))
    if events is not None:
        assert_well_formed_events(events)


@fuzz(150)
@given(which=st.sampled_from(FILES), data=st.data())
def test_hostile_bytes_in_any_file_are_read_or_refused(which: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_export(Path(folder))
        file = root / which
        file.write_bytes(data.draw(mutated(file.read_bytes())))
        _read(root)


def _replace(value: Any, path: list[int | str], new: Any) -> Any:
    """``value`` with the element at ``path`` (list indexes and keys) replaced by ``new``."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list) and isinstance(head, int) and value:
        index = head % len(value)
        return [_replace(v, rest, new) if i == index else v for i, v in enumerate(value)]
    if isinstance(value, dict) and isinstance(head, str):
        return {**value, head: _replace(value.get(head), rest, new)}
    return value


@fuzz(200)
@given(
    which=st.sampled_from(FILES),
    path=st.lists(st.integers(0, 5) | st.sampled_from(KEYS), max_size=4),
    new=JSON,
)
def test_wrong_types_anywhere_are_read_or_refused(
    which: str, path: list[int | str], new: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_export(Path(folder))
        file = root / which
        document = json.loads(file.read_text(encoding="utf-8"))
        file.write_text(json.dumps(_replace(document, path, new)), encoding="utf-8")
        _read(root)


@pytest.mark.parametrize(
    ("name", "field"),
    [("../outside", "name"), ("/tmp", "name"), ("gen\x00eral", "name"), (7, "name")],
)
def test_conversation_names_cannot_leave_the_export(
    tmp_path: Path, name: object, field: str
) -> None:
    root = make_export(tmp_path / "export")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "2024-01-01.json").write_text("[]")
    channels = [{"id": "C1", "name": "general", "members": ["U1"]}, {"id": "C9", "name": name}]
    (root / "channels.json").write_text(json.dumps(channels, indent=2))
    with pytest.raises(InputError) as caught:
        read_slack(root)
    assert (caught.value.source, caught.value.field) == (str(root / "channels.json"), field)
    assert caught.value.line == 9


def test_deep_nesting_and_huge_numbers_are_refused(tmp_path: Path) -> None:
    root = make_export(tmp_path)
    day = root / "general" / "2024-03-01.json"
    day.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="not valid JSON"):
        read_slack(root)
    day.write_text('[{"type": "message", "user": "U1", "ts": ' + "9" * 5000 + "}]")
    with pytest.raises(InputError, match="not valid JSON"):
        read_slack(root)


def test_odd_entries_are_skipped_or_refused(tmp_path: Path) -> None:
    root = make_export(tmp_path)
    (root / "general" / "folder.json").mkdir()
    (root / "general" / "notes.txt").write_text("not json")
    assert read_slack(root).height > 0
    (root / "general" / "2024-03-09.json").write_bytes(b"\xff\xfe[\x00]\x00")
    with pytest.raises(InputError, match="UTF-16") as caught:
        read_slack(root)
    assert caught.value.line == 1
