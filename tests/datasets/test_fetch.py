"""Download cache and data-home routes of ``fetch``, served from local file URLs."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from renown.datasets.errors import ChecksumError, DatasetError
from renown.datasets.fetch import fetch
from tests.datasets.fixtures import gz, register, write

KEY = "test/edges.txt.gz"
TEXT = b"0 1 10\n1 2 20\n"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every URL opened through urllib while still serving it."""
    opened: list[str] = []
    original: Callable[..., Any] = urllib.request.urlopen

    def counting(request: urllib.request.Request, *args: Any, **kwargs: Any) -> Any:
        opened.append(request.full_url)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", counting)
    return opened


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no download was expected")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def served(tmp_path: Path, data: bytes) -> str:
    return write(tmp_path / "server" / "edges.txt.gz", data).as_uri()


def test_download_is_verified_cached_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, downloads: list[str]
) -> None:
    url = served(tmp_path, gz(TEXT))
    register(monkeypatch, KEY, TEXT, url=url)
    cache = tmp_path / "cache"

    first = fetch(KEY, cache_dir=cache)
    second = fetch(KEY, cache_dir=cache)

    assert first == second == cache / "test" / "edges.txt.gz"
    assert first.read_bytes() == gz(TEXT)
    assert downloads == [url]


def test_mismatching_download_is_deleted_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, KEY, TEXT, url=served(tmp_path, gz(b"0 1 99\n")))
    cache = tmp_path / "cache"

    with pytest.raises(ChecksumError, match=r"checksum mismatch for test/edges\.txt\.gz"):
        fetch(KEY, cache_dir=cache)

    assert list((cache / "test").iterdir()) == []


def test_corrupt_cached_copy_is_downloaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, downloads: list[str]
) -> None:
    register(monkeypatch, KEY, TEXT, url=served(tmp_path, gz(TEXT)))
    cache = tmp_path / "cache"
    write(cache / "test" / "edges.txt.gz", b"truncated")

    path = fetch(KEY, cache_dir=cache)

    assert path.read_bytes() == gz(TEXT)
    assert len(downloads) == 1


def test_url_override_is_verified_against_the_same_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, downloads: list[str]
) -> None:
    register(monkeypatch, KEY, TEXT, url="https://mirror.invalid/edges.txt.gz")
    mirror = served(tmp_path, TEXT.replace(b"\n", b"\r\n"))

    path = fetch(KEY, cache_dir=tmp_path / "cache", url=mirror)

    assert downloads == [mirror]
    assert path.name == "edges.txt.gz"


def test_plain_http_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch, KEY, TEXT, url="http://insecure.invalid/edges.txt.gz")
    with pytest.raises(DatasetError, match="refusing to download"):
        fetch(KEY, cache_dir=tmp_path / "cache")


def test_oversized_download_is_cut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch, KEY, TEXT, url=served(tmp_path, b"x" * 200_000), max_bytes=100_000)
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError, match="more than 100000 bytes"):
        fetch(KEY, cache_dir=cache)
    assert list((cache / "test").iterdir()) == []


def test_missing_source_is_a_dataset_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch, KEY, TEXT, url=(tmp_path / "absent.gz").as_uri())
    with pytest.raises(DatasetError, match=r"cannot download test/edges\.txt\.gz"):
        fetch(KEY, cache_dir=tmp_path / "cache")


def test_file_without_public_download_points_at_the_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, KEY, TEXT, url=None)
    with pytest.raises(DatasetError, match="no public download"):
        fetch(KEY, cache_dir=tmp_path / "cache")


@pytest.mark.usefixtures("no_network")
def test_data_home_copy_is_verified_and_used_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, KEY, TEXT, url="https://unused.invalid/edges.txt.gz")
    home = tmp_path / "home"
    local = write(home / "test" / "edges.txt", TEXT.replace(b"\n", b"\r\n"))

    assert fetch(KEY, cache_dir=tmp_path / "cache", data_home=home) == local
    assert not (tmp_path / "cache").exists()


@pytest.mark.usefixtures("no_network")
def test_bad_data_home_copy_is_reported_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, KEY, TEXT)
    home = tmp_path / "home"
    local = write(home / "test" / "edges.txt.gz", gz(b"0 1 99\n"))

    with pytest.raises(ChecksumError, match=str(local)):
        fetch(KEY, cache_dir=tmp_path / "cache", data_home=home)
    assert local.exists()


@pytest.mark.usefixtures("no_network")
def test_missing_data_home_copy_lists_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, KEY, TEXT, url="https://unused.invalid/edges.txt.gz")
    home = tmp_path / "home"
    with pytest.raises(DatasetError, match="not in the data home") as caught:
        fetch(KEY, cache_dir=tmp_path / "cache", data_home=home)
    assert str(home / "test" / "edges.txt.gz") in str(caught.value)
    assert str(home / "test" / "edges.txt") in str(caught.value)
