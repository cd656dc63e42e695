"""`POST /webhooks/helpdesk` (CONTRACT §3): size, signature, schema, then one service call."""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from chatops.runtime import Runtime
from chatops.tickets.schema import MAX_BODY, EventRejected, parse_event
from chatops.tickets.signature import check

log = logging.getLogger("chatops.webhook")


def register(flask_app: Flask, rt: Runtime) -> None:
    bp = Blueprint("helpdesk", __name__)
    secret = rt.env.webhook_secret
    if not secret:
        log.warning("CHATOPS_WEBHOOK_SECRET is not set: every helpdesk webhook gets 401")

    def count(result: str) -> None:
        rt.metrics.events_received.labels(result).inc()

    @bp.post("/webhooks/helpdesk")
    def helpdesk() -> tuple[Response, int] | Response:
        length = request.content_length
        if length is not None and length > MAX_BODY:  # refused before reading a byte
            count("too_large")
            return _error("body over 1 MiB", None, 413)
        # Without a Content-Length (chunked), read no more than one byte past the limit.
        body = request.stream.read(MAX_BODY + 1) if length is None else request.get_data(
            cache=False)
        if len(body) > MAX_BODY:
            count("too_large")
            return _error("body over 1 MiB", None, 413)
        why = check(secret, request.headers.get("X-Chatops-Timestamp"),
                    request.headers.get("X-Chatops-Signature"), body, time.time())
        if why:
            log.warning("helpdesk webhook rejected (401): %s", why)
            count("unauthorized")
            return _error("invalid signature", None, 401)
        try:
            event = parse_event(body)
        except EventRejected as exc:
            log.info("helpdesk event rejected (400): %s", exc.error)
            count("invalid")
            return _error(exc.error, exc.field, 400)
        result = rt.event_writer.handle(event)  # returns once the event is committed
        if result.duplicate:
            count("duplicate")
            return _answer(_DUPLICATE, 200)
        count("accepted")
        rt.wakeup.notify()
        return _answer(_ACCEPTED, 202)

    flask_app.register_blueprint(bp)


# The two answers of a stored event, serialised once (this is the busiest endpoint).
_ACCEPTED = json.dumps({"accepted": True, "duplicate": False}).encode()
_DUPLICATE = json.dumps({"accepted": True, "duplicate": True}).encode()


def _answer(body: bytes, status: int) -> Response:
    return Response(body, status, mimetype="application/json")


def _error(message: str, field: str | None, status: int) -> tuple[Response, int]:
    body: dict[str, Any] = {"error": message}
    if field is not None or status == 400:
        body["field"] = field
    return jsonify(body), status

