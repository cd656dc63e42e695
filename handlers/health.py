"""Operational endpoints: /healthz and /metrics."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from chatops import health
from chatops.runtime import Runtime


def register(flask_app: Flask, rt: Runtime) -> None:
    bp = Blueprint("ops", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        result = health.check(rt.sessions, rt.worker_alive())
        return jsonify(result.body), 200 if result.ok else 503

    @bp.get("/metrics")
    def metrics_endpoint() -> Response:
        return Response(rt.metrics.render(), mimetype="text/plain; version=0.0.4")

    flask_app.register_blueprint(bp)
