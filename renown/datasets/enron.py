"""Enron e-mail among 184 employees (Johns Hopkins data, as published by igraphdata).

Two readable forms carry the same tables:

* the TSV conversion of igraphdata's ``enron.rda`` (``messages_jhu184.tsv.gz``: ``time,
  from_id, to_id, reciptype, topic, ldc_topic``; ``employees_jhu184.tsv``: ``id,
  email_local, name``), found in a data-home folder;
* the public original ``enron.rda`` itself (igraphdata, pinned commit), downloaded or
  found in a data-home folder, read with the optional ``rdata`` package.

Whichever is read, the tables are checked against the SHA-256 pins of the TSV conversion
(:func:`check_conversion`), so both routes yield exactly the same events.

Choices made here, all reported in :attr:`Dataset.notes`:

* The source does not document the time zone of its send times; they are read as UTC.
* Rows dated before 1998-01-01 are dropped: upstream documents the 174 rows dated
  1979-12-31 as bogus (the real range is 1998-2002). They are counted in ``dropped``.
* Every ``cc`` row has a ``bcc`` twin identical in all other fields (an artefact of the
  underlying corpus: one delivery recorded twice). The twin is dropped
  (:func:`without_bcc_twins`), so a cc'd recipient counts once, as cc, like any other copy
  of one message; a ``bcc`` row without a ``cc`` twin is kept. The note gives the count.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import Channel, EventColumn, Kind
from renown.datasets.dataset import (
    Dataset,
    first_offender,
    parse_int_column,
    require_columns,
    row_keys,
)
from renown.datasets.enron_rda import read_enron_rda
from renown.datasets.enron_tables import (
    EMPLOYEE_COLUMNS,
    MESSAGE_COLUMNS,
    MISSING_NAME,
    EnronTables,
    canonical_tsv,
)
from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.fetch import candidate_paths, default_locations, fetch, locate
from renown.datasets.integrity import read_text_bytes
from renown.datasets.registry import pinned
from renown.ingest import without_copies
from renown.ingest.schema import conform

ENRON_SOURCE: Final = "enron-jhu184"
"""Value of the ``source`` column of Enron events."""

ENRON_FIRST_VALID: Final = datetime(1998, 1, 1, tzinfo=UTC)
"""Rows sent before this instant carry upstream's documented bogus dates and are dropped."""

MESSAGES_FILE: Final = "enron/messages_jhu184.tsv.gz"
EMPLOYEES_FILE: Final = "enron/employees_jhu184.tsv"
RDA_FILE: Final = "enron/enron.rda"

TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
_MAX_TEXT_BYTES: Final = 256 * 1024 * 1024
_RECIPIENT_KINDS: Final = frozenset({Kind.TO.value, Kind.CC.value, Kind.BCC.value})


def read_enron_tsv(messages_path: Path, employees_path: Path) -> EnronTables:
    """Read the TSV conversion of igraphdata's Enron object.

    Parameters
    ----------
    messages_path:
        ``messages_jhu184.tsv.gz`` (gzip or plain text; tab-separated, header row).
    employees_path:
        ``employees_jhu184.tsv``.

    Returns
    -------
    EnronTables
        Typed tables in file order.

    Raises
    ------
    InputError
        On a missing column or a malformed value, naming file, line and field.
    """
    messages = _read_tsv(messages_path, MESSAGE_COLUMNS)
    employees = _read_tsv(employees_path, EMPLOYEE_COLUMNS)
    msg_source, emp_source = str(messages_path), str(employees_path)
    typed_messages = messages.with_columns(
        parse_int_column(messages, name, msg_source, first_line=2)
        for name in ("from_id", "to_id", "topic", "ldc_topic")
    )
    typed_employees = employees.with_columns(
        parse_int_column(employees, "id", emp_source, first_line=2),
        pl.when(pl.col("name") == MISSING_NAME).then(None).otherwise(pl.col("name")).alias("name"),
    )
    return EnronTables(typed_messages, typed_employees, msg_source, emp_source, first_record=2)


