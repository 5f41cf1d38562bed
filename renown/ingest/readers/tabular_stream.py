"""A CSV or TSV file of events read chunk by chunk, each chunk checked like a whole file.

The rows and refusals are those of :func:`~renown.ingest.readers.tabular.read_tabular`
(the same column mapping, the same value checks, errors naming the same line and field);
what this reader leaves to its caller is the keys, which depend on the whole file (see
:mod:`renown.ingest.stream`): it numbers rows in file order (column :data:`ROW`) and
:meth:`TabularChunks.finish` keys a group of rows once the caller has gathered every row
that may share a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.events import Channel, EventColumn, Kind
from renown.ingest.readers._chunks import CHUNK_BYTES, delimited_chunks
from renown.ingest.readers._keys import content_keys, hash_parts, without_copies
from renown.ingest.readers.tabular import _check_columns, _resolve_mapping, _validated
from renown.ingest.schema import conform

ROW: Final = "_row"
"""Index of a row in its file (0-based, header and blank records excluded)."""


class TabularChunks:
    """Iterate to get each chunk's checked rows (canonical columns but keys, plus :data:`ROW`).

    ``native`` tells, once the first chunk is read, whether rows carry a native id.
    """

    def __init__(
        self,
        path: Path,
        *,
        format: str,
        mapping: Mapping[str, str] | None = None,
        source: str | None = None,
        channel: str = Channel.OTHER,
        kind: str = Kind.INTERACTION,
        weight: float = 1.0,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.path = path
        self.separator = "\t" if format == "tsv" else ","
        self.mapping = dict(mapping or {})
        self.columns = _resolve_mapping(str(path), mapping)
        self.label = source if source is not None else path.name
        self.defaults = (channel, kind, weight)
        self.chunk_bytes = chunk_bytes
        self.native = False

    def __iter__(self) -> Iterator[pl.DataFrame]:
        where = str(self.path)
        channel, kind, weight = self.defaults
        for chunk in delimited_chunks(self.path, self.separator, self.chunk_bytes):
            raw = chunk.frame
            _check_columns(where, self.columns, self.mapping, raw.columns)
            self.native = self.columns[EventColumn.EVENT_KEY] in raw.columns
            events = _validated(
                raw,
                self.columns,
                chunk.line,
                where,
                channel=channel,
                kind=kind,
                weight=weight,
            )
            first = chunk.first_record
            yield events.with_columns(
                pl.int_range(first, first + events.height, dtype=pl.Int64).alias(ROW)
            )

    def finish(self, events: pl.DataFrame) -> pl.DataFrame:
        """Keyed canonical events of rows in file order that hold every row of their keys."""
        events = events.drop(ROW)
        if self.native:
            keys = hash_parts(events, [pl.lit(self.label), pl.col(EventColumn.EVENT_KEY)])
        else:
            events = without_copies(events)
            keys = content_keys(events, self.label)
        return conform(
            events.with_columns(
                keys.alias(EventColumn.EVENT_KEY), pl.lit(self.label).alias("source")
            )
        )
