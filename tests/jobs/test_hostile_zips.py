"""Zipped uploads that attack the server: bombs by declared and by actual size, very many
members, nested zips, encrypted and damaged members, and random damage to a good zip."""

from __future__ import annotations

import io
import json
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given

from renown.core.errors import InputError
from renown.ingest import zips as files
from renown.ingest.events import read_events as read_event_file
from tests.fuzzing import assert_well_formed_events, fuzz, mutated, read_or_refusal
from tests.jobs.test_uploads import SLACK_EXPORT


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD = _zip({name: json.dumps(value).encode() for name, value in SLACK_EXPORT.items()})


def _read(tmp_path: Path, data: bytes, name: str = "slack.zip") -> None:
    stored = tmp_path / f"7-{name}"
    stored.write_bytes(data)
    read_event_file(stored, name)


def _refusal(tmp_path: Path, data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        _read(tmp_path, data)
    assert caught.value.source.startswith("slack.zip")
    return caught.value


def test_the_good_zip_is_read(tmp_path: Path) -> None:
    stored = tmp_path / "7-slack.zip"
    stored.write_bytes(GOOD)
    assert read_event_file(stored, "slack.zip").height == 1


def test_a_bomb_by_declared_size_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_UNZIPPED_BYTES", 1_000_000)
    bomb = _zip({"export/users.json": b"[]", "export/padding.bin": b"\0" * 2_000_000})
    assert len(bomb) < 10_000
    error = _refusal(tmp_path, bomb)
    assert "more than 1,000,000 bytes" in error.message


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """``data`` with ``member``'s uncompressed size rewritten as ``size`` in its local
    header and in the central directory (its CRC left as it was)."""
    raw = bytearray(data)
    encoded = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(encoded)] == encoded:
                raw[at + offset : at + offset + 4] = struct.pack("<I", size)
            start = at + 4
    return bytes(raw)


def test_a_bomb_that_lies_about_its_size_is_refused_while_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_UNZIPPED_BYTES", 1_000_000)
    honest = _zip(
        {
            **{name: json.dumps(value).encode() for name, value in SLACK_EXPORT.items()},
            "export/padding.bin": b"\0" * 5_000_000,
        }
    )
    liar = _lie_about_sizes(honest, "export/padding.bin", 100)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 1_000_000
    error = _refusal(tmp_path, liar)
    assert "cannot be unpacked" in error.message or "more than" in error.message


def test_very_many_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_ZIP_ENTRIES", 50)
    many = _zip({f"export/general/{i}.json": b"[]" for i in range(51)})
    assert "more than 50 files" in _refusal(tmp_path, many).message


def test_a_nested_zip_is_not_opened(tmp_path: Path) -> None:
    nested = _zip({"inner.zip": GOOD})
    assert "no users.json" in _refusal(tmp_path, nested).message


def test_encrypted_and_unsupported_members_are_refused(tmp_path: Path) -> None:
    encrypted = bytearray(GOOD)
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := encrypted.find(signature, start)) >= 0:
            encrypted[at + flags] |= 0x01  # "encrypted" bit
            start = at + 4
    assert "cannot be unpacked" in _refusal(tmp_path, bytes(encrypted)).message
    unknown = bytearray(GOOD)
    for signature, method in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (at := unknown.find(signature, start)) >= 0:
            unknown[at + method : at + method + 2] = struct.pack("<H", 99)
            start = at + 4
    assert "cannot be unpacked" in _refusal(tmp_path, bytes(unknown)).message


@pytest.mark.parametrize(
    "name", ["/export/users.json", "export/../../users.json", "..\\..\\users.json/../../x"]
)
def test_members_cannot_leave_the_scratch_folder(tmp_path: Path, name: str) -> None:
    error = _refusal(tmp_path, _zip({name: b"[]", "export/users.json": b"[]"}))
    assert "unsafe path" in error.message


@fuzz(150)
@given(data=mutated(GOOD, max_edits=3))
def test_a_damaged_zip_is_read_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        stored = Path(folder, "7-slack.zip")
        stored.write_bytes(data)
        events = read_or_refusal(lambda: read_event_file(stored, "slack.zip"), "slack.zip")
    if events is not None:
        assert_well_formed_events(events)
