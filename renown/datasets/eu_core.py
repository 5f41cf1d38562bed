"""SNAP email-Eu-core: e-mail within a European research institution.

Two distinct publications that must not be mixed:

* **temporal** (``email-Eu-core-temporal.txt.gz``, lines ``src dst t``): 332,334
  messages among 986 people; ``t`` is seconds from an anonymised start. Events are
  stamped :data:`EU_CORE_ORIGIN` + ``t`` seconds. The origin is a fixed convention
  (the start of the institution's collection period as published, October 2003): only
  differences between times carry information.
* **static** (``email-Eu-core.txt.gz``, lines ``src dst``): 25,571 directed pairs among
  1,005 people, with department labels (``email-Eu-core-department-labels.txt.gz``,
  lines ``node department``, 42 departments). The file has no times, so every event is
  stamped :data:`EU_CORE_ORIGIN`.

The two files number people differently (only 571 of 24,929 temporal pairs occur in the
static list), so department labels are only ever attached to the static graph. SNAP
gives no recipient type: events have kind ``message``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import Channel, EventColumn, Kind
from renown.datasets.dataset import Dataset, row_keys
from renown.datasets.fetch import default_locations, fetch
from renown.datasets.integrity import read_text_bytes, text_limit
from renown.datasets.registry import pinned
from renown.ingest.schema import conform

EU_CORE_ORIGIN: Final = datetime(2003, 10, 1, tzinfo=UTC)
"""Instant that SNAP's anonymised offset ``t = 0`` is mapped to."""

TEMPORAL_FILE: Final = "eu-core/email-Eu-core-temporal.txt.gz"
STATIC_FILE: Final = "eu-core/email-Eu-core.txt.gz"
LABELS_FILE: Final = "eu-core/email-Eu-core-department-labels.txt.gz"

TEMPORAL_SOURCE: Final = "eu-core-temporal"
STATIC_SOURCE: Final = "eu-core"
PERSON_PREFIX: Final = "eu:"
GROUP_PREFIX: Final = "dept:"


def read_snap_columns(path: Path, columns: Sequence[str], *, limit: int) -> pl.DataFrame:
    """Read a SNAP whitespace-separated file of non-negative integers.

    Parameters
    ----------
    path:
        Plain or gzip text; lines starting with ``#`` and blank lines are skipped (SNAP
        puts comments there in some files).
    columns:
        Names of the expected fields, in order; every data line must have exactly these.
    limit:
        Largest accepted decoded size in bytes.

    Returns
    -------
    polars.DataFrame
        One Int64 column per field, rows in file order, plus ``line`` (1-based line).

    Raises
    ------
    InputError
        On a line with the wrong number of fields or a field that is not a
        non-negative integer, naming the file, line and field.
    """
    source = str(path)
    text = read_text_bytes(path, limit=limit).decode("ascii", errors="replace")
    rows: list[list[int]] = [[] for _ in columns]
    lines: list[int] = []
    width = len(columns)
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != width:
            raise InputError(
                source,
                f"expected {width} fields ({', '.join(columns)}), found {len(fields)}",
                line=number,
            )
        for index, value in enumerate(fields):
            if not value.isdigit():
                raise InputError(
                    source,
                    f"not a non-negative integer: {value!r}",
                    line=number,
                    field=columns[index],
                )
            rows[index].append(int(value))
        lines.append(number)
    data = {
        name: pl.Series(name, values, dtype=pl.Int64)
        for name, values in zip(columns, rows, strict=True)
    }
    data["line"] = pl.Series("line", lines, dtype=pl.Int64)
    return pl.DataFrame(data)


def _person(column: str) -> pl.Expr:
    return (PERSON_PREFIX + pl.col(column).cast(pl.String)).alias(column)


def _events(
    edges: pl.DataFrame, key_columns: Sequence[str], source: str, timestamps: pl.Expr
) -> pl.DataFrame:
    keys = row_keys(source, edges, key_columns)
    frame = edges.select(
        pl.Series(EventColumn.EVENT_KEY.value, keys, dtype=pl.String),
        _person("src").alias(EventColumn.ACTOR),
        _person("dst").alias(EventColumn.TARGET),
        timestamps.alias(EventColumn.TIMESTAMP),
        pl.lit(Channel.EMAIL.value).alias(EventColumn.CHANNEL),
        pl.lit(Kind.MESSAGE.value).alias(EventColumn.KIND),
        pl.lit(1.0).alias(EventColumn.WEIGHT),
        pl.lit(source).alias(EventColumn.SOURCE),
    )
    return conform(frame)


def _people(ids: pl.Series) -> pl.DataFrame:
    unique = ids.unique().sort()
    return pl.DataFrame({"node": unique}).select(
        (PERSON_PREFIX + pl.col("node").cast(pl.String)).alias("id"), pl.col("node")
    )


