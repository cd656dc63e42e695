"""CONTRACT §3: /healthz is 200 while the app can work, else 503 naming the failing part."""
from __future__ import annotations

from typing import Any

from tests.conftest import Harness


def test_healthz_is_200_with_the_database_and_the_worker_named(app: Harness) -> None:
    app.rt.start_worker()
    health = app.client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "ok", "db": "ok", "outbox_pending": 0, "outbox_failed": 0, "worker": "running"}


def test_healthz_is_503_naming_the_database_when_it_is_gone(database_gone: Harness) -> None:
    health = database_gone.client.get("/healthz")
    assert health.status_code == 503
    body = health.get_json()
    assert body["status"] == "error" and body["db"].startswith("unavailable: ")


def test_healthz_is_503_naming_the_worker_when_it_stopped(make_harness: Any) -> None:
    app = make_harness()
    app.rt.start_worker()
    assert app.client.get("/healthz").status_code == 200
    for stop in app.rt.stops:  # the worker thread's stop, as at shutdown
        stop()
    assert app.rt.worker_thread is not None
    app.rt.worker_thread.join(timeout=10)
    health = app.client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["worker"] == "stopped"
    assert health.get_json()["db"] == "ok"  # the part that failed, and only it
