"""Operational endpoints: /healthz and /metrics."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Flask, Response, jsonify
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims
from chatops.metrics import Metrics
from db.models import OutboxMessage


def register(flask_app: Flask, sessions: sessionmaker[Session], metrics: Metrics,
             worker_alive: Callable[[], bool | None]) -> None:
    bp = Blueprint("ops", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
                counts = claims.counts(session)
                last = session.scalars(select(OutboxMessage)
                                       .where(OutboxMessage.status == "failed")
                                       .order_by(OutboxMessage.id.desc()).limit(1)).first()
        except Exception as exc:  # the database is the one part we cannot work without
            return jsonify(status="error", db=f"unavailable: {type(exc).__name__}: {exc}"[:500],
                           outbox_pending=None), 503
        body: dict[str, object] = {"status": "ok", "db": "ok",
                                   "outbox_pending": counts.get("pending", 0),
                                   "outbox_failed": counts.get("failed", 0)}
        if last is not None:
            body["last_failure"] = {"outbox_id": last.id, "target": last.target,
                                    "method": last.method, "error": last.last_error}
        alive = worker_alive()
        if alive is not None:
            body["worker"] = "running" if alive else "stopped"
            if not alive:
                body["status"] = "error"
                return jsonify(body), 503
        return jsonify(body), 200

    @bp.get("/metrics")
    def metrics_endpoint() -> Response:
        return Response(metrics.render(), mimetype="text/plain; version=0.0.4")

    flask_app.register_blueprint(bp)
