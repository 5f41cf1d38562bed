"""Getting a verified copy of a pinned file: from a data-home folder or the download cache.

Two routes, never mixed silently:

* **data home** (``RENOWN_DATA_HOME`` layout ``<home>/<dataset>/<file>``): copies that
  were downloaded beforehand, used without network. A copy found there is verified and
  used in place; a copy that fails verification is reported and left alone (it is the
  user's file, not ours to delete). A missing copy is an error rather than a reason to
  go online, so that validations run against exactly the folder they were pointed at.
* **download cache**: the public source is downloaded over HTTPS into ``cache_dir``,
  verified before it is given its final name, and reused on later calls. A cached copy
  that no longer verifies is deleted and downloaded again; a download that does not
  verify is deleted and reported.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO, Final
from urllib.parse import urlsplit

from renown.core.private import private_dir
from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.integrity import verify_file
from renown.datasets.registry import PinnedFile, pinned
from renown.settings import get_settings

_CHUNK: Final = 1 << 16
_TIMEOUT_SECONDS: Final = 60.0
_ALLOWED_SCHEMES: Final = frozenset({"https", "file"})
_USER_AGENT: Final = "renown-datasets (+public data-set loader)"


def fetch(
    name: str,
    *,
    cache_dir: Path,
    url: str | None = None,
    data_home: Path | None = None,
) -> Path:
    """Return the path of a verified copy of the pinned file ``name``.

    Parameters
    ----------
    name:
        Registry key ``"<dataset>/<filename>"`` (see :data:`renown.datasets.REGISTRY`).
    cache_dir:
        Download cache; the file is kept at ``cache_dir/<dataset>/<filename>``.
    url:
        Where to download from instead of the registry's public address (a mirror).
        ``https://`` and ``file://`` URLs are accepted. The copy is verified against
        the same pins either way.
    data_home:
        A folder of already-downloaded copies (``RENOWN_DATA_HOME`` layout). When given,
        the file is taken from there and nothing is downloaded.

    Returns
    -------
    Path
        A file whose content matches the pinned checksum.

    Raises
    ------
    ChecksumError
        When the copy found or downloaded does not match its pins.
    DatasetError
        When the file is unknown, missing from ``data_home``, has no public address, or
        cannot be downloaded.
    """
    pin = pinned(name)
    if data_home is not None:
        found = locate(name, data_home=data_home)
        if found is None:
            tried = ", ".join(str(p) for p in candidate_paths(pin, data_home))
            raise DatasetError(f"{pin.key} is not in the data home {data_home}; looked for {tried}")
        return found
    return _cached_download(pin, cache_dir, url)


def candidate_paths(pin: PinnedFile, data_home: Path) -> tuple[Path, ...]:
    """Return the paths where a data-home copy of ``pin`` may be, in order of preference."""
    folder = data_home / pin.dataset
    return tuple(folder / filename for filename in pin.accepted_names)


def locate(name: str, *, data_home: Path) -> Path | None:
    """Return the verified data-home copy of ``name``, or ``None`` when there is none.

    Parameters
    ----------
    name:
        Registry key.
    data_home:
        Folder in the ``RENOWN_DATA_HOME`` layout.

    Returns
    -------
    Path or None
        The first existing candidate (see :func:`candidate_paths`), once verified.

    Raises
    ------
    ChecksumError
        When a copy exists but does not match its pins (the file is left in place).
    """
    pin = pinned(name)
    for path in candidate_paths(pin, data_home):
        if path.is_file():
            verify_file(path, pin)
            return path
    return None


def default_locations(data_home: Path | None, cache_dir: Path | None) -> tuple[Path | None, Path]:
    """Fill unset locations from the settings (``RENOWN_DATA_HOME``, ``RENOWN_HOME``).

    Loaders call this so that setting ``RENOWN_DATA_HOME`` is enough to run every
    loader offline against local copies.
    """
    if data_home is not None and cache_dir is not None:
        return data_home, cache_dir
    settings = get_settings()
    return (
        data_home if data_home is not None else settings.data_home,
        cache_dir if cache_dir is not None else settings.cache_dir,
    )


def _cached_download(pin: PinnedFile, cache_dir: Path, url: str | None) -> Path:
    target = cache_dir / pin.dataset / pin.filename
    if target.is_file():
        try:
            verify_file(target, pin)
        except ChecksumError:
            target.unlink(missing_ok=True)
        else:
            return target
    source = url if url is not None else pin.url
    if source is None:
        raise DatasetError(
            f"{pin.key} has no public download; put a copy in <data home>/{pin.key} "
            "and point RENOWN_DATA_HOME (or data_home=) at that folder"
        )
    _download(pin, source, target)
    return target


def _download(pin: PinnedFile, url: str, target: Path) -> None:
    """Download ``url`` next to ``target``, verify it, then move it into place."""
    scheme = urlsplit(url).scheme
    if scheme not in _ALLOWED_SCHEMES:
        raise DatasetError(f"{pin.key}: refusing to download from {url!r} (use https://)")
    private_dir(target.parent)  # under the renown home, which holds personal data
    handle, partial_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    partial = Path(partial_name)
    try:
        with os.fdopen(handle, "wb") as out:
            _copy_url(pin, url, out)
        verify_file(partial, pin)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _copy_url(pin: PinnedFile, url: str, out: BinaryIO) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    written = 0
    try:
        # The caller allowed only https (or file, for a local mirror) and the copy is
        # verified against its pinned checksum.
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # nosec B310
            while chunk := response.read(_CHUNK):
                written += len(chunk)
                if written > pin.max_bytes:
                    raise ChecksumError(
                        f"{url}: more than {pin.max_bytes} bytes; not the expected {pin.key}"
                    )
                out.write(chunk)
    except (urllib.error.URLError, OSError) as exc:
        raise DatasetError(f"cannot download {pin.key} from {url}: {exc}") from exc
