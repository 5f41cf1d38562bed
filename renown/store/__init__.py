"""Relational store (SQLAlchemy 2): SQLite by default, PostgreSQL in production."""

from renown.store.base import Base
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.migrate import current_revision, downgrade, head_revision, upgrade

__all__ = [
    "Base",
    "current_revision",
    "downgrade",
    "head_revision",
    "make_engine",
    "session_factory",
    "transaction",
    "upgrade",
]
