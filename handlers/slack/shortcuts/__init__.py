"""Shortcuts: the `qa_review` message shortcut."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks.ids import ShortcutId
from chatops.runtime import Runtime
from handlers.slack.actions import QA_NOT_YET


def register(app: App, rt: Runtime) -> None:
    @app.shortcut(ShortcutId.QA_REVIEW.value)
    def qa_review(ack: Ack, respond: Any) -> None:
        ack()
        respond(response_type="ephemeral", text=QA_NOT_YET)
