"""Fake Slack file uploads, Slack's current flow (``files.upload`` is retired):

1. ``files.getUploadURLExternal`` (``filename``, ``length``) answers a ``file_id`` and an
   ``upload_url``, served by the fake itself (``/upload/v1/<file_id>``);
2. the client POSTs the bytes to that URL (recorded as the call ``upload:<file_id>``);
3. ``files.completeUploadExternal`` (``files=[{id, title}]``, ``channel_id``, ``thread_ts``)
   shares the uploaded files: a message with ``files`` in the channel, or in the thread.

Each step checks what Slack checks (a length, bytes of that length before completing, an
existing thread), so a client that skips or reorders a step fails as it would on Slack.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chatops.sandbox.fake_state import BOT_ID, BOT_USER_ID, Handler, SlackState


def _err(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


class FileUploads:
    """Files announced, uploaded and shared (not thread-safe by itself, like `SlackState`)."""

    def __init__(self, state: SlackState, base_url: Callable[[], str]) -> None:
        self.state = state
        self.base_url = base_url
        self.reset()

    def reset(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}

    def handlers(self) -> dict[str, Handler]:
        return {"files.getUploadURLExternal": self.get_upload_url,
                "files.completeUploadExternal": self.complete}

    def get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            return _err("invalid_arguments")
        file_id = f"F{len(self.files) + 1:09d}"
        self.files[file_id] = {"id": file_id, "filename": filename, "length": length,
                               "alt_txt": args.get("alt_txt"), "content": None,
                               "title": None, "channel": None, "thread_ts": None}
        return {"ok": True, "file_id": file_id,
                "upload_url": f"{self.base_url()}/upload/v1/{file_id}"}

    def receive(self, file_id: str, body: bytes) -> tuple[int, str]:
        """The POST of step 2: (HTTP status, body)."""
        file = self.files.get(file_id)
        if file is None:
            return 404, "unknown upload"
        if len(body) != file["length"]:
            return 400, f"expected {file['length']} bytes, got {len(body)}"
        file["content"] = bytes(body)
        return 200, f"OK - {len(body)}"

    def complete(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            wanted = json.loads(args.get("files") or "[]")
        except ValueError:
            return _err("invalid_arguments")
        if not isinstance(wanted, list) or not wanted:
            return _err("invalid_arguments")
        found = [self.files.get(str(f.get("id"))) for f in wanted if isinstance(f, dict)]
        if len(found) != len(wanted) or any(f is None or f["content"] is None for f in found):
            return _err("file_not_found")
        channel = str(args.get("channel_id") or "")
        thread_ts = str(args.get("thread_ts") or "") or None
        if thread_ts and not channel:
            return _err("invalid_arguments")
        if channel and thread_ts and self.state.find(channel, thread_ts) is None:
            return _err("invalid_thread_ts")
        shared = []
        for file, asked in zip(found, wanted):
            assert file is not None
            file.update(title=asked.get("title") or file["filename"], channel=channel or None,
                        thread_ts=thread_ts)
            shared.append({"id": file["id"], "title": file["title"], "name": file["filename"],
                           "size": file["length"]})
        if channel:
            self.state.messages.append({
                "type": "message", "subtype": "file_share", "channel": channel,
                "ts": self.state.next_ts(), "thread_ts": thread_ts, "text": "", "blocks": [],
                "attachments": [], "files": shared, "user": BOT_USER_ID, "bot_id": BOT_ID,
                "reply_broadcast": False, "metadata": None, "username": None})
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}
