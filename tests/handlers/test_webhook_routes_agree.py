"""The helpdesk webhook answers the same through `chatops serve`, which answers it on its
event loop, as through the Flask route: both go through handlers/webhook/answers.py. Each
row of CONTRACT §3, over real HTTP on one side and Flask's test client on the other."""
from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import WEBHOOK_SECRET as SERVE_SECRET
from bench.common import Server
from chatops.tickets.schema import MAX_BODY
from chatops.tickets.signature import sign
from tests import signing
from tests.events import event

Send = Callable[[bytes, dict[str, str]], tuple[int, Any]]
Request = tuple[bytes, dict[str, str]]


def requests(secret: str) -> list[tuple[str, Request]]:
    """The contract's rows, in order (the duplicate follows the accepted event)."""
    def signed(body: bytes, key: str = secret, skew: int = 0) -> Request:
        ts = int(time.time()) - skew
        return body, {"Content-Type": "application/json", "X-Chatops-Timestamp": str(ts),
                      "X-Chatops-Signature": sign(key, ts, body)}

    accepted = json.dumps(event(event_id="evt-agree-1")).encode()
    return [
        ("accepted", signed(accepted)),
        ("duplicate", signed(accepted)),
        ("wrong secret", signed(accepted, key="not-the-secret")),
        ("stale timestamp", signed(accepted, skew=301)),
        ("no signature", (accepted, {"Content-Type": "application/json"})),
        ("priority outside its list", signed(json.dumps(event(priority="critical")).encode())),
        ("not JSON", signed(b"{not json")),
        ("over 1 MiB", signed(b"[" + b" " * (1024 * 1024) + b"]")),
    ]


def answers(send: Send, secret: str) -> dict[str, tuple[int, Any]]:
    return {name: send(*request) for name, request in requests(secret)}


def test_the_event_loop_route_answers_as_the_flask_route(tmp_path: Path, make_harness: Any
                                                         ) -> None:
    app = make_harness()

    def via_flask(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        response = app.client.post("/webhooks/helpdesk", data=body, headers=headers)
        return response.status_code, response.get_data()

    (tmp_path / "serve").mkdir()  # a database of its own, not the harness's
    server = Server(teams=1, workdir=tmp_path / "serve")
    try:
        def via_serve(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.putrequest("POST", "/webhooks/helpdesk")
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                conn.putheader(name, value)
            conn.endheaders()
            # Over 1 MiB the server answers 413 from the headers and closes: a body still
            # being sent then would break the pipe before the answer is read.
            if len(body) <= MAX_BODY:
                conn.send(body)
            response = conn.getresponse()
            return response.status, response.read()

        served = answers(via_serve, SERVE_SECRET)
    finally:
        server.stop()
    flask = answers(via_flask, signing.WEBHOOK_SECRET)

    assert served == flask  # status and body, byte for byte
    assert {name: status for name, (status, _) in served.items()} == {
        "accepted": 202, "duplicate": 200, "wrong secret": 401, "stale timestamp": 401,
        "no signature": 401, "priority outside its list": 400, "not JSON": 400,
        "over 1 MiB": 413}
    assert json.loads(served["priority outside its list"][1])["field"] == "ticket.priority"
