"""The fake Slack Web API and Teams webhooks of `chatops.sandbox.fake_slack`, answered under
`/sandbox/` of chatops' own web server instead of a server of their own: the app's
SLACK_API_URL is `<app>/sandbox/api/`, each team's Teams webhook
`<app>/sandbox/teams/workflows/<team>`, uploads go to `<app>/sandbox/upload/v1/<file>`.
Besides what the tests' fake keeps, it tells the page what changed (`version`), which modal
each person has open (`Modals`) and the ephemeral answers of slash commands."""
from __future__ import annotations

import copy
from typing import Any

from chatops.sandbox.fake_calls import Call
from chatops.sandbox.fake_http import Reply
from chatops.sandbox.fake_slack import FakeSlack
from chatops.sandbox.modals import Modals
from chatops.sandbox.workspace import Workspace

PREFIX = "/sandbox"


class MountedFake(FakeSlack):
    def __init__(self, app_url: str, bot_token: str, workspace: Workspace, modals: Modals) -> None:
        self.app_url = app_url.rstrip("/")
        super().__init__(token=bot_token, users=workspace.emails(),
                         channels={c.id for c in workspace.channels})
        self.modals = modals
        self.calls_seen = 0
        self.on_call = self._seen

    @property
    def base(self) -> str:
        return self.app_url + PREFIX

    @property
    def version(self) -> int:
        return self.calls_seen + self.modals.version

    def route(self, path: str, query: str, headers: dict[str, str], body: bytes) -> Reply | None:
        """One request to `/sandbox/api/…`, `/sandbox/upload/…` or `/sandbox/teams/…`."""
        target = path[len(PREFIX):] + (f"?{query}" if query else "")
        # The tests' fake reads `Content-Type` and `Authorization` as HTTP/1 spells them.
        named = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in headers.items()}
        return self._route(target, named, body)

    def _seen(self, call: Call) -> None:
        self.calls_seen += 1
        if call.method in ("views.open", "views.push") and call.ok and call.response:
            view = call.response.get("view") or {}
            self.modals.opened(str(call.args.get("trigger_id") or ""), str(view.get("id")),
                               push=call.method == "views.push")

    # -- what the page and the sandbox's actions read ----------------------------------

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A stored message as Slack shows it in payloads (without its channel)."""
        with self._lock:
            found = self._state.find(channel, ts)
            return self._state.public(found) if found is not None else None

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._state.views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def store_view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        """A view the app answered with (`response_action: update` or `push`)."""
        with self._lock:
            stored = copy.deepcopy(self._state._store_view(view, view_id))
        self.calls_seen += 1
        return stored

    def add_ephemeral(self, channel: str, user: str, message: dict[str, Any],
                      thread_ts: str | None = None) -> None:
        """An answer only `user` sees: a slash command's ack, a post to a response_url."""
        with self._lock:
            self._state.ephemerals.append({
                "channel": self._state.resolve_channel(channel), "user": user,
                "ts": self._state.next_ts(), "thread_ts": thread_ts,
                "text": message.get("text") or "", "blocks": message.get("blocks") or [],
                "attachments": message.get("attachments") or []})
        self.calls_seen += 1

    def post_as_app(self, channel: str, message: dict[str, Any]) -> None:
        """An `in_channel` answer to a slash command: a message everyone in it sees."""
        with self._lock:
            self._state.chat_post_message(dict(message, channel=channel))
        self.calls_seen += 1

    def file(self, file_id: str) -> tuple[str, bytes] | None:
        with self._lock:
            found = self._files.files.get(file_id)
            if found is None or found["content"] is None:
                return None
            return str(found["filename"]), bytes(found["content"])

    def teams_cards(self) -> dict[str, list[dict[str, Any]]]:
        """Teams endpoint name -> the cards it accepted, oldest first."""
        with self._lock:
            return {name: list(posts) for name, posts in self._teams._posts.items()}

