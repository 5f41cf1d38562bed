"""Loaders of public data sets (Enron, SNAP email-Eu-core) as canonical event frames.

Files are pinned by checksum (:mod:`renown.datasets.registry`), downloaded into a cache or
taken from a folder of local copies (``RENOWN_DATA_HOME``), and verified before use.
"""

from renown.datasets.dataset import Dataset
from renown.datasets.enron import ENRON_FIRST_VALID, load_enron
from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.eu_core import EU_CORE_ORIGIN, load_eu_core
from renown.datasets.fetch import fetch, locate
from renown.datasets.registry import REGISTRY, LocalCopy, PinnedFile

__all__ = [
    "ENRON_FIRST_VALID",
    "EU_CORE_ORIGIN",
    "REGISTRY",
    "ChecksumError",
    "Dataset",
    "DatasetError",
    "LocalCopy",
    "PinnedFile",
    "fetch",
    "load_enron",
    "load_eu_core",
    "locate",
]
