"""`POST /slack/events` (CONTRACT §3): the one place that decides how every Slack request is
answered, whichever listeners exist.

In this order, each refusal one log line (no traceback):
1. 413: a body over 1 MiB, from its Content-Length before a byte is read.
2. 401: Slack's v0 signature and its 5-minute window, checked on the raw bytes before
   anything in the body is parsed (`X-Slack-Request-Timestamp` must be whole seconds:
   `1e10` or `12.5` are unsigned requests too).
3. 400 `{"error", "field"}`: a signed body that Bolt would choke on (handlers/slack/shapes.py:
   not a form or JSON, `payload=` that is not an object, no `type`, `user`, `team`,
   `actions` or `view`, a slash command missing a field, no `response_url` where `respond`
   would need one) or text that breaks chatops/outside_input.py's rules.
4. Bolt, given the payload that was checked (as its Socket Mode adapter gives it one: Bolt
   neither parses the body again nor checks the signature twice). No listener for it: 404.

Whatever still raises inside Bolt or a listener is a fault of ours, not of the request: it is
logged once with its traceback and answered 200, so that Slack shows the user nothing broken,
with what the listener had acked if it acked, else, for a slash command, an ephemeral line
saying it failed, for a modal, that line as an error on its first input (the modal stays
open), for anything else an empty 200. The one 5xx is 503, when the database is unreachable
(a server fault), and its body says so.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Request, Response
from slack_bolt import App, BoltRequest, BoltResponse
from werkzeug.datastructures import Headers

from chatops.outside_input import Refused, unix_seconds
from chatops.tickets.schema import MAX_BODY
from db.faults import database_unavailable, one_line
from handlers.slack.shapes import read

log = logging.getLogger("chatops.slack")

MAX_SKEW_SECONDS = 300  # Slack's window
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
UNAVAILABLE = "database unavailable: nothing was done; try again in a moment"
FAILED = "Sorry, that did not work: chatops failed on its side (it is logged). Try again later."


class SlackEdge:
    def __init__(self, bolt: App, signing_secret: str) -> None:
        self.bolt = bolt
        self.secret = signing_secret.encode()
        bolt.error(self._fault)  # what Bolt catches from middleware and listeners comes here
        bolt.logger.addFilter(_without_bolts_unhandled_warning)

    def respond(self, request: Request) -> Response:
        length = request.content_length
        if length is not None and length > MAX_BODY:
            return self._refuse(413, "body over 1 MiB", None)
        # Without a Content-Length (chunked), read no more than one byte past the limit.
        body = request.stream.read(MAX_BODY + 1) if length is None else request.get_data(
            cache=False)
        if len(body) > MAX_BODY:
            return self._refuse(413, "body over 1 MiB", None)
        return _flask(self.answer(body, request.headers))

    def answer(self, body: bytes, headers: Headers | Mapping[str, str]) -> BoltResponse:
        """`headers`: the request's (werkzeug's Headers, or a mapping of exact names)."""
        why = self._unsigned(body, headers.get(TIMESTAMP), headers.get(SIGNATURE))
        if why:
            log.warning("Slack request refused (401): %s", why)
            return BoltResponse(status=401, body="")
        try:
            checked = read(body, headers.get("Content-Type"))
        except Refused as exc:
            log.info("Slack request refused (400): %s", exc.error)
            return _json(400, {"error": exc.error, "field": exc.field})
        try:
            response = self.bolt.dispatch(BoltRequest(body=checked.payload, headers=dict(headers),
                                                      mode="socket_mode"))
        except Exception as exc:  # raised outside Bolt's own error handling
            return self._fault_answer(exc, checked.payload, None)
        if response.status == 404:
            log.info("Slack request not handled (404): no listener for %s %r", checked.kind,
                     checked.name[:80])
        elif response.status >= 500 and response.status != 503:
            log.error("Slack request %s %r: Bolt answered %d; answered 200 instead",
                      checked.kind, checked.name[:80], response.status)
            return BoltResponse(status=200, body="")
        return response

    def _unsigned(self, body: bytes, timestamp: str | None, signature: str | None) -> str | None:
        if not timestamp or not signature:
            return f"missing {TIMESTAMP} or {SIGNATURE}"
        if unix_seconds(timestamp) is None:
            return f"{TIMESTAMP} {timestamp[:20]!r} is not a whole number of seconds"
        skew = int(time.time()) - int(timestamp)
        if abs(skew) > MAX_SKEW_SECONDS:
            return f"{TIMESTAMP} is {skew} s off (more than {MAX_SKEW_SECONDS} s)"
        # On the bytes as received (slack_sdk's verifier decodes them as UTF-8 first, and
        # raises on a body that is not).
        mac = hmac.new(self.secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
        if not signature.isascii() or not hmac.compare_digest("v0=" + mac.hexdigest(), signature):
            return "signature does not match"
        return None

    def _refuse(self, status: int, why: str, field: str | None) -> Response:
        log.info("Slack request refused (%d): %s", status, why)
        return _flask(_json(status, {"error": why, "field": field}))

    def _fault(self, error: Exception, request: BoltRequest,
               response: BoltResponse | None) -> BoltResponse | None:
        """Bolt's error handler: a middleware or listener raised."""
        acked = request.context.ack.response if request.context.ack is not None else None
        answer = self._fault_answer(error, request.body, acked)
        # No response: the listener ran after its ack was sent (Bolt's threaded mode).
        return answer if response is not None else None

    @staticmethod
    def _fault_answer(error: Exception, payload: dict[str, Any],
                      acked: BoltResponse | None) -> BoltResponse:
        what = _what(payload)
        if database_unavailable(error):
            log.error("Slack request %s not handled (503): database unavailable: %s", what,
                      one_line(error))
            return _json(503, {"error": UNAVAILABLE})
        log.error("Slack request %s failed: a fault of chatops; answered 200", what,
                  exc_info=error)
        if acked is not None and acked.status < 400:
            return BoltResponse(status=acked.status, body=acked.body, headers=acked.headers)
        return _apology(payload)


def _what(payload: dict[str, Any]) -> str:
    command = payload.get("command")
    return repr(command)[:80] if command else repr(payload.get("type"))[:80]


def _apology(payload: dict[str, Any]) -> BoltResponse:
    """200, and what Slack shows the user when we failed before acking."""
    if payload.get("command"):
        return _json(200, {"response_type": "ephemeral", "text": FAILED})
    if payload.get("type") == "view_submission":
        blocks = payload["view"].get("blocks")
        inputs = [b.get("block_id") for b in blocks if isinstance(b, dict)
                  and b.get("type") == "input"] if isinstance(blocks, list) else []
        if inputs and isinstance(inputs[0], str) and inputs[0]:
            return _json(200, {"response_action": "errors", "errors": {inputs[0]: FAILED}})
    return BoltResponse(status=200, body="")


def _json(status: int, body: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=status, body=json.dumps(body),
                        headers={"content-type": ["application/json;charset=utf-8"]})


def _flask(response: BoltResponse) -> Response:
    answer = Response(response.body, response.status)
    for name, values in response.headers.items():
        if name.lower() == "content-type":
            answer.headers.pop("Content-Type", None)
        for value in values:
            answer.headers.add(name, value)
    return answer


def _without_bolts_unhandled_warning(record: logging.LogRecord) -> bool:
    """Bolt's own notice of a request no listener took spans several lines with sample code;
    the edge logs it as one line instead."""
    return not str(record.msg).startswith("Unhandled request")
