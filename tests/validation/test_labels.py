"""Reading and matching labels: every refusal names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.validation.labels import Labels, match_labels, merge_label_aliases, read_labels


def _file(tmp_path: Path, text: str, name: str = "labels.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_comma_semicolon_and_tab_files(tmp_path: Path) -> None:
    for name, text in [
        ("a.csv", "person,label\nann,3\nbob,1.5\n"),
        ("b.csv", "person;label\nann;3\nbob;1.5\n"),
        ("c.tsv", "person\tlabel\nann\t3\nbob\t1.5\n"),
    ]:
        assert read_labels(_file(tmp_path, text, name)).values == {"ann": 3.0, "bob": 1.5}


def test_other_columns_by_name(tmp_path: Path) -> None:
    path = _file(tmp_path, "email,level,name\nann@x,4,Ann\n")
    assert read_labels(path, id_column="email", label_column="level").values == {"ann@x": 4.0}


def test_a_label_that_is_not_a_number_names_file_line_and_field(tmp_path: Path) -> None:
    path = _file(tmp_path, "person,label\nann,3\nbob,senior\n")
    with pytest.raises(InputError) as caught:
        read_labels(path)
    assert (caught.value.source, caught.value.line, caught.value.field) == (str(path), 3, "label")
    assert "'senior' is not a number" in str(caught.value)


def test_one_id_with_two_labels_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "person,label\nann,3\nbob,1\nann,4\n")
    with pytest.raises(InputError, match="line 2") as caught:
        read_labels(path)
    assert caught.value.line == 4
    # the same label twice is harmless
    assert read_labels(_file(tmp_path, "person,label\nann,3\nann,3\n", "same.csv")).values == {
        "ann": 3.0
    }


def test_missing_column_and_empty_id(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_labels(_file(tmp_path, "person,level\nann,3\n"))
    assert (caught.value.line, caught.value.field) == (1, "label")
    with pytest.raises(InputError) as caught:
        read_labels(_file(tmp_path, "person,label\n,3\n", "empty.csv"))
    assert (caught.value.line, caught.value.field) == (2, "person")


def test_labels_matching_nobody_are_refused(tmp_path: Path) -> None:
    labels = read_labels(_file(tmp_path, "person,label\nann@x,3\nbob@x,1\n"))
    with pytest.raises(InputError, match="no labelled id matches"):
        match_labels(labels, ["ann", "bob"])


def test_some_unmatched_labels_are_named_in_a_warning(tmp_path: Path) -> None:
    rows = "\n".join(f"ghost{i:02d},1" for i in range(12))
    labels = read_labels(_file(tmp_path, f"person,label\nann,3\nbob,1\n{rows}\n"))
    matched = match_labels(labels, ["ann", "bob", "cat"])
    assert matched.people == ("ann", "bob")
    assert list(matched.labels) == [3.0, 1.0]
    warning = matched.warning()
    assert warning is not None
    assert "12 labelled id(s)" in warning and "ghost00" in warning and "and 2 more" in warning
    assert "ghost11" not in warning


def test_labels_follow_aliases_and_refuse_two_labels_for_one_person() -> None:
    labels = Labels("labels.csv", {"ann2": 3.0, "bob": 1.0})
    assert merge_label_aliases(labels, {"ann2": "ann"}).values == {"ann": 3.0, "bob": 1.0}
    same = Labels("labels.csv", {"ann2": 3.0, "ann": 3.0})
    assert merge_label_aliases(same, {"ann2": "ann"}).values == {"ann": 3.0}
    clash = Labels("labels.csv", {"ann": 3.0, "ann2": 4.0})
    with pytest.raises(InputError, match="one person"):
        merge_label_aliases(clash, {"ann2": "ann"})
