"""Shortcuts: the `qa_review` message shortcut."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks.ids import ShortcutId
from blocks.qa import QA_NOT_YET
from chatops.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    @app.shortcut(ShortcutId.QA_REVIEW.value)
    def qa_review(ack: Ack, respond: Any) -> None:
        ack()
        respond(response_type="ephemeral", text=QA_NOT_YET)
