"""Alembic environment: runs renown's migrations on the connection it is handed.

renown calls Alembic programmatically (see :mod:`renown.store.migrate`), passing an open
connection in ``config.attributes``; there is no ``alembic.ini`` to keep in sync.
"""

from __future__ import annotations

from alembic import context

from renown.store import tables  # noqa: F401 - registers every table on the metadata
from renown.store.base import Base
from renown.store.migrate import owned_by_renown

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=owned_by_renown,
)
with context.begin_transaction():
    context.run_migrations()
