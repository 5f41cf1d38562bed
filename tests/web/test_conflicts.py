"""Two writes that race answer 409 or 503 (try again), never 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError

from renown.settings import Settings
from renown.web.app import create_app


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (IntegrityError("INSERT INTO audit_log", {}, Exception("uq_audit_log_seq")), 409),
        (OperationalError("UPDATE promotion_rounds", {}, Exception("database is locked")), 503),
    ],
)
def test_a_lost_race_is_a_retryable_answer(tmp_path: Path, error: Exception, status: int) -> None:
    app = create_app(
        Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'r.db'}", secret_key="t")
    )

    def racing() -> None:
        raise error

    app.add_api_route("/api/v1/race", racing, methods=["POST"])
    answer = TestClient(app, raise_server_exceptions=False).post("/api/v1/race")
    assert answer.status_code == status
    assert "try again" in answer.json()["detail"]
    if status == 503:
        assert answer.headers["retry-after"] == "1"
