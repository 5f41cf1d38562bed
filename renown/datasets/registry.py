"""Pinned public files: where each one comes from and how a good copy is recognised.

Every file a loader reads is named here with the digests that prove a copy is the one the
loaders were written and validated against. Three kinds of pin exist, because no single
one can be known for every form a file is found in:

``text_sha256``
    SHA-256 of the file's *decoded text*: gunzipped when it is gzip, with CRLF and lone CR
    line endings turned into LF. SNAP serves ``.gz`` files whose wrapper bytes (gzip
    time stamp and stored name) differ between byte-identical copies of the same text,
    and public mirrors of the SNAP files carry CRLF endings; pinning the decoded text
    accepts every faithful copy (SNAP's own download, a mirror, an unzipped local copy)
    and nothing else. The digests were computed from the copies described in the data
    sets' provenance notes, whose content is SNAP's.
``local_copies``
    SHA-256 of the raw bytes of the local-copy form documented in the provenance notes
    of a ``RENOWN_DATA_HOME`` folder (for example the department labels, kept there
    un-gzipped). These only speed up verification of that exact form; the text pin
    remains the authority.
``git_blob_sha1``
    Git object id of a file served from a pinned repository commit. It is the only
    digest of igraphdata's ``enron.rda`` known without downloading it; the loader then
    checks the tables converted from it against the SHA-256 text pins of the published
    TSV conversion, so the data that reaches the events is still pinned by SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from renown.datasets.errors import DatasetError


@dataclass(frozen=True)
class LocalCopy:
    """A documented raw-bytes form of a pinned file, as kept in a data-home folder."""

    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PinnedFile:
    """One file of a public data set and the digests that identify a good copy.

    The registry key is ``"<dataset>/<filename>"``; the same relative path is used
    under the download cache and under a data-home folder.
    """

    dataset: str
    filename: str
    url: str | None
    text_sha256: str | None = None
    text_size: int | None = None
    git_blob_sha1: str | None = None
    local_copies: tuple[LocalCopy, ...] = field(default_factory=tuple)
    max_bytes: int = 256 * 1024 * 1024

    @property
    def key(self) -> str:
        """Registry key, also the file's path relative to a cache or data home."""
        return f"{self.dataset}/{self.filename}"

    @property
    def accepted_names(self) -> tuple[str, ...]:
        """File names under which a copy is looked for in a data-home folder."""
        names = [self.filename, *(copy.filename for copy in self.local_copies)]
        if self.filename.endswith(".gz"):
            names.append(self.filename.removesuffix(".gz"))
        return tuple(dict.fromkeys(names))


ENRON_COMMIT: Final = "289b9c7bad9681c2789458b7be4a501820073c88"
"""igraphdata commit whose ``data/enron.rda`` the Enron loader is pinned to."""

_SNAP: Final = "https://snap.stanford.edu/data"

IBM_ATTRITION_COMMIT: Final = "f47810c976c168f89266e95a5176d084081e5c1b"
"""Commit of the public GitHub copy (Veranika23/attrition-prediction) of IBM's fictional HR
attrition table that the radar benchmark is pinned to (byte-for-byte the original layout)."""

