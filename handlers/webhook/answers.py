"""What the helpdesk webhooks answer (CONTRACT §3, §4a), whoever serves the request.

Two servers call this: the Flask route (tests, and any WSGI server; `helpdesk.py`) and the
native route that `chatops serve` answers on its event loop without a thread (the busiest
endpoint). Both go through the same three steps here, so their answers cannot drift apart:
`too_large` before a byte of the body is read, `check` on the raw body (size, signature,
schema: the events to store, or the answer that refuses them), then `answer` once they are
committed, or `failed` if checking or storing them raised. `/webhooks/helpdesk` checks its
own format (`HelpdeskAnswers`); each native helpdesk route checks its helpdesk's
(`handlers/webhook/native.py`), and then answers the same.

What a client sent never gets a 5xx (CONTRACT §3), on any of these routes: 413, 401 or
400, each one log line. The one 503 is a server fault, the database unreachable, and says
so. Any other fault is ours (a bug, an adapter's included): logged once with its traceback
and answered 400 with `field: null`, so that the helpdesk does not retry an event that
would fail the same way again.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

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
EMPTY = Answer(200, b"")  # what a HEAD request that checks the URL gets
UNAVAILABLE = "database unavailable: the event was not stored; send it again later"
OUR_FAULT = "chatops failed on this event (a fault on our side, logged); it was not stored"


@dataclass(frozen=True)
class Admitted:
    """A request that passed every check: its events to store, in order, or the kind of a
    well-formed event the app has no use for (no events then)."""

    events: tuple[HelpdeskEvent, ...]
    ignored: str | None = None


class RouteAnswers(Protocol):
    """What a webhook route asks, whichever server serves it."""

    def too_large(self, content_length: int | None) -> Answer | None: ...

    def check(self, body: bytes, headers: Mapping[str, str]) -> Admitted | Answer: ...

    def answer(self, admitted: Admitted, results: list[IngestResult]) -> Answer: ...

    def failed(self, exc: Exception) -> Answer: ...


class WebhookAnswers:
    """The answers every helpdesk route shares; a route adds only `admit`, its own checks.
    `route` names it in the log (`helpdesk`, `zendesk` …); `count(result)` counts each
    request by its outcome; `on_accepted()` runs after a new event was committed (it wakes
    the delivery worker)."""

    def __init__(self, route: str, count: Callable[[str], None],
                 on_accepted: Callable[[], None]) -> None:
        self.route = route
        self.count = count
        self.on_accepted = on_accepted

    def too_large(self, content_length: int | None) -> Answer | None:
        """413 from the Content-Length alone, before the body is read."""
        if content_length is not None and content_length > MAX_BODY:
            self.count("too_large")
            return _error("body over 1 MiB", None, 413)
        return None

    def check(self, body: bytes, headers: Mapping[str, str]) -> Admitted | Answer:
        """The events to store, or the answer that refuses them. `body`: the raw bytes as
        received, at most 1 MiB + 1 byte (one more tells a chunked body over the limit);
        `headers` by lower-case name. A fault of ours while checking is `failed`."""
        if len(body) > MAX_BODY:
            self.count("too_large")
            return _error("body over 1 MiB", None, 413)
        try:
            return self.admit(body, headers)
        except EventRejected as exc:
            log.info("%s event rejected (400): %s", self.route, exc.error)
            self.count("invalid")
            return _error(exc.error, exc.field, 400)
        except Exception as exc:  # a fault of ours, not of the body
            return self.failed(exc)

    def admit(self, body: bytes, headers: Mapping[str, str]) -> Admitted | Answer:
        """The route's own checks: its signature (`unauthorized` when it fails), its body
        (raises EventRejected, a 400 naming the field)."""
        raise NotImplementedError

    def unauthorized(self, why: str) -> Answer:
        log.warning("%s webhook rejected (401): %s", self.route, why)
        self.count("unauthorized")
        return _error("invalid signature", None, 401)

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
            log.error("%s event not stored (503): database unavailable: %s", self.route,
                      one_line(exc))
            self.count("unavailable")
            return _error(UNAVAILABLE, None, 503)
        log.error("%s event not stored (400): a fault of chatops", self.route, exc_info=exc)
        self.count("failed")
        return _error(OUR_FAULT, None, 400)

    def answer(self, admitted: Admitted, results: list[IngestResult]) -> Answer:
        """Accepted when any of the request's events was new; a duplicate when all had been
        stored before; ignored (200, and nothing happened) when it had none the app uses."""
        if not results:
            self.count("ignored")
            return Answer(200, json.dumps({"accepted": True, "ignored": admitted.ignored or ""}
                                          ).encode())
        fresh = [r for r in results if not r.duplicate]
        return self.stored(fresh[0] if fresh else results[0])


class HelpdeskAnswers(WebhookAnswers):
    """/webhooks/helpdesk: the app's own event format (CONTRACT §3, §4)."""

    def __init__(self, secret: str, count: Callable[[str], None],
                 on_accepted: Callable[[], None]) -> None:
        super().__init__("helpdesk", count, on_accepted)
        self.secret = secret

    def admit(self, body: bytes, headers: Mapping[str, str]) -> Admitted | Answer:
        why = check(self.secret, headers.get(_TIMESTAMP), headers.get(_SIGNATURE), body,
                    time.time())
        if why:
            return self.unauthorized(why)
        return Admitted((parse_event(body),))


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


_TIMESTAMP, _SIGNATURE = TIMESTAMP.lower(), SIGNATURE.lower()
NativeRoute = Callable[[int | None, bytes, Mapping[str, str]], Awaitable[Answer]]


def native_route(answers: RouteAnswers,
                 submit: Callable[[HelpdeskEvent], Future[IngestResult]]) -> NativeRoute:
    """A webhook for an event loop: `(content_length, body, headers) -> answer`, where
    `body` was read before (empty when `too_large` refuses it) and `headers` has
    lower-case names. `submit` queues each event for the group-commit writer (in order:
    one writer, one queue); the answer comes once they are committed, as in the Flask
    route."""

    async def webhook(content_length: int | None, body: bytes,
                      headers: Mapping[str, str]) -> Answer:
        refused = answers.too_large(content_length)
        if refused is not None:
            return refused
        admitted = answers.check(body, headers)
        if isinstance(admitted, Answer):
            return admitted
        try:
            queued = [submit(event) for event in admitted.events]
            results = [await asyncio.wrap_future(done) for done in queued]
        except Exception as exc:
            return answers.failed(exc)
        return answers.answer(admitted, results)

    return webhook


async def head_ok(content_length: int | None, body: bytes, headers: Mapping[str, str]) -> Answer:
    """A HEAD request that checks the URL exists (Intercom's, when a webhook is saved)."""
    return EMPTY
