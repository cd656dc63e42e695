"""Shortcuts: the `qa_review` message shortcut, on a ticket's parent message or any reply in
its thread; it opens the QA checklist like the parent's `QA review` button."""
from __future__ import annotations

from slack_bolt import App

from blocks.ids import ShortcutId
from chatops.runtime import Runtime
from handlers.slack.qa_actions import ack_at_once, checklist_opener


def register(app: App, rt: Runtime) -> None:
    middleware, review_ticket = checklist_opener(rt)
    app.shortcut({"type": "message_action", "callback_id": ShortcutId.QA_REVIEW.value},
                 middleware=middleware)(ack=ack_at_once, lazy=[review_ticket])
