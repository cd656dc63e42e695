"""A fake of the one Zendesk REST call the app makes (`GET /api/v2/users/{id}.json`, basic
auth `{email}/token:{api token}`), answering as Zendesk documents it
(developer.zendesk.com/api-reference/ticketing/users/users/#show-user)."""
from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

EMAIL, TOKEN = "agent@acme.example", "zd-api-token-123"


class FakeZendeskApi:
    def __init__(self, users: dict[str, dict[str, Any]]) -> None:
        self.users = users
        self.requests: list[str] = []
        self.failures: list[int] = []  # statuses to answer the next requests with
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2/"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                fake.requests.append(self.path)
                login = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
                found = re.fullmatch(r"/api/v2/users/(\d+)\.json", self.path)
                if fake.failures:
                    self._reply(fake.failures.pop(0), {"error": "failure on purpose"})
                elif self.headers.get("Authorization") != f"Basic {login}":
                    self._reply(401, {"error": "Couldn't authenticate you"})
                elif found is None or found.group(1) not in fake.users:
                    self._reply(404, {"error": "RecordNotFound", "description": "Not found"})
                else:
                    user = {"id": int(found.group(1)), "url": f"{fake.url}users/{found.group(1)}.json",
                            "role": "agent", "active": True, **fake.users[found.group(1)]}
                    self._reply(200, {"user": user})

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

        return Handler
