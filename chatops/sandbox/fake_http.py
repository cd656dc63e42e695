"""The fake Slack's HTTP plumbing: a threading server whose handler hands each request to
`FakeSlack._route` and writes its `Reply` (or drops the connection)."""
from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatops.sandbox.fake_slack import FakeSlack


@dataclass
class Reply:
    status: int
    payload: dict[str, Any] | None = None  # JSON body; None -> use `text`
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(payload: dict[str, Any], status: int = 200, **headers: str) -> Reply:
    return Reply(status, payload, headers=dict(headers))


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # benchmarks open many connections at once
    fake: FakeSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that hang up (the default prints a traceback)."""


class FakeHandler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.0"  # one request per connection: simple, and drops are unambiguous

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging to stderr."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        reply = self.server.fake._route(self.path, dict(self.headers.items()), body)
        if reply is None:  # simulate a dropped connection: close without any response
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if reply.payload is not None:
            data, ctype = json.dumps(reply.payload).encode(), "application/json; charset=utf-8"
        else:
            data, ctype = reply.text.encode(), "text/plain; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST
