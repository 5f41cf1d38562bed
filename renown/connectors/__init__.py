"""Connectors to public networks: GitHub, Mastodon, Bluesky, Stack Exchange, RSS/Atom.

Each connector (one module, registered in :mod:`renown.connectors.registry`) reads only
public APIs and what the person authorised, through :class:`~renown.connectors.http.ApiClient`
(rate limits, Retry-After, retries, paging), and maps what it reads to profiles, items and
interactions on the network's own accounts (:mod:`renown.connectors.base`), which become
canonical events on the ``social:<network>`` channel (:mod:`renown.connectors.canonical`).
This package touches no database: linking accounts to people, consent, storage and the
external scores live in :mod:`renown.external`.
"""
