"""Digests and decoding of data-set files.

A file is trusted only when one of its pins (see :mod:`renown.datasets.registry`)
matches. Decoding (gunzip, line-ending normalisation) lives here too because the text
pin is defined on exactly the bytes the parsers read: what is verified is what is parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path
from typing import Final

from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.registry import PinnedFile

_CHUNK: Final = 1 << 20
_GZIP_MAGIC: Final = b"\x1f\x8b"


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file's raw bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def git_blob_sha1(path: Path) -> str:
    """Return the Git object id of a file, as ``git hash-object`` computes it.

    Git hashes ``b"blob <size>\\0"`` followed by the content with SHA-1, so a blob id
    read from a repository pins the exact bytes served at that commit.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def normalise_newlines(data: bytes) -> bytes:
    """Turn CRLF and lone CR line endings into LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def read_text_bytes(path: Path, *, limit: int) -> bytes:
    """Return a file's decoded text: gunzipped if it is gzip, newlines normalised to LF.

    Parameters
    ----------
    path:
        A plain or gzip-compressed text file (detected by its magic bytes, not its name,
        because local copies of ``.gz`` files are sometimes kept unzipped).
    limit:
        Largest accepted decoded size in bytes; guards against a decompression bomb
        served in place of a small data file.

    Returns
    -------
    bytes
        The decoded text.

    Raises
    ------
    ChecksumError
        When the gzip stream is corrupt or truncated, or the text exceeds ``limit``.
    """
    with path.open("rb") as stream:
        magic = stream.read(2)
    try:
        if magic == _GZIP_MAGIC:
            with gzip.open(path, "rb") as stream:
                data = stream.read(limit + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ChecksumError(f"{path}: cannot be decompressed ({exc}); the file is corrupt") from exc
    if len(data) > limit:
        raise ChecksumError(f"{path}: decodes to more than {limit} bytes; not the expected file")
    return normalise_newlines(data)


def text_limit(pin: PinnedFile) -> int:
    """Return the largest decoded size worth reading for ``pin`` (room for CRLF endings)."""
    if pin.text_size is not None:
        return 2 * pin.text_size + 1024
    return pin.max_bytes


def verify_file(path: Path, pin: PinnedFile) -> str:
    """Check ``path`` against the pins of ``pin`` and say which one matched.

    Cheap raw-byte pins are tried first (the documented local-copy forms, then the Git
    blob id); the decoded-text SHA-256 is the fallback that accepts any faithful copy.

    Parameters
    ----------
    path:
        The candidate copy.
    pin:
        Its registry entry.

    Returns
    -------
    str
        A short description of the matching pin, for provenance notes.

    Raises
    ------
    ChecksumError
        When no pin matches; the message names the file and both digests.
    DatasetError
        When the registry entry has no pin at all.
    """
    if not (pin.local_copies or pin.git_blob_sha1 or pin.text_sha256):
        raise DatasetError(f"{pin.key}: the registry pins no checksum for this file")
    size = path.stat().st_size
    if size > pin.max_bytes:
        raise ChecksumError(
            f"{path}: {size} bytes is more than the {pin.max_bytes} expected for {pin.key}"
        )
    raw = sha256_file(path)
    for copy in pin.local_copies:
        if raw == copy.sha256:
            return f"SHA-256 of the local-copy form {copy.filename}"
    found = [f"raw SHA-256 {raw}"]
    expected: list[str] = [f"local-copy SHA-256 {c.sha256}" for c in pin.local_copies]
    if pin.git_blob_sha1 is not None:
        blob = git_blob_sha1(path)
        if blob == pin.git_blob_sha1:
            return f"Git blob id {blob}"
        found.append(f"Git blob id {blob}")
        expected.append(f"Git blob id {pin.git_blob_sha1}")
    if pin.text_sha256 is not None:
        text = hashlib.sha256(read_text_bytes(path, limit=text_limit(pin))).hexdigest()
        if text == pin.text_sha256:
            return f"SHA-256 of the decoded text {text}"
        found.append(f"decoded-text SHA-256 {text}")
        expected.append(f"decoded-text SHA-256 {pin.text_sha256}")
    raise ChecksumError(
        f"{path}: checksum mismatch for {pin.key}: expected {' or '.join(expected)}; "
        f"found {', '.join(found)}. The file is corrupt, truncated or a different version."
    )
