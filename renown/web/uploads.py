"""Reading uploaded files safely: type by name and content, size already capped.

The body-size middleware has refused anything over the limit before we get here; this
checks the file's kind so that, say, a spreadsheet or an image sent as "events" gets a
clear 400 instead of a parser error deep inside a background job.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from fastapi import UploadFile

from renown.core.errors import InputError

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".json", ".txt", ".mbox"})
BINARY_MAGIC = {b"PAR1": ".parquet", b"PK\x03\x04": ".zip"}


async def read_upload(file: UploadFile, *, allowed_suffixes: set[str]) -> tuple[bytes, str]:
    """The upload's bytes and its (sanitised) file name, or an :class:`InputError`."""
    name = PurePosixPath(file.filename or "upload").name or "upload"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in allowed_suffixes:
        allowed = ", ".join(sorted(allowed_suffixes))
        raise InputError(name, f"unsupported file type {suffix or '(none)'}; expected {allowed}")
    data = await file.read()
    if not data:
        raise InputError(name, "the file is empty")
    for magic, kind in BINARY_MAGIC.items():
        if data.startswith(magic) and kind != suffix:
            raise InputError(name, f"the content is a {kind} file, not {suffix}")
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in data[:8192]:
            raise InputError(name, "binary content in a text file", line=1)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(name, "the file is not UTF-8 text", line=line) from None
    return data, name
