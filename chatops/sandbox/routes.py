"""The sandbox's HTTP routes, all under `/sandbox` (and `/`, which leads there):

- `GET /sandbox`: the page (`chatops/sandbox/page/`); `GET /sandbox/page/<file>`: its scripts
  and style sheet;
- `GET /sandbox/state?since=N`: what the page shows, as JSON (`{"unchanged": true}` when
  nothing changed since version N);
- `GET /sandbox/files/<id>`: a file the app uploaded (the weekly review's chart);
- `/sandbox/api/<method>`, `/sandbox/upload/v1/<id>`, `/sandbox/teams/workflows/<team>`: the
  fake Slack Web API and Teams webhooks the app talks to;
- `POST /sandbox/respond/<token>`: a response_url of a press or command;
- `POST /sandbox/act/<action>`: the page's actions (`press`, `shortcut`, `submit`, `close`,
  `command`, `helpdesk`, `job`).
"""
from __future__ import annotations

import json
import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatops.sandbox.actions import ActionError, SandboxActions
from chatops.sandbox.mounted_fake import PREFIX
from chatops.sandbox.snapshot import snapshot, version

PAGE_DIR = Path(__file__).with_name("page")
PAGE = "sandbox.html"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()


def _json(data: Any, status: int = 200) -> Answer:
    return Answer(status, json.dumps(data).encode(), JSON, (("cache-control", "no-store"),))


def _not_found() -> Answer:
    return Answer(404, b"not found", "text/plain; charset=utf-8")


def _page_file(name: str) -> Answer:
    """A file of the page, read as it is now (a few kilobytes: an edit shows on reload)."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return Answer(200, (PAGE_DIR / name).read_bytes(), kind, (("cache-control", "no-cache"),))


class SandboxRoutes:
    def __init__(self, actions: SandboxActions) -> None:
        self.actions = actions
        self.files = frozenset(path.name for path in PAGE_DIR.iterdir())
        self.acts: dict[str, Callable[[Mapping[str, Any]], Awaitable[dict[str, Any]]]] = {
            "press": actions.press, "shortcut": actions.shortcut, "submit": actions.submit,
            "close": actions.close, "command": actions.command, "helpdesk": actions.helpdesk,
            "job": actions.job}

    @staticmethod
    def owns(path: str) -> bool:
        return path in ("/", PREFIX) or path.startswith(PREFIX + "/")

    async def handle(self, method: str, path: str, query: str, headers: Mapping[str, str],
                     body: bytes) -> Answer:
        if path == "/":
            return Answer(302, b"", "text/plain", (("location", PREFIX),))
        parts = path[len(PREFIX):].strip("/").split("/") if path != PREFIX else [""]
        head = parts[0]
        if head in ("api", "upload", "teams"):
            return self._fake(path, query, headers, body)
        if method == "GET":
            return self._get(parts, query)
        if method == "POST" and head == "act" and len(parts) == 2 and parts[1] in self.acts:
            return await self._act(parts[1], body)
        if method == "POST" and head == "respond" and len(parts) == 2:
            return self._respond(parts[1], body)
        return _not_found()

    def _get(self, parts: list[str], query: str) -> Answer:
        head = parts[0]
        if head == "" and len(parts) == 1:
            return _page_file(PAGE)
        if head == "page" and len(parts) == 2 and parts[1] in self.files:
            return _page_file(parts[1])
        if head == "state" and len(parts) == 1:
            since = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("since")
            now = version(self.actions)
            if since is not None and since == str(now):
                return _json({"version": now, "unchanged": True})
            return _json(snapshot(self.actions))
        if head == "files" and len(parts) == 2:
            found = self.actions.fake.file(parts[1])
            if found is None:
                return _not_found()
            name, content = found
            return Answer(200, content, mimetypes.guess_type(name)[0] or "application/octet-stream")
        return _not_found()

    def _fake(self, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Answer:
        reply = self.actions.fake.route(path, query, dict(headers), body)
        if reply is None:  # the tests' fake drops connections when told to; never here
            return Answer(503, b"fake Slack is down", "text/plain")
        if reply.payload is not None:
            content, kind = json.dumps(reply.payload).encode(), JSON
        else:
            content, kind = reply.text.encode(), "text/plain; charset=utf-8"
        return Answer(reply.status, content, kind, tuple(reply.headers.items()))

    async def _act(self, name: str, body: bytes) -> Answer:
        try:
            form = json.loads(body or b"{}")
        except ValueError:
            return _json({"ok": False, "error": "the body is not JSON"}, 400)
        if not isinstance(form, dict):
            return _json({"ok": False, "error": "the body is not a JSON object"}, 400)
        try:
            return _json(await self.acts[name](form))
        except ActionError as exc:
            return _json({"ok": False, "error": str(exc)}, 400)

    def _respond(self, token: str, body: bytes) -> Answer:
        try:
            answer = json.loads(body or b"null")
        except ValueError:
            return Answer(400, b"invalid_payload", "text/plain")
        if not self.actions.respond(token, answer):
            return Answer(404, b"no such response_url", "text/plain")
        return Answer(200, b"ok", "text/plain")
