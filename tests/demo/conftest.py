"""Organisations shared by the demo tests (generated once per module: they take a second)."""

from __future__ import annotations

import pytest

from renown.demo import SyntheticOrg, generate_org


@pytest.fixture(scope="package")
def default_org() -> SyntheticOrg:
    """The organisation ``make demo`` shows: 3000 people over six months."""
    return generate_org()


@pytest.fixture(scope="package")
def small_org() -> SyntheticOrg:
    """A quick organisation for tests that do not need the full size."""
    return generate_org(people=400, months=3, seed=3)
