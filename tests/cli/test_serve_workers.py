"""``renown serve --workers N``: uvicorn gets the app factory, jobs stay in the parent."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from renown.cli import serve as serve_module
from renown.cli.app import app
from renown.web.asgi import create_app_from_env

runner = CliRunner()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What serve handed to uvicorn and whether it started a job worker thread."""
    seen: dict[str, Any] = {"consumers": 0}
    monkeypatch.delenv("RENOWN_HOME", raising=False)  # restored after the test

    def fake_run(target: Any, **options: Any) -> None:
        seen["target"], seen["options"] = target, options

    class Consumer:
        def stop(self, graceful: bool) -> None:
            seen["stopped"] = graceful

    def fake_worker(_huey: Any) -> Consumer:
        seen["consumers"] += 1
        return Consumer()

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(serve_module, "_start_worker", fake_worker)
    return seen


def test_several_workers_get_the_factory_and_jobs_run_in_the_parent(
    tmp_path: Path, calls: dict[str, Any]
) -> None:
    result = runner.invoke(app, ["serve", "--home", str(tmp_path), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert calls["target"] == "renown.web.asgi:create_app_from_env"
    assert calls["options"]["factory"] is True and calls["options"]["workers"] == 2
    assert calls["consumers"] == 1 and calls["stopped"] is True
    # The workers find the same installation through the environment.
    built = create_app_from_env()
    try:
        assert built.state.settings.home == tmp_path.resolve()
        assert gc.get_freeze_count() > 0  # the worker's startup heap is out of the GC's way
    finally:
        gc.unfreeze()
        built.state.engine.dispose()


def test_several_workers_without_the_job_thread(tmp_path: Path, calls: dict[str, Any]) -> None:
    result = runner.invoke(app, ["serve", "--home", str(tmp_path), "--workers", "2", "--no-worker"])
    assert result.exit_code == 0, result.output
    assert calls["consumers"] == 0 and calls["options"]["workers"] == 2


def test_one_worker_serves_the_app_object(tmp_path: Path, calls: dict[str, Any]) -> None:
    try:
        result = runner.invoke(app, ["serve", "--home", str(tmp_path), "--no-worker"])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert not isinstance(calls["target"], str) and "workers" not in calls["options"]