def eu_core_temporal(path: Path) -> Dataset:
    """Build the temporal data set from a verified ``email-Eu-core-temporal`` file.

    Returns
    -------
    Dataset
        Events stamped ``EU_CORE_ORIGIN + t`` seconds, people ``eu:<id>`` (columns ``id``,
        ``node``), no groups.
    """
    edges = read_snap_columns(path, ("src", "dst", "t"), limit=text_limit(pinned(TEMPORAL_FILE)))
    stamps = pl.lit(EU_CORE_ORIGIN, dtype=pl.Datetime("us", "UTC")) + pl.duration(
        seconds=pl.col("t")
    )
    events = _events(edges, ("src", "dst", "t"), TEMPORAL_SOURCE, stamps)
    repeats = edges.select(pl.struct("src", "dst", "t").is_duplicated().sum()).item()
    notes = (
        f"Times are {EU_CORE_ORIGIN.isoformat()} + t seconds: SNAP publishes anonymised "
        "offsets, so the origin is a convention and only differences are meaningful.",
        "Node ids do not match the static email-Eu-core file: no department labels apply.",
        f"{repeats} rows share (src, dst, t) with another row; all are kept as published.",
    )
    return Dataset(
        name=TEMPORAL_SOURCE,
        events=events,
        people=_people(pl.concat([edges["src"], edges["dst"]])),
        groups=None,
        notes=notes,
        files=(path,),
    )


def eu_core_static(edges_path: Path, labels_path: Path) -> Dataset:
    """Build the static data set with department labels as groups.

    Returns
    -------
    Dataset
        Events all stamped ``EU_CORE_ORIGIN``; people ``eu:<id>`` (columns ``id``,
        ``node``, ``department``) for every node of the edge list or the labels; groups
        ``eu:<id> -> dept:<department>``.

    Raises
    ------
    InputError
        When a node is labelled twice.
    """
    edges = read_snap_columns(edges_path, ("src", "dst"), limit=text_limit(pinned(STATIC_FILE)))
    labels = read_snap_columns(
        labels_path, ("node", "department"), limit=text_limit(pinned(LABELS_FILE))
    )
    repeated = labels.filter(~pl.col("node").is_first_distinct())
    if repeated.height:
        node, line = repeated["node"][0], repeated["line"][0]
        raise InputError(
            str(labels_path), f"node {node} is labelled twice", line=int(line), field="node"
        )
    stamps = pl.lit(EU_CORE_ORIGIN, dtype=pl.Datetime("us", "UTC"))
    events = _events(edges, ("src", "dst"), STATIC_SOURCE, stamps)
    nodes = pl.concat([edges["src"], edges["dst"], labels["node"]])
    people = _people(nodes).join(
        labels.select("node", "department"), on="node", how="left", maintain_order="left"
    )
    groups = {
        f"{PERSON_PREFIX}{node}": f"{GROUP_PREFIX}{department}"
        for node, department in labels.select("node", "department").iter_rows()
    }
    unlabelled = people.filter(pl.col("department").is_null()).height
    self_loops = edges.filter(pl.col("src") == pl.col("dst")).height
    notes = (
        f"The static file has no times: every event is stamped {EU_CORE_ORIGIN.isoformat()}.",
        "Department labels apply to this static graph only, never to the temporal file.",
        f"{unlabelled} people have no department label.",
        f"{self_loops} edges go from a person to themself; kept as published.",
    )
    return Dataset(
        name=STATIC_SOURCE,
        events=events,
        people=people,
        groups=groups,
        notes=notes,
        files=(edges_path, labels_path),
    )


def load_eu_core(
    *, temporal: bool = True, data_home: Path | None = None, cache_dir: Path | None = None
) -> Dataset:
    """Load SNAP email-Eu-core as canonical events.

    Parameters
    ----------
    temporal:
        ``True`` for the timestamped messages (no groups), ``False`` for the static
        graph with department labels as groups.
    data_home:
        Folder of local copies (``<data_home>/eu-core/...``); defaults to
        ``RENOWN_DATA_HOME``. When set, nothing is downloaded.
    cache_dir:
        Download cache used when there is no data home; defaults to the settings' cache.

    Returns
    -------
    Dataset
        See :func:`eu_core_temporal` and :func:`eu_core_static`.

    Raises
    ------
    DatasetError
        When a file can be neither found nor downloaded.
    ChecksumError
        When a copy does not match its pins.
    InputError
        When a file is malformed.
    """
    home, cache = default_locations(data_home, cache_dir)
    if temporal:
        return eu_core_temporal(fetch(TEMPORAL_FILE, cache_dir=cache, data_home=home))
    edges = fetch(STATIC_FILE, cache_dir=cache, data_home=home)
    labels = fetch(LABELS_FILE, cache_dir=cache, data_home=home)
    return eu_core_static(edges, labels)
