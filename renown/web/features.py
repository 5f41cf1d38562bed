"""The web product's features, in the order their routes are matched.

Each feature is a package ``renown.web.<feature>`` that serves its pages and its JSON side
by side and exports two routers: ``api_router`` (mounted under ``/api/v1``, described in
the OpenAPI document) and ``page_router`` (HTML, left out of it); either may be ``None``.
Adding a feature is one line here. Order matters only where two features' paths could
match the same URL; routes inside a feature keep the order they are declared in.
"""

from __future__ import annotations

from typing import Final, Protocol

from fastapi import APIRouter

from renown.web import (
    account,
    admin,
    challenges,
    external,
    feedback,
    people,
    privacy,
    radar,
    recognition,
    runs,
    talent,
    validity,
)


class Feature(Protocol):
    """What a feature package exports (a module satisfies this protocol)."""

    @property
    def api_router(self) -> APIRouter | None: ...

    @property
    def page_router(self) -> APIRouter | None: ...


FEATURES: Final[tuple[Feature, ...]] = (
    account,
    external,  # before people: /people/external is not /people/{person_id}
    people,
    admin,
    runs,
    feedback,
    recognition,
    talent,
    privacy,
    validity,
    radar,
    challenges,
)