_PINS: Final[tuple[PinnedFile, ...]] = (
    PinnedFile(
        dataset="enron",
        filename="enron.rda",
        url=f"https://raw.githubusercontent.com/igraph/igraphdata/{ENRON_COMMIT}/data/enron.rda",
        git_blob_sha1="92c939f26520359d0ed1db105315e591e3c97a9a",
        max_bytes=64 * 1024 * 1024,
    ),
    PinnedFile(
        dataset="enron",
        filename="messages_jhu184.tsv.gz",
        url=None,
        text_sha256="6a0d07a4959db770fad4d6be2f07414794b84cdcc9e552caea3133b8f073137d",
        text_size=4_317_277,
        local_copies=(
            LocalCopy(
                "messages_jhu184.tsv.gz",
                "d2cd26574eb9254a3b8172dcf7753b21e02f466ab366725dbac6bc64a9c686f7",
                357_011,
            ),
        ),
    ),
    PinnedFile(
        dataset="enron",
        filename="employees_jhu184.tsv",
        url=None,
        text_sha256="6104f1f0a052dc5bdacc332bd5627a0255ee2b7ed73eb5eb1911484e21272032",
        text_size=5_204,
        local_copies=(
            LocalCopy(
                "employees_jhu184.tsv",
                "6104f1f0a052dc5bdacc332bd5627a0255ee2b7ed73eb5eb1911484e21272032",
                5_204,
            ),
        ),
    ),
    PinnedFile(
        dataset="eu-core",
        filename="email-Eu-core.txt.gz",
        url=f"{_SNAP}/email-Eu-core.txt.gz",
        text_sha256="23e0ca0bce21a053025e78f7e9691ac9210ae806a0689bd5edff3c3bac572d4c",
        text_size=192_698,
        local_copies=(
            LocalCopy(
                "email-Eu-core.txt.gz",
                "84189cdd8a8774f9c1e8c90bd5d5fc3fecd31811521944b832aad22d05c28dc8",
                79_635,
            ),
        ),
    ),
    PinnedFile(
        dataset="eu-core",
        filename="email-Eu-core-department-labels.txt.gz",
        url=f"{_SNAP}/email-Eu-core-department-labels.txt.gz",
        text_sha256="91a089f21ee35eb224066456fa5322c8ad57c0f07b2da7a58a3220c72b5d54b5",
        text_size=6_537,
        local_copies=(
            # The local copy is kept un-gzipped with LF endings, so its raw bytes are its text.
            LocalCopy(
                "email-Eu-core-department-labels.txt",
                "91a089f21ee35eb224066456fa5322c8ad57c0f07b2da7a58a3220c72b5d54b5",
                6_537,
            ),
        ),
    ),
    PinnedFile(
        dataset="eu-core",
        filename="email-Eu-core-temporal.txt.gz",
        url=f"{_SNAP}/email-Eu-core-temporal.txt.gz",
        text_sha256="1835c94dc6685dcf2a614a1b6a0275b323dd4002f7aa111fbe9f76db8864391f",
        text_size=5_517_753,
        local_copies=(
            LocalCopy(
                "email-Eu-core-temporal.txt.gz",
                "ad0af2f9375214590b34b472b3d8ff4e7bbe7432d3653841bbaaeadae230fc13",
                1_684_030,
            ),
        ),
    ),
)

_RADAR_PINS: Final[tuple[PinnedFile, ...]] = (
    # Recruiter radar benchmarks (tabular, labelled). The job-change table is a seeded 70 %
    # split of the public aug_train.csv kept in the data home; it has no public download.
    PinnedFile(
        dataset="job-change-ds",
        filename="train_labeled.csv.gz",
        url=None,
        text_sha256="cb466d87f543f669ade5069827bb3030b7e9665de62368051cc141815b73677d",
        text_size=1_315_660,
        local_copies=(
            LocalCopy(
                "train_labeled.csv.gz",
                "d120174d7ff519ccf4d9713a7747749ef8ab70d92ca6e114134a74b00230a7d2",
                163_156,
            ),
        ),
        max_bytes=16 * 1024 * 1024,
    ),
    PinnedFile(
        dataset="ibm-attrition",
        filename="WA_Fn-UseC_-HR-Employee-Attrition.csv",
        url=(
            "https://raw.githubusercontent.com/Veranika23/attrition-prediction/"
            f"{IBM_ATTRITION_COMMIT}/WA_Fn-UseC_-HR-Employee-Attrition.csv"
        ),
        text_sha256="e9f55fbf0a5c058306225d131311e135379d82ad0c94c33738ec75b9a179db9c",
        text_size=226_506,
        local_copies=(
            LocalCopy(
                "WA_Fn-UseC_-HR-Employee-Attrition.csv",
                "a5c31e38bd7fafc9bc333884eb181b06b41b8e5e488e8f7ccb27199fb3be7659",
                227_977,
            ),
        ),
        max_bytes=16 * 1024 * 1024,
    ),
)

REGISTRY: dict[str, PinnedFile] = {pin.key: pin for pin in (*_PINS, *_RADAR_PINS)}
"""Every pinned file by key. Looked up at call time, so tests can register fixtures."""


def pinned(name: str) -> PinnedFile:
    """Return the pinned file registered under ``name``.

    Parameters
    ----------
    name:
        Registry key, ``"<dataset>/<filename>"`` (for example
        ``"eu-core/email-Eu-core-temporal.txt.gz"``).

    Returns
    -------
    PinnedFile
        The registry entry.

    Raises
    ------
    DatasetError
        When no file is registered under ``name``; the message lists the known keys.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise DatasetError(f"unknown data-set file {name!r}; known files: {known}") from None
