"""The privacy tests' installation: built once per test module and database kind."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import POSTGRES_ENV, scratch_database
from tests.privacy.installation import Installation, build


def _kinds() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


@pytest.fixture(scope="module", params=_kinds())
def installation(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Installation]:
    """The demo with the subject in every personal column (SQLite inside the home folder)."""
    home = tmp_path_factory.mktemp(f"privacy-{request.param}")
    with scratch_database(str(request.param), home) as url:
        built = build(home, url)
        yield built
        built.sessions.kw["bind"].dispose()
