"""Operational endpoints: /healthz and /metrics."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, Response, jsonify
from sqlalchemy.orm import Session, sessionmaker

from chatops import health
from chatops.metrics import Metrics


def register(flask_app: Flask, sessions: sessionmaker[Session], metrics: Metrics,
             worker_alive: Callable[[], bool | None]) -> None:
    bp = Blueprint("ops", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        result = health.check(sessions, worker_alive())
        return jsonify(result.body), 200 if result.ok else 503

    @bp.get("/metrics")
    def metrics_endpoint() -> Response:
        return Response(metrics.render(), mimetype="text/plain; version=0.0.4")

    flask_app.register_blueprint(bp)
