"""Fake Slack Web API + Microsoft Teams incoming-webhook server for tests, benchmarks and demos.

Point the app at it with ``SLACK_API_URL=fake.url`` (``http://127.0.0.1:PORT/api/``; slack_sdk
appends the method name). Teams webhooks live under ``/teams/workflows/<name>`` and
``/teams/legacy/<name>``; see `chatops.sandbox.fake_teams` for their semantics and for how the
app tells legacy MessageCard URLs (``webhook.office.com`` or ``/teams/legacy/``) from Workflows ones.
File uploads (``files.getUploadURLExternal``, the upload URL ``/upload/v1/<file_id>``,
``files.completeUploadExternal``) are `chatops.sandbox.fake_files`; `uploads` shows them.

Every request is recorded in `FakeSlack.calls`; faults can be injected with `fail_next`,
`fail_teams` and `set_down`. Run standalone with ``python -m chatops.sandbox.fake_slack``.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chatops.sandbox.fake_calls import Call, parse_args
from chatops.sandbox.fake_files import FileUploads
from chatops.sandbox.fake_http import FakeHandler, FakeServer, Reply, json_reply
from chatops.sandbox.fake_state import SlackState, dm_channel_id
from chatops.sandbox.fake_teams import TeamsEndpoints

__all__ = ["Call", "FakeSlack", "main"]

RATE_LIMIT_WINDOW = 1.0  # seconds between accepted chat.postMessage calls per channel


@dataclass
class _Fault:
    method: str | None
    status: int
    error: str | None
    retry_after: int | None


class FakeSlack:
    """In-process fake of the Slack Web API and Teams webhooks. See the module docstring."""

    def __init__(self, token: str | None = "xoxb-test-token", users: dict[str, str] | None = None,
                 channels: set[str] | None = None, enforce_rate_limit: bool = False,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token  # None accepts any non-empty token
        self.enforce_rate_limit = enforce_rate_limit
        self.host, self.port = host, port
        self.on_call: Callable[[Call], None] | None = None  # called after each recorded call
        self._state = SlackState(users, channels)
        self._files = FileUploads(self._state, lambda: self.base)  # files.* and /upload/v1/
        self._state.handlers.update(self._files.handlers())
        self._teams = TeamsEndpoints()
        self._lock = threading.RLock()
        self._server: FakeServer | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Bind (port 0 picks a free port) and serve in a background thread."""
        if self._server is None:
            self._server = FakeServer((self.host, self.port), FakeHandler)
            self._server.fake = self
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name=f"fake-slack-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server, self._thread = None, None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        """``http://host:port`` of the running server."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """Slack Web API base URL (ends with ``/``), for ``WebClient(base_url=...)``."""
        return f"{self.base}/api/"

    def teams_url(self, name: str, workflows: bool = True) -> str:
        """Webhook URL of Teams endpoint ``name``: Workflows (Adaptive Card) or legacy connector."""
        return f"{self.base}/teams/{'workflows' if workflows else 'legacy'}/{name}"

    # -- inspection ----------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every request received, in order (including failed and dropped ones)."""
        with self._lock:
            return list(self._calls)

    @property
    def rate_limit_violations(self) -> int:
        """chat.postMessage calls rejected by `enforce_rate_limit`."""
        with self._lock:
            return self._violations

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        """Calls to ``method`` (``teams:<name>`` for Teams); by default only successful ones."""
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current posted messages (after updates/deletes) in post order, optionally per channel."""
        with self._lock:
            ch = self._state.resolve_channel(channel) if channel else None
            return [self._state.public(m) | {"channel": m["channel"]}
                    for m in self._state.messages if ch is None or m["channel"] == ch]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Replies to parent ``ts`` in ``channel``, oldest first (parent excluded)."""
        return [m for m in self.messages(channel) if m["thread_ts"] == ts and m["ts"] != ts]

    def dms(self, user_id: str) -> list[dict[str, Any]]:
        """Messages in the DM channel of ``user_id`` (posted to the U… or D… id)."""
        return self.messages(dm_channel_id(user_id))

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral), optionally only those shown to ``user``."""
        with self._lock:
            return [dict(m) for m in self._state.ephemerals if user is None or m["user"] == user]

    def views(self) -> list[dict[str, Any]]:
        """Current state of every opened/pushed/published view, in creation order."""
        with self._lock:
            return [dict(v) for v in self._state.views.values()]

    def teams_posts(self, name: str) -> list[dict[str, Any]]:
        """JSON bodies accepted (2xx) by Teams endpoint ``name``; failed/dropped ones are only in `calls`."""
        with self._lock:
            return self._teams.posts(name)

    def uploads(self) -> list[dict[str, Any]]:
        """Files announced by files.getUploadURLExternal, in order: `content` holds the bytes
        POSTed to the upload URL (None before), `channel` / `thread_ts` where they were shared."""
        with self._lock:
            return [dict(f) for f in self._files.files.values()]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll ``predicate`` until it is true (returns True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def reset(self) -> None:
        """Clear calls, messages, views, Teams posts, pending faults and rate-limit state."""
        with self._lock:
            self._state.reset()
            self._files.reset()
            self._teams.reset()
            self._calls: list[Call] = []
            self._faults: list[_Fault] = []
            self._last_post: dict[str, float] = {}
            self._violations = 0
            self._down = False

    # -- fault injection -----------------------------------------------------------

    def fail_next(self, n: int = 1, *, method: str | None = None, status: int = 200,
                  error: str | None = None, retry_after: int | None = None) -> None:
        """Fail the next ``n`` Slack calls (to ``method`` or any): 429 ratelimited with
        Retry-After, 5xx with a non-JSON body, or ``{"ok": false, "error": error}``."""
        with self._lock:
            self._faults.extend(_Fault(method, status, error, retry_after) for _ in range(n))

    def set_down(self, down: bool) -> None:
        """While down, every Slack and Teams request has its connection dropped unanswered."""
        with self._lock:
            self._down = down

    def fail_teams(self, name: str, n: int = 1, status: int = 500) -> None:
        """Answer the next ``n`` posts to Teams endpoint ``name`` with HTTP ``status``."""
        with self._lock:
            self._teams.fail(name, n, status)

    # -- request handling ----------------------------------------------------------

    def _route(self, target: str, headers: dict[str, str], body: bytes) -> Reply | None:
        """Handle one HTTP request; None means drop the connection."""
        at = time.monotonic()
        split = urlsplit(target)
        parts = split.path.strip("/").split("/")
        reply: Reply | None
        if len(parts) == 2 and parts[0] == "api":
            method = parts[1]
            try:
                args, bad_json = parse_args(split.query, body, headers.get("Content-Type", "")), False
            except ValueError:
                args, bad_json = {}, True
            with self._lock:
                if self._down:
                    reply = None
                elif bad_json:
                    reply = json_reply({"ok": False, "error": "invalid_json"})
                else:
                    reply = self._slack(method, args, headers, at)
        elif len(parts) == 3 and parts[:2] == ["upload", "v1"]:
            method, args = f"upload:{parts[2]}", {"length": len(body)}
            with self._lock:
                result = None if self._down else self._files.receive(parts[2], body)
            reply = None if result is None else Reply(result[0], text=result[1])
        elif len(parts) == 3 and parts[0] == "teams":
            method = f"teams:{parts[2]}"
            try:
                payload = json.loads(body or b"null")
            except ValueError:
                payload = None
            is_object = isinstance(payload, dict)
            args = payload if is_object else {"body": body.decode("utf-8", "replace")}
            with self._lock:
                result = None if self._down else self._teams.handle(parts[1], parts[2], args if is_object else None)
            reply = None if result is None else Reply(result[0], text=result[1])
        else:
            return Reply(404, text="not found")
        call = Call(method, args, at, reply.status if reply else 0, reply.payload if reply else None, headers)
        with self._lock:
            self._calls.append(call)
        if self.on_call is not None:
            try:
                self.on_call(call)
            except Exception:  # a broken hook must not turn into a dropped connection
                traceback.print_exc()
        return reply

    def _slack(self, method: str, args: dict[str, Any], headers: dict[str, str], at: float) -> Reply:
        fault = next((f for f in self._faults if f.method in (None, method)), None)
        if fault is not None:
            self._faults.remove(fault)
            return self._fault_reply(fault)
        auth = headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else str(args.get("token") or "")
        if not token or (self.token is not None and token != self.token):
            return json_reply({"ok": False, "error": "invalid_auth"})
        channel = self._state.resolve_channel(str(args.get("channel") or ""))
        if method == "chat.postMessage" and self.enforce_rate_limit:
            last = self._last_post.get(channel)
            if last is not None and at - last < RATE_LIMIT_WINDOW:
                self._violations += 1
                return json_reply({"ok": False, "error": "ratelimited"}, 429, **{"Retry-After": "1"})
        result = self._state.handle(method, args)
        if method == "chat.postMessage" and result.get("ok"):
            self._last_post[channel] = at
        return json_reply(result)

    @staticmethod
    def _fault_reply(fault: _Fault) -> Reply:
        if fault.status == 429:
            return json_reply({"ok": False, "error": fault.error or "ratelimited"}, 429,
                               **{"Retry-After": str(fault.retry_after or 1)})
        if fault.status >= 500:
            return Reply(fault.status, text="upstream error")
        return json_reply({"ok": False, "error": fault.error or "fatal_error"}, fault.status)


if __name__ == "__main__":
    from chatops.sandbox.fake_slack_cli import main

    main(description=__doc__)
