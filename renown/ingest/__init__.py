"""Reading any events input into canonical event frames, and the lake that keeps them.

:func:`read_events` is the way in for every input (an upload, a zipped Slack export, a
source on the server, a path on the command line, a lake); it picks the reader from the
path (:mod:`renown.ingest.detect`), and each reader can also be called directly.
:class:`EventLake` stores the frames as month-partitioned Parquet with dedupe on
``event_key``. Ingest knows no database and computes nothing.
"""

from renown.ingest.aliases import merge_aliases, read_aliases
from renown.ingest.detect import SOURCE_FORMATS, detect_format
from renown.ingest.events import read_events
from renown.ingest.lake import AppendResult, EventLake, LakeStats
from renown.ingest.lock import LakeLockedError
from renown.ingest.readers._keys import without_copies
from renown.ingest.readers.mail import normalize_address, read_maildir, read_mbox
from renown.ingest.readers.slack import read_slack
from renown.ingest.readers.snap import read_snap
from renown.ingest.readers.stackexchange import read_stackexchange
from renown.ingest.readers.tabular import read_tabular
from renown.ingest.schema import EVENT_SCHEMA, conform, empty_events

__all__ = [
    "EVENT_SCHEMA",
    "SOURCE_FORMATS",
    "AppendResult",
    "EventLake",
    "LakeLockedError",
    "LakeStats",
    "conform",
    "detect_format",
    "empty_events",
    "merge_aliases",
    "normalize_address",
    "read_aliases",
    "read_events",
    "read_maildir",
    "read_mbox",
    "read_slack",
    "read_snap",
    "read_stackexchange",
    "read_tabular",
    "without_copies",
]
