"""What /webhooks/helpdesk answers (CONTRACT §3), whoever serves the request.

Two servers call this: the Flask route (tests, and any WSGI server) and the native route
that `chatops serve` answers on its event loop without a thread (the busiest endpoint).
Both go through the same steps here, so their answers cannot drift apart: `too_large`
before a byte of the body is read, `admit` on the raw body (size, signature, schema), then
`stored` once the event is committed, or `failed` if storing it raised.

What a client sent never gets a 5xx (CONTRACT §3): 413, 401 or 400, each one log line. The
one 503 is a server fault, the database unreachable, and says so. Any other fault is ours (a
bug): logged once with its traceback and answered 400 with `field: null`, so that the
helpdesk does not retry an event that would fail the same way again.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from chatops.runtime import Runtime
from chatops.tickets.ingest import IngestResult
from chatops.tickets.schema import MAX_BODY, EventRejected, HelpdeskEvent, parse_event
from chatops.tickets.signature import check
from db.faults import database_unavailable, one_line

log = logging.getLogger("chatops.webhook")

PATH = "/webhooks/helpdesk"
TIMESTAMP = "X-Chatops-Timestamp"
SIGNATURE = "X-Chatops-Signature"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # JSON

    content_type = "application/json"


# The two answers of a stored event, serialised once (this is the busiest endpoint).
_ACCEPTED = Answer(202, json.dumps({"accepted": True, "duplicate": False}).encode())
_DUPLICATE = Answer(200, json.dumps({"accepted": True, "duplicate": True}).encode())
UNAVAILABLE = "database unavailable: the event was not stored; send it again later"
OUR_FAULT = "chatops failed on this event (a fault on our side, logged); it was not stored"


class HelpdeskAnswers:
    """`count(result)` counts each request by its outcome; `on_accepted()` runs after a
    new event was committed (it wakes the delivery worker)."""

    def __init__(self, secret: str, count: Callable[[str], None],
                 on_accepted: Callable[[], None]) -> None:
        self.secret = secret
        self.count = count
        self.on_accepted = on_accepted

    def too_large(self, content_length: int | None) -> Answer | None:
        """413 from the Content-Length alone, before the body is read."""
        if content_length is not None and content_length > MAX_BODY:
            self.count("too_large")
            return _error("body over 1 MiB", None, 413)
        return None

    def admit(self, body: bytes, timestamp: str | None,
              signature: str | None) -> HelpdeskEvent | Answer:
        """The event to store, or the answer that refuses it. `body`: the raw bytes as
        received, at most 1 MiB + 1 byte (one more tells a chunked body over the limit)."""
        if len(body) > MAX_BODY:
            self.count("too_large")
            return _error("body over 1 MiB", None, 413)
        why = check(self.secret, timestamp, signature, body, time.time())
        if why:
            log.warning("helpdesk webhook rejected (401): %s", why)
            self.count("unauthorized")
            return _error("invalid signature", None, 401)
        try:
            return parse_event(body)
        except EventRejected as exc:
            log.info("helpdesk event rejected (400): %s", exc.error)
            self.count("invalid")
            return _error(exc.error, exc.field, 400)
        except Exception as exc:  # a fault of ours, not of the body
            return self.failed(exc)

    def stored(self, result: IngestResult) -> Answer:
        if result.duplicate:
            self.count("duplicate")
            return _DUPLICATE
        self.count("accepted")
        self.on_accepted()
        return _ACCEPTED

    def failed(self, exc: Exception) -> Answer:
        """The answer when checking or storing an admitted event raised."""
        if database_unavailable(exc):
            log.error("helpdesk event not stored (503): database unavailable: %s", one_line(exc))
            self.count("unavailable")
            return _error(UNAVAILABLE, None, 503)
        log.error("helpdesk event not stored (400): a fault of chatops", exc_info=exc)
        self.count("failed")
        return _error(OUR_FAULT, None, 400)


def _error(message: str, field: str | None, status: int) -> Answer:
    body: dict[str, Any] = {"error": message}
    if field is not None or status == 400:
        body["field"] = field
    # Byte for byte what Flask's jsonify writes (compact, sorted keys, ASCII, a newline).
    return Answer(status, json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
                  + b"\n")


def answers_for(rt: Runtime) -> HelpdeskAnswers:
    """The answers of this runtime's webhook: counted in its metrics; an accepted event
    wakes its delivery worker."""
    return HelpdeskAnswers(rt.env.webhook_secret,
                           lambda result: rt.metrics.events_received.labels(result).inc(),
                           rt.wakeup.notify)


def native_route(answers: HelpdeskAnswers,
                 submit: Callable[[HelpdeskEvent], Future[IngestResult]],
                 ) -> Callable[[int | None, bytes, Mapping[str, str]], Awaitable[Answer]]:
    """The webhook for an event loop: `(content_length, body, headers) -> answer`, where
    `body` was read before (empty when `too_large` refuses it) and `headers` has
    lower-case names. `submit` queues the event for the group-commit writer; the answer
    comes once it is committed, as in the Flask route."""
    timestamp, signature = TIMESTAMP.lower(), SIGNATURE.lower()

    async def helpdesk(content_length: int | None, body: bytes,
                       headers: Mapping[str, str]) -> Answer:
        refused = answers.too_large(content_length)
        if refused is not None:
            return refused
        admitted = answers.admit(body, headers.get(timestamp), headers.get(signature))
        if isinstance(admitted, Answer):
            return admitted
        try:
            result = await asyncio.wrap_future(submit(admitted))
        except Exception as exc:
            return answers.failed(exc)
        return answers.stored(result)

    return helpdesk
