"""Default deny: a route without a declared policy stops the app from being built."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.web.limits import BodySizeLimit
from renown.web.policy import allow, assert_every_route_declared, public, served_routes


def test_undeclared_route_refuses_to_start() -> None:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="declares no policy"):
        assert_every_route_declared(app.routes, allowed_mounts=set())


def test_declared_routes_report_their_policy() -> None:
    router = APIRouter()

    @router.get("/hr")
    def hr_only(principal: Annotated[Principal, allow(Role.HR, Role.ADMIN)]) -> None:
        return None

    @router.get("/anyone", dependencies=[public()])
    def anyone() -> None:
        return None

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.include_router(router)
    assert_every_route_declared(app.routes, allowed_mounts=set())
    policies = {r.path: r.policy for r in served_routes(app.routes)}
    assert policies == {"/hr": "roles:admin,hr", "/anyone": "public"}


def test_two_policies_on_one_route_are_refused() -> None:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/both", dependencies=[public(), allow(Role.ADMIN)])
    def both() -> None:
        return None

    with pytest.raises(RuntimeError, match="more than one policy"):
        assert_every_route_declared(app.routes, allowed_mounts=set())


def test_allow_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        allow()


def _echo_app(limit: int) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    app.add_middleware(BodySizeLimit, max_bytes=limit)
    return app


def test_body_limit_by_declared_length() -> None:
    client = TestClient(_echo_app(100))
    assert client.post("/echo", content=b"x" * 100).json() == {"size": 100}
    answer = client.post("/echo", content=b"x" * 101)
    assert answer.status_code == 413
    assert "100 bytes" in answer.json()["detail"]


def test_body_limit_when_streamed_without_length() -> None:
    client = TestClient(_echo_app(100))

    def chunks() -> object:
        for _ in range(5):
            yield b"x" * 50

    answer = client.post("/echo", content=chunks())  # type: ignore[arg-type]
    assert answer.status_code == 413
