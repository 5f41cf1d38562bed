"""Accounts, passwords, API tokens and the principal a request acts as."""

from renown.accounts.principal import Principal

__all__ = ["Principal"]
