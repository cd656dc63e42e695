"""The app process's front under `chatops serve --sandbox`: requests to `/sandbox/…` (and `/`)
are answered here, on the event loop, by the sandbox's routes; everything else goes to the
app's own front (chatops/web_front.py) exactly as without the sandbox. The fake Slack that the
app's worker and Bolt call is answered here too, in memory and without a thread, so it never
holds up the app's routes."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from chatops.environment import Environment
from chatops.sandbox.actions import Jobs, SandboxActions
from chatops.sandbox.helpdesk_desk import HelpdeskDesk
from chatops.sandbox.modals import Modals
from chatops.sandbox.mounted_fake import MountedFake
from chatops.sandbox.routes import Answer, SandboxRoutes
from chatops.sandbox.signed_sender import SignedSender
from chatops.sandbox.workspace import Workspace

log = logging.getLogger("chatops.sandbox")

MAX_BODY = 16 * 1024 * 1024  # the weekly review's chart is uploaded here
BODY_SECONDS = 10.0


class SandboxFront:
    def __init__(self, app_front: Any, routes: SandboxRoutes) -> None:
        self.app_front = app_front
        self.routes = routes

    def __rsgi_del__(self, loop: Any) -> None:
        closing = getattr(self.app_front, "__rsgi_del__", None)
        if closing is not None:
            closing(loop)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http" or not self.routes.owns(scope.path):
            await self.app_front.__rsgi__(scope, proto)
            return
        try:
            async with asyncio.timeout(BODY_SECONDS):
                body = await _read(proto, scope.headers)
        except (TimeoutError, ValueError) as exc:
            proto.response_bytes(400, [("content-type", "text/plain")], f"{exc}".encode())
            return
        except Exception:  # the client went away
            return
        try:
            answer = await self.routes.handle(scope.method, scope.path, scope.query_string,
                                              dict(scope.headers.items()), body)
        except Exception:
            log.exception("sandbox: %s %s failed", scope.method, scope.path)
            answer = Answer(500, b"sandbox error (see the log)", "text/plain")
        proto.response_bytes(answer.status, [("content-type", answer.content_type),
                                             *answer.headers], answer.body)


async def _read(proto: Any, headers: Any) -> bytes:
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_BODY:
            raise ValueError("body too large or bad Content-Length")
        return await proto() if int(length) else b""
    if "transfer-encoding" not in headers:
        return b""
    chunks, size = [], 0
    async for chunk in proto:
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            raise ValueError("body too large")
    return b"".join(chunks)


def sandbox_front(app_front: Any, settings: dict[str, Any], env: Environment,
                  jobs: Jobs) -> SandboxFront:
    """Built in the app process from what `chatops.sandbox.launch` handed it."""
    workspace = Workspace.from_json(settings["workspace"])
    app_url = settings["app_url"]
    modals = Modals()
    fake = MountedFake(app_url, env.slack_bot_token, workspace, modals)
    sender = SignedSender(app_url, env.slack_signing_secret, env.webhook_secret)
    actions = SandboxActions(workspace, fake, modals, HelpdeskDesk(workspace), sender, jobs)
    return SandboxFront(app_front, SandboxRoutes(actions))
