"""Errors of the public data-set loaders.

Malformed *content* is reported as :class:`renown.core.InputError` (file, line, field);
these errors are about getting hold of a trustworthy file in the first place.
"""

from __future__ import annotations

from renown.core.errors import RenownError


class DatasetError(RenownError):
    """A data-set file cannot be found, downloaded or read."""


class ChecksumError(DatasetError):
    """A file's digest is not the pinned one: it is corrupt, truncated or not the same data."""
