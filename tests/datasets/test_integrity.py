"""Digests and decoding: what is verified is exactly what the parsers read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.integrity import git_blob_sha1, read_text_bytes, verify_file
from renown.datasets.registry import REGISTRY, LocalCopy, PinnedFile, pinned
from tests.datasets.fixtures import gz, write

TEXT = b"0 1 10\n1 2 20\n"


def test_git_blob_id_matches_git_hash_object(tmp_path: Path) -> None:
    # `printf 'hello\n' | git hash-object --stdin` is a well-known value.
    path = write(tmp_path / "hello", b"hello\n")
    assert git_blob_sha1(path) == "ce013625030ba8dba906f756967f9e9ca394464a"


@pytest.mark.parametrize(
    "stored",
    [
        TEXT,
        gz(TEXT),
        TEXT.replace(b"\n", b"\r\n"),
        gz(TEXT.replace(b"\n", b"\r\n")),
        b"0 1 10\r1 2 20\r",
    ],
    ids=["plain", "gzip", "crlf", "gzip-crlf", "cr"],
)
def test_every_faithful_form_decodes_to_the_same_text(tmp_path: Path, stored: bytes) -> None:
    path = write(tmp_path / "edges.txt.gz", stored)
    assert read_text_bytes(path, limit=1000) == TEXT
    pin = PinnedFile("t", "edges.txt.gz", None, text_sha256=hashlib.sha256(TEXT).hexdigest())
    assert verify_file(path, pin).startswith("SHA-256 of the decoded text")


def test_truncated_gzip_is_a_checksum_error(tmp_path: Path) -> None:
    path = write(tmp_path / "cut.gz", gz(TEXT * 50)[:-12])
    with pytest.raises(ChecksumError, match="cannot be decompressed"):
        read_text_bytes(path, limit=10_000)


def test_decoded_size_is_bounded(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.gz", gz(b"0" * 100_000))
    with pytest.raises(ChecksumError, match="more than 1000 bytes"):
        read_text_bytes(path, limit=1000)


def test_local_copy_form_is_recognised_by_its_raw_digest(tmp_path: Path) -> None:
    raw = gz(TEXT)
    path = write(tmp_path / "edges.txt.gz", raw)
    copy = LocalCopy("edges.txt.gz", hashlib.sha256(raw).hexdigest(), len(raw))
    pin = PinnedFile("t", "edges.txt.gz", None, text_sha256="0" * 64, local_copies=(copy,))
    assert "local-copy form" in verify_file(path, pin)


def test_mismatch_names_file_and_both_digests(tmp_path: Path) -> None:
    path = write(tmp_path / "edges.txt", b"0 1 99\n")
    pin = PinnedFile("t", "edges.txt", None, text_sha256=hashlib.sha256(TEXT).hexdigest())
    with pytest.raises(ChecksumError) as caught:
        verify_file(path, pin)
    message = str(caught.value)
    assert str(path) in message
    assert hashlib.sha256(TEXT).hexdigest() in message
    assert hashlib.sha256(b"0 1 99\n").hexdigest() in message


def test_a_pin_without_any_digest_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "x", TEXT)
    with pytest.raises(DatasetError, match="pins no checksum"):
        verify_file(path, PinnedFile("t", "x", None))


def test_every_registered_file_is_pinned() -> None:
    for key, pin in REGISTRY.items():
        assert pin.key == key
        assert pin.text_sha256 or pin.git_blob_sha1
        assert pin.url is None or pin.url.startswith("https://")
    with pytest.raises(DatasetError, match="known files"):
        pinned("nope/missing.txt")


def test_unzipped_local_labels_are_an_accepted_name() -> None:
    names = pinned("eu-core/email-Eu-core-department-labels.txt.gz").accepted_names
    assert names == (
        "email-Eu-core-department-labels.txt.gz",
        "email-Eu-core-department-labels.txt",
    )