def _read_tsv(path: Path, required: Sequence[str]) -> pl.DataFrame:
    text = read_text_bytes(path, limit=_MAX_TEXT_BYTES)
    try:
        frame = pl.read_csv(
            io.BytesIO(text), separator="\t", infer_schema=False, quote_char=None, has_header=True
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise InputError(str(path), f"not a readable tab-separated file: {exc}") from exc
    require_columns(frame.columns, required, str(path))
    return frame.select(required)


def check_conversion(tables: EnronTables) -> None:
    """Check tables read from another form against the pinned TSV conversion.

    Raises
    ------
    ChecksumError
        When either table differs from the published conversion.
    """
    for text, key in zip(canonical_tsv(tables), (MESSAGES_FILE, EMPLOYEES_FILE), strict=True):
        pin = pinned(key)
        digest = hashlib.sha256(text).hexdigest()
        if digest != pin.text_sha256:
            raise ChecksumError(
                f"{tables.messages_source}: the tables read from it differ from the pinned "
                f"{pin.key} (expected SHA-256 {pin.text_sha256}, found {digest})"
            )


def enron_dataset(tables: EnronTables, files: Sequence[Path] = ()) -> Dataset:
    """Turn validated Enron tables into canonical events and a people frame.

    Parameters
    ----------
    tables:
        As returned by :func:`read_enron_tsv` or :func:`renown.datasets.enron_rda.read_enron_rda`.
    files:
        The files the tables came from, kept for provenance.

    Returns
    -------
    Dataset
        Events (``email`` channel, kinds ``to``/``cc``/``bcc``, people ``enron:<local>``),
        people (``id``, ``email``, ``name``), no groups.

    Raises
    ------
    InputError
        On an unknown employee id, recipient type or unreadable time.
    """
    employees = _checked_employees(tables)
    messages = _checked_messages(tables, employees)
    keys = row_keys("enron", messages, MESSAGE_COLUMNS)
    person = dict(zip(employees["id"].to_list(), employees["person"].to_list(), strict=True))
    frame = messages.with_columns(
        pl.Series(EventColumn.EVENT_KEY.value, keys, dtype=pl.String),
        pl.col("from_id").replace_strict(person, return_dtype=pl.String).alias(EventColumn.ACTOR),
        pl.col("to_id").replace_strict(person, return_dtype=pl.String).alias(EventColumn.TARGET),
        pl.lit(Channel.EMAIL.value).alias(EventColumn.CHANNEL),
        pl.col("reciptype").alias(EventColumn.KIND),
        pl.lit(1.0).alias(EventColumn.WEIGHT),
        pl.lit(ENRON_SOURCE).alias(EventColumn.SOURCE),
    )
    valid = frame[EventColumn.TIMESTAMP] >= ENRON_FIRST_VALID
    dated = frame.filter(valid)
    dropped = frame.height - dated.height
    untwinned = without_bcc_twins(dated)
    kept = without_copies(untwinned)
    people = employees.select(
        pl.col("person").alias("id"),
        (pl.col("email_local") + "@enron.com").alias("email"),
        pl.col("name"),
    )
    return Dataset(
        name=ENRON_SOURCE,
        events=conform(kept),
        people=people,
        groups=None,
        dropped=dropped,
        notes=(
            *_notes(dated, dropped, twins=dated.height - untwinned.height),
            _copies_note(untwinned.height - kept.height),
        ),
        files=tuple(files),
        aliases=same_name_aliases(employees),
    )


TWIN_COLUMNS: Final = ("time", "from_id", "to_id", "topic", "ldc_topic")
"""The fields in which a ``bcc`` row repeats its ``cc`` twin (every field but the kind)."""


def without_bcc_twins(messages: pl.DataFrame) -> pl.DataFrame:
    """``messages`` without the ``bcc`` rows that repeat a ``cc`` row in every other field.

    Why: the corpus lists each cc'd recipient a second time as bcc. Kept, every cc would
    weigh as a cc and a bcc together, more than the message it records; the recipient got
    one message. Row order is kept.
    """
    kind = pl.col("reciptype")
    cc = messages.filter(kind == Kind.CC.value).select(TWIN_COLUMNS).unique()
    indexed = messages.with_row_index("_row")
    twins = indexed.filter(kind == Kind.BCC.value).join(cc, on=TWIN_COLUMNS, how="semi")
    return indexed.filter(~pl.col("_row").is_in(twins["_row"].implode())).drop("_row")


def same_name_aliases(employees: pl.DataFrame) -> dict[str, str]:
    """Ids that share a full name -> the alphabetically first of them.

    The source lists some employees under two or three mailbox ids (``jeff.dasovich`` and
    ``jeff.dasovich2``...); its own name column is the only evidence, so only named rows with
    exactly the same name are merged, and the table is returned rather than applied, so a
    caller can see and override it.
    """
    named = employees.filter(pl.col("name").is_not_null())
    canonical = named.group_by("name").agg(pl.col("person").min().alias("canonical"))
    pairs = named.join(canonical, on="name").select("person", "canonical")
    return {p: c for p, c in pairs.iter_rows() if p != c}


def _checked_employees(tables: EnronTables) -> pl.DataFrame:
    employees = tables.employees
    source, first = tables.employees_source, tables.first_record
    for column in ("id", "email_local"):
        index = first_offender(~employees[column].is_first_distinct() | employees[column].is_null())
        if index is not None:
            value = employees[column][index]
            raise InputError(
                source, f"missing or repeated value {value!r}", line=first + index, field=column
            )
    return employees.with_columns(("enron:" + pl.col("email_local")).alias("person"))


def _checked_messages(tables: EnronTables, employees: pl.DataFrame) -> pl.DataFrame:
    messages = tables.messages
    source, first = tables.messages_source, tables.first_record
    known = employees["id"]
    for column in ("from_id", "to_id"):
        index = first_offender(~messages[column].is_in(known))
        if index is not None:
            value = messages[column][index]
            raise InputError(
                source, f"unknown employee id {value}", line=first + index, field=column
            )
    allowed = messages["reciptype"].is_in(sorted(_RECIPIENT_KINDS)).fill_null(False)
    index = first_offender(~allowed)
    if index is not None:
        value = messages["reciptype"][index]
        raise InputError(
            source,
            f"recipient type {value!r} is not to, cc or bcc",
            line=first + index,
            field="reciptype",
        )
    timestamps = messages["time"].str.to_datetime(
        TIME_FORMAT, time_zone="UTC", time_unit="us", strict=False
    )
    index = first_offender(timestamps.is_null())
    if index is not None:
        value = messages["time"][index]
        raise InputError(
            source, f"time {value!r} is not YYYY-MM-DD HH:MM:SS", line=first + index, field="time"
        )
    return messages.with_columns(timestamps.alias(EventColumn.TIMESTAMP))


def _copies_note(copies: int) -> str:
    return (
        f"Dropped {copies} rows that repeat an earlier row in every field renown reads "
        "(sender, recipient, send time, recipient type): copies of one message, counted once."
    )


def _notes(events: pl.DataFrame, dropped: int, *, twins: int) -> tuple[str, ...]:
    self_mail = events.filter(pl.col("from_id") == pl.col("to_id")).height
    return (
        "Send times are read as UTC: the source does not document their time zone.",
        f"Dropped {dropped} rows dated before {ENRON_FIRST_VALID.date()} "
        "(upstream documents its 1979 dates as bogus).",
        f"{twins} bcc rows repeat a cc row in every other field (an artefact of the "
        "corpus): dropped, each delivery counted once, as cc.",
        f"{self_mail} rows are mail from an employee to themself; kept as published.",
        "Only mail among the 184 employees is included (no outside addresses).",
    )


def load_enron(*, data_home: Path | None = None, cache_dir: Path | None = None) -> Dataset:
    """Load the Enron 184-employee e-mail data set as canonical events.

    Parameters
    ----------
    data_home:
        Folder of local copies (``<data_home>/enron/...``). Defaults to
        ``RENOWN_DATA_HOME``. When set, the TSV conversion is read from there (or, if
        absent, ``enron.rda``) and nothing is downloaded.
    cache_dir:
        Download cache used when there is no data home. Defaults to the settings'
        cache folder. The public ``enron.rda`` is downloaded there and read with the
        optional ``rdata`` package (``pip install 'renown[datasets]'``).

    Returns
    -------
    Dataset
        See :func:`enron_dataset`.

    Raises
    ------
    DatasetError
        When no copy can be found or downloaded, or ``rdata`` is needed but missing.
    ChecksumError
        When a copy does not match its pins.
    InputError
        When a file is malformed.
    """
    home, cache = default_locations(data_home, cache_dir)
    if home is not None:
        messages = locate(MESSAGES_FILE, data_home=home)
        employees = locate(EMPLOYEES_FILE, data_home=home)
        if messages is not None and employees is not None:
            return enron_dataset(read_enron_tsv(messages, employees), (messages, employees))
        rda = locate(RDA_FILE, data_home=home)
        if rda is None:
            wanted = [MESSAGES_FILE, EMPLOYEES_FILE, RDA_FILE]
            tried = ", ".join(str(p) for key in wanted for p in candidate_paths(pinned(key), home))
            raise DatasetError(
                f"the Enron data set is not in the data home {home}; looked for {tried}"
            )
    else:
        rda = fetch(RDA_FILE, cache_dir=cache)
    return _from_rda(rda)


def _from_rda(path: Path) -> Dataset:
    tables = read_enron_rda(path)
    check_conversion(tables)
    return enron_dataset(tables, (path,))


__all__ = [
    "ENRON_FIRST_VALID",
    "ENRON_SOURCE",
    "EnronTables",
    "canonical_tsv",
    "check_conversion",
    "enron_dataset",
    "load_enron",
    "read_enron_tsv",
]
