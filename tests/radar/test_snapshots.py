"""Reading snapshots: JSONL, CSV and LinkedIn exports, and every way they can be wrong."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.errors import InputError
from renown.radar.reading import read_snapshots
from renown.radar.snapshots import (
    MAX_EXPORT_BYTES,
    ProfileSnapshot,
    snapshot_from_dict,
    snapshot_key,
    snapshot_to_dict,
)

NOW = datetime(2024, 7, 1, tzinfo=UTC)


def _jsonl(tmp_path: Path, rows: list[object], name: str = "s.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_snapshots(path, now=NOW, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --------------------------------------------------------------------------- JSONL


def test_jsonl_reads_aliases_values_and_extra(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        [
            {
                "person": "e1",
                "captured_at": "2024-01-01T10:00:00",
                "headline": " Data person ",
                "skills": "Rust; go ; rust;;",
                "followers": "1,234",
                "open_to_work": "yes",
                "title_since": "2023-03-01",
                "team": {"name": "core"},
            }
        ],
    )
    (s,) = read_snapshots(path, now=NOW)
    assert s.subject == "e1"
    assert s.captured_at == datetime(2024, 1, 1, 10, tzinfo=UTC)  # naive is UTC
    assert s.headline == "Data person"
    assert s.skills == ("Rust", "go")
    assert s.connections == 1234
    assert s.open_to_work is True
    assert s.title_since == datetime(2023, 3, 1, tzinfo=UTC)
    assert s.extra == (("team", '{"name": "core"}'),)
    assert s.source.endswith("s.jsonl, line 1")


def test_offsets_are_converted_to_utc(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [{"subject": "a", "captured_at": "2024-01-01T12:00:00+02:00"}])
    (s,) = read_snapshots(path, now=NOW)
    assert s.captured_at == datetime(2024, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"subject": "a", "captured_at": "01/02/2024"}, "captured_at"),
        ({"subject": "a", "captured_at": "2024-13-01"}, "captured_at"),
        ({"subject": "a", "captured_at": "1900-01-01"}, "captured_at"),
        ({"subject": "a"}, "captured_at"),
        ({"captured_at": "2024-01-01"}, "subject"),
        ({"subject": "a", "captured_at": "2024-01-01", "connections": -3}, "connections"),
        ({"subject": "a", "captured_at": "2024-01-01", "connections": 2.5}, "connections"),
        ({"subject": "a", "captured_at": "2024-01-01", "connections": "lots"}, "connections"),
        ({"subject": "a", "captured_at": "2024-01-01", "connections": 10**15}, "connections"),
        ({"subject": "a", "captured_at": "2024-01-01", "connections": True}, "connections"),
        ({"subject": "a", "captured_at": "2024-01-01", "open_to_work": "maybe"}, "open_to_work"),
        ({"subject": "a", "captured_at": "2024-01-01", "skills": 3}, "skills"),
        ({"subject": "a", "captured_at": "2024-01-01", "headline": 7}, "headline"),
        ({"subject": "a", "captured_at": "2024-01-01", "title": "a\x00b"}, "title"),
        ({"subject": "a", "person": "b", "captured_at": "2024-01-01"}, "person"),
    ],
)
def test_bad_rows_name_line_and_field(tmp_path: Path, row: dict[str, object], field: str) -> None:
    good = {"subject": "ok", "captured_at": "2024-01-01"}
    error = _error(_jsonl(tmp_path, [good, row]))
    assert error.line == 2
    assert error.field == field
    assert error.source.endswith("s.jsonl")


def test_future_capture_is_refused_but_a_day_of_skew_is_not(tmp_path: Path) -> None:
    soon = (NOW + timedelta(hours=20)).isoformat()
    assert read_snapshots(_jsonl(tmp_path, [{"subject": "a", "captured_at": soon}]), now=NOW)
    later = (NOW + timedelta(days=3)).isoformat()
    error = _error(_jsonl(tmp_path, [{"subject": "a", "captured_at": later}], "f.jsonl"))
    assert error.field == "captured_at"
    assert "future" in error.message


def test_invalid_json_duplicate_keys_and_non_objects(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"subject": "a", "captured_at": "2024-01-01"}\n{"subject": \n')
    assert _error(path).line == 2
    path.write_text('{"subject": "a", "subject": "b", "captured_at": "2024-01-01"}\n')
    error = _error(path)
    assert (error.line, error.field) == (1, "subject")
    path.write_text("[1, 2]\n")
    assert "object" in _error(path).message


def test_empty_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    assert "no snapshots" in _error(path).message
    csv = tmp_path / "empty.csv"
    csv.write_text("")
    assert "empty" in _error(csv).message


def test_nothing_partial_on_a_late_error(tmp_path: Path) -> None:
    rows: list[object] = [{"subject": f"p{i}", "captured_at": "2024-01-01"} for i in range(100)]
    rows.append({"subject": "late", "captured_at": "never"})
    assert _error(_jsonl(tmp_path, rows)).line == 101


def test_duplicates_once_and_conflicts_refused(tmp_path: Path) -> None:
    row = {"subject": "a", "captured_at": "2024-01-01", "title": "Analyst"}
    assert len(read_snapshots(_jsonl(tmp_path, [row, row]), now=NOW)) == 1
    other = dict(row, title="Manager")
    error = _error(_jsonl(tmp_path, [row, other], "c.jsonl"))
    assert "second, different snapshot" in error.message
    assert "line 1" in error.message


def test_defaults_fill_missing_subject_and_time(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [{"headline": "x"}])
    (s,) = read_snapshots(path, subject="e9", captured_at=datetime(2024, 2, 1), now=NOW)
    assert (s.subject, s.captured_at) == ("e9", datetime(2024, 2, 1, tzinfo=UTC))


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"PK")
    assert "not a snapshot file" in _error(path).message


# --------------------------------------------------------------------------- CSV


def test_csv_with_bom_semicolons_and_spaced_headers(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    text = "Employee ID;Captured At;Title;Skills;Connections;Open to work\n"
    text += "e1;2024-01-01;Analyst;SQL; Excel;500+;no\n".replace("SQL; Excel", '"SQL; Excel"')
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    (s,) = read_snapshots(path, now=NOW)
    assert s.subject == "e1"
    assert s.skills == ("SQL", "Excel")
    assert s.connections == 500
    assert s.open_to_work is False
    assert s.source.endswith("s.csv, line 2")


def test_csv_empty_cells_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("subject,captured_at,title,skills,connections\na,2024-01-01,,,\n")
    (s,) = read_snapshots(path, now=NOW)
    assert (s.title, s.skills, s.connections) == (None, None, None)


def test_csv_without_header_or_with_wrong_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("e1,2024-01-01,Analyst\n")
    error = _error(path)
    assert error.line == 1
    assert "header" in error.message
    path.write_text("subject|captured_at\na|2024-01-01\n")
    assert "header" in _error(path).message


def test_csv_bad_cells_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("subject,captured_at,connections\na,2024-01-01,12\nb,2024-01-02,-1\n")
    error = _error(path)
    assert (error.line, error.field) == (3, "connections")
    path.write_text("subject,captured_at\na,2024-01-01,extra\n")
    assert _error(path).line == 2
    path.write_text("subject,subject,captured_at\na,b,2024-01-01\n")
    assert _error(path).line == 1


def test_csv_header_only(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("subject,captured_at\n")
    assert "no snapshots" in _error(path).message


def test_csv_latin1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("subject,captured_at,title\na,2024-01-01,Se\xf1or\n".encode("latin-1"))
    error = _error(path)
    assert "UTF-8" in error.message
    assert error.line == 2


# --------------------------------------------------------------------------- LinkedIn exports

PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
    "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
    'Jane,Doe,,,,"Senior analyst at Globex","I like data.",Software,,"Berlin, Germany",,,\n'
)
POSITIONS = (
    "Company Name,Title,Description,Location,Started On,Finished On\n"
    "Globex,Senior analyst,,Berlin,Mar 2022,\n"
    "Initech,Analyst,,Berlin,Jan 2019,Feb 2022\n"
    "Hooli,Intern,,Berlin,2018,Dec 2018\n"
)
SKILLS = "Name\nSQL\nPython\nsql\n"
CONNECTIONS = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    'addresses are missing, see Settings, Privacy."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "A,B,https://x/a,,Globex,Analyst,01 Jan 2024\n"
    "C,D,https://x/c,,Initech,Engineer,02 Feb 2024\n"
)
EMAILS = (
    "Email Address,Confirmed,Primary,Updated On\n"
    "old@example.org,Yes,No,\n"
    "Jane@Example.org,Yes,Yes,\n"
)


def _export_files(**overrides: str | None) -> dict[str, str]:
    files = {
        "Profile.csv": PROFILE,
        "Positions.csv": POSITIONS,
        "Skills.csv": SKILLS,
        "Connections.csv": CONNECTIONS,
        "Email Addresses.csv": EMAILS,
    }
    for name, text in overrides.items():
        key = name.replace("_", " ") + ".csv"
        if text is None:
            files.pop(key)
        else:
            files[key] = text
    return files


def _zip(tmp_path: Path, files: dict[str, str], name: str = "export.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in files.items():
            info = zipfile.ZipInfo(member, date_time=(2024, 5, 2, 8, 0, 0))
            archive.writestr(info, text)
    return path


def test_export_zip_current_profile_and_position_history(tmp_path: Path) -> None:
    snapshots = read_snapshots(_zip(tmp_path, _export_files()), now=NOW)
    current = snapshots[-1]
    assert current.subject == "jane@example.org"
    assert current.captured_at == datetime(2024, 5, 2, 8, tzinfo=UTC)
    assert (current.title, current.company) == ("Senior analyst", "Globex")
    assert current.title_since == datetime(2022, 3, 1, tzinfo=UTC)
    assert current.headline == "Senior analyst at Globex"
    assert current.location == "Berlin, Germany"
    assert current.skills == ("SQL", "Python")
    assert current.connections == 2
    assert current.extra == (("industry", "Software"),)
    history = sorted(snapshots[:-1], key=lambda s: s.captured_at)
    assert [(s.captured_at.year, s.company) for s in history] == [
        (2018, "Hooli"),
        (2019, "Initech"),
        (2022, "Globex"),
    ]
    assert all(s.headline is None and s.skills is None for s in history)
    assert history[0].source == "export.zip!Positions.csv, line 4"


def test_export_folder_with_given_subject_and_time(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in _export_files(Email_Addresses=None, Connections=None).items():
        (folder / name).write_text(text)
    when = datetime(2024, 6, 1, tzinfo=UTC)
    snapshots = read_snapshots(folder, subject="linkedin:jane", captured_at=when, now=NOW)
    assert {s.subject for s in snapshots} == {"linkedin:jane"}
    assert snapshots[-1].captured_at == when
    assert snapshots[-1].connections is None


def test_export_folder_capture_defaults_to_newest_file(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Profile.csv").write_text(PROFILE)
    stamp = datetime(2024, 3, 5, tzinfo=UTC).timestamp()
    os.utime(folder / "Profile.csv", (stamp, stamp))
    (s,) = read_snapshots(folder, subject="x", now=NOW)
    assert s.captured_at == datetime(2024, 3, 5, tzinfo=UTC)


def test_export_without_subject_is_refused(tmp_path: Path) -> None:
    error = _error(_zip(tmp_path, _export_files(Email_Addresses=None)))
    assert error.field == "subject"


def test_export_bad_dates_name_member_line_and_column(tmp_path: Path) -> None:
    positions = POSITIONS.replace("Jan 2019", "sometime in 2019")
    error = _error(_zip(tmp_path, _export_files(Positions=positions)))
    assert error.source == "export.zip!Positions.csv"
    assert (error.line, error.field) == (3, "Started On")
    ends_early = POSITIONS.replace("Feb 2022", "Feb 2017")
    error = _error(_zip(tmp_path, _export_files(Positions=ends_early), "e2.zip"))
    assert error.field == "Finished On"


def test_export_needs_a_profile(tmp_path: Path) -> None:
    error = _error(_zip(tmp_path, {"Skills.csv": SKILLS}), subject="x")
    assert "Profile.csv" in error.message


def test_export_refuses_zip_slip(tmp_path: Path) -> None:
    files = _export_files()
    files["../../evil.csv"] = "x"
    error = _error(_zip(tmp_path, files))
    assert "unsafe path" in error.message
    files = _export_files()
    files["/etc/Profile.csv"] = "x"
    assert "unsafe path" in _error(_zip(tmp_path, files, "abs.zip")).message


def test_export_refuses_a_bomb(tmp_path: Path) -> None:
    files = _export_files(Skills="Name\n" + "A" * (MAX_EXPORT_BYTES + 10))
    error = _error(_zip(tmp_path, files), subject="x")
    assert "MB" in error.message


def test_export_ignores_unknown_members_and_refuses_broken_zips(tmp_path: Path) -> None:
    files = _export_files()
    files["Messages.csv"] = "not,read\n\x00"
    assert read_snapshots(_zip(tmp_path, files), now=NOW)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert "zip" in _error(broken, subject="x").message


def test_connections_preamble_errors_keep_file_lines(tmp_path: Path) -> None:
    bad = CONNECTIONS + 'E,"F\n'
    error = _error(_zip(tmp_path, _export_files(Connections=bad)))
    assert error.source == "export.zip!Connections.csv"
    assert error.line == 7


# --------------------------------------------------------------------------- keys and JSON

texts = st.none() | st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda t: t.strip() == t and t != "")
snapshots = st.builds(
    ProfileSnapshot,
    subject=st.sampled_from(["a", "b", "linkedin:x"]),
    captured_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    headline=texts,
    title=texts,
    skills=st.none() | st.lists(st.sampled_from(["SQL", "Go", "Rust"]), unique=True).map(tuple),
    connections=st.none() | st.integers(0, 10**6),
    open_to_work=st.none() | st.booleans(),
    extra=st.lists(st.tuples(st.sampled_from(["x", "y"]), st.text("abc", min_size=1))).map(
        lambda pairs: tuple(sorted(dict(pairs).items()))
    ),
    source=st.text(max_size=5),
)


@given(snapshots)
def test_json_round_trip_and_key_ignores_source(s: ProfileSnapshot) -> None:
    data = json.loads(json.dumps(snapshot_to_dict(s)))
    back = snapshot_from_dict(data)
    assert back == s
    moved = snapshot_from_dict({**data, "source": "elsewhere"})
    assert snapshot_key(moved) == snapshot_key(s)


def test_key_changes_with_content(tmp_path: Path) -> None:
    base = ProfileSnapshot("a", NOW, title="Analyst")
    assert snapshot_key(base) != snapshot_key(ProfileSnapshot("a", NOW, title="Manager"))
    assert snapshot_key(base) != snapshot_key(ProfileSnapshot("b", NOW, title="Analyst"))


def test_same_file_twice_gives_the_same_keys(tmp_path: Path) -> None:
    path = _zip(tmp_path, _export_files())
    first = [snapshot_key(s) for s in read_snapshots(path, now=NOW)]
    assert first == [snapshot_key(s) for s in read_snapshots(path, now=NOW)]


def test_from_dict_refuses_unknown_fields() -> None:
    with pytest.raises(InputError):
        snapshot_from_dict({"subject": "a", "captured_at": "2024-01-01", "nope": 1})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "a" * 10_001),
        ("headline", "h" * 1_001),
        ("skills", ["s" * 201]),
        ("skills", [f"skill {i}" for i in range(501)]),
    ],
)
def test_oversized_fields_are_refused_by_line_and_field(
    tmp_path: Path, field: str, value: object
) -> None:
    row = {"subject": "linkedin:long", "captured_at": "2025-01-01T00:00:00Z", field: value}
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_snapshots(path)
    assert caught.value.line == 1
    assert caught.value.field == field


def test_the_longest_accepted_summary_is_kept_whole(tmp_path: Path) -> None:
    row = {"subject": "linkedin:l", "captured_at": "2025-01-01T00:00:00Z", "summary": "w" * 10_000}
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (snapshot,) = read_snapshots(path)
    assert snapshot.summary == "w" * 10_000
