"""Opening modals: the two Slack calls made straight from a listener with Bolt's client instead
of the outbox, because a `trigger_id` lives 3 seconds. `views.open` comes first; anything
slow (the checklist's signals) comes after it, as a `views.update` guarded by the view's hash.
A call that fails is logged: the press changed nothing, so there is nothing to undo."""
from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks import qa_modals
from blocks.qa import ChecklistForm
from chatops.qa.forms import SignalsReader

log = logging.getLogger("chatops.slack")


def open_view(client: WebClient, trigger_id: str | None, view: dict[str, Any]) -> dict[str, Any] | None:
    """`views.open`; the opened view (with its id and hash), or None when Slack refused."""
    if not trigger_id:
        log.warning("%s: no trigger_id to open it with", view.get("callback_id"))
        return None
    try:
        opened = client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("views.open of %s failed: %s", view.get("callback_id"),
                    exc.response.get("error"))
        return None
    except Exception as exc:  # a dropped connection, a timeout: the reviewer presses again
        log.warning("views.open of %s failed: %r", view.get("callback_id"), exc)
        return None
    found = opened.get("view")
    return found if isinstance(found, dict) else None


def open_checklist(client: WebClient, trigger_id: str | None, form: ChecklistForm,
                   signals: SignalsReader) -> None:
    """Open the checklist at once, then show the signals read from the ticket's history."""
    opened = open_view(client, trigger_id, qa_modals.checklist(form))
    if opened is None:
        return
    filled = qa_modals.checklist(signals.fill(form))
    try:
        client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=filled)
    except SlackApiError as exc:  # hash_conflict, not_found: the reviewer moved on
        log.info("views.update of the checklist of ticket %s skipped: %s", form.ticket.id,
                 exc.response.get("error"))
    except Exception as exc:
        log.warning("views.update of the checklist of ticket %s failed: %r", form.ticket.id, exc)
