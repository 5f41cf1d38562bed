"""A single table of events scored as it is, without importing it into a lake.

``renown score events.parquet`` reads the file once and scores it. Importing computes a
stable key per event so that a lake can deduplicate; scoring a file needs none of that, and
hashing ten million keys one by one would cost more than the scoring itself. The run still
needs a fingerprint of its input (to refuse reproducing a run whose input changed): for a
single file that is a hash of the file's bytes, the reading options included, computed in a
background thread while the file is parsed (the hash releases the interpreter lock on large
buffers, so it costs no wall time on a machine with two cores).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.ingest.readers.tabular import TabularFormat, read_tabular

_CHUNK: Final = 1 << 22
_DIGEST_BYTES: Final = 16


class EventFile:
    """A CSV, TSV, JSON Lines or Parquet file of events, read for scoring without keys."""

    def __init__(
        self, path: Path, format: TabularFormat, mapping: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.format: TabularFormat = format
        self.mapping = dict(mapping or {})
        self._digest: str | None = None
        self._hashing: threading.Thread | None = None

    def read(self, *, keyed: bool = False) -> pl.DataFrame:
        """The file's canonical events, copies dropped; ``event_key`` empty unless ``keyed``.

        Raises :class:`~renown.core.errors.InputError` naming the file, line and field of
        the first bad value, as an import would.
        """
        if not keyed:
            self._start_hashing()
        return read_tabular(self.path, mapping=self.mapping, format=self.format, keyed=keyed)

    def fingerprint(self) -> str:
        """``file:`` and a digest of the bytes, the format and the column mapping."""
        self._start_hashing()
        assert self._hashing is not None
        self._hashing.join()
        if self._digest is None:
            raise InputError(str(self.path), "cannot be read to fingerprint it")
        return f"file:{self._digest}"

    def _start_hashing(self) -> None:
        if self._hashing is None:
            self._hashing = threading.Thread(target=self._hash, name="renown-file-hash")
            self._hashing.start()

    def _hash(self) -> None:
        digest = hashlib.blake2b(digest_size=_DIGEST_BYTES)
        options = {"format": self.format, "mapping": sorted(self.mapping.items())}
        digest.update(json.dumps(options).encode())
        try:
            with self.path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return  # fingerprint() reports it; reading the file names the cause first
        self._digest = digest.hexdigest()
