"""Shortcuts: the `qa_review` message shortcut."""
from __future__ import annotations

from typing import Any

from slack_bolt import App

from blocks.ids import ShortcutId
from blocks.qa import QA_NOT_YET
from chatops.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    def qa_review(respond: Any) -> None:  # lazy: after the ack has been sent
        respond(response_type="ephemeral", text=QA_NOT_YET)

    app.shortcut(ShortcutId.QA_REVIEW.value)(ack=lambda ack: ack(), lazy=[qa_review])
