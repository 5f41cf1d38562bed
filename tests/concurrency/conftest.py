"""The race tests run on the web tests' installation, on SQLite and again on PostgreSQL.

The installation is built once per module (``platform``, from :mod:`tests.web.conftest`);
each test takes people nobody else in the module has used (``colleagues``), so the tests
of a module never see each other's kudos budgets, rounds or appeals.
"""

from __future__ import annotations

import pytest

from renown.core.roles import Role
from tests.concurrency.installation import (
    Colleagues,
    Writer,
    free_colleagues,
    member_writer,
    new_writer,
)
from tests.web.conftest import Platform, platform, web_database_url

__all__ = ["colleagues", "hr_writers", "platform", "web_database_url"]


@pytest.fixture(scope="module")
def colleagues(platform: Platform) -> Colleagues:
    """Acme people without accounts, handed out to the module's tests without overlap."""
    return free_colleagues(platform)


@pytest.fixture(scope="module")
def hr_writers(platform: Platform) -> list[Writer]:
    """Three accounts that run promotion rounds: HR, an administrator and a second HR user."""
    return [
        member_writer(platform, platform.members[Role.HR]),
        member_writer(platform, platform.members[Role.ADMIN]),
        new_writer(platform, None, Role.HR, email="hr2@acme.example"),
    ]
