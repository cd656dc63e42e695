"""Driving QA as Slack does: button presses, the message shortcut and modal submissions as
signed interaction payloads, shaped as Slack sends them, built from what the fake Slack shows."""
from __future__ import annotations

import json
import uuid
from typing import Any

from tests import signing
from tests.conftest import Harness
from tests.events import event

TEAM = {"id": "T0FAKE", "domain": "fake"}


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0FAKE"}


def _send(app: Harness, payload: dict[str, Any], **sign: Any) -> Any:
    return app.slack(signing.interaction_body(payload), **sign)


def trigger() -> str:
    return f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = list(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        blocks += attachment.get("blocks") or []
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if b["action_id"] == action_id]
    assert found, f"no {action_id} button in {json.dumps(message)[:500]}"
    return found[0]


def press(app: Harness, user: str, message: dict[str, Any], action_id: str, *,
          value: str | None = None, **sign: Any) -> Any:
    """Press the button `action_id` of `message` (a message of the fake Slack) as `user`."""
    pressed = button(message, action_id)
    channel = message["channel"]
    payload = {
        "type": "block_actions", "user": _user(user), "api_app_id": "A0APP", "token": "legacy",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": trigger(), "team": TEAM, "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage" if channel[:1] == "D" else "support"},
        "message": {"type": "message", "user": "UBOT", "bot_id": "B0FAKE", "ts": message["ts"],
                    "text": message["text"], "blocks": message.get("blocks") or [],
                    "attachments": message.get("attachments") or []},
        "state": {"values": {}}, "response_url": "https://hooks.invalid/actions/T0FAKE/1/x",
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                     "value": pressed.get("value") if value is None else value,
                     "text": pressed["text"], "action_ts": "1700000000.000100"}],
    }
    return _send(app, payload, **sign)


def shortcut(app: Harness, user: str, message: dict[str, Any], **sign: Any) -> Any:
    """The `qa_review` message shortcut on `message` (a parent or a reply of the fake Slack)."""
    shown = {"type": "message", "user": message.get("user", "UBOT"), "ts": message["ts"],
             "text": message["text"], "team": "T0FAKE"}
    if message.get("thread_ts"):
        shown.update(thread_ts=message["thread_ts"], parent_user_id="UBOT")
    payload = {
        "type": "message_action", "token": "legacy", "action_ts": "1700000000.000200",
        "team": TEAM, "user": _user(user),
        "channel": {"id": message["channel"], "name": "support"},
        "is_enterprise_install": False, "enterprise": None, "callback_id": "qa_review",
        "trigger_id": trigger(), "response_url": "https://hooks.invalid/app/T0FAKE/2/y",
        "message_ts": message["ts"], "message": shown,
    }
    return _send(app, payload, **sign)


def choose(view: dict[str, Any], results: dict[str, str], comment: str | None = None,
           reason: str | None = None) -> dict[str, Any]:
    """The view's `state.values` as Slack sends them: item id → pass / fail / na (items left
    out are unselected), the comment, a reason."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "radio_buttons":
            item = block["block_id"].split(":", 1)[1]
            chosen = results.get(item)
            state["selected_option"] = next((o for o in element["options"]
                                             if o["value"] == chosen), None)
        elif block["block_id"] == "qa_comment":
            state["value"] = comment
        else:
            state["value"] = reason
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def submit(app: Harness, user: str, view: dict[str, Any], values: dict[str, Any],
           **sign: Any) -> Any:
    """Submit `view` (as the fake Slack holds it) with these state values."""
    submitted = {**view, "state": {"values": values}, "app_id": "A0APP", "bot_id": "B0FAKE",
                 "root_view_id": view["id"], "previous_view_id": None, "external_id": "",
                 "clear_on_close": False, "notify_on_close": False,
                 "app_installed_team_id": "T0FAKE"}
    payload = {"type": "view_submission", "team": TEAM, "user": _user(user),
               "api_app_id": "A0APP", "token": "legacy", "trigger_id": trigger(),
               "view": submitted, "response_urls": [], "is_enterprise_install": False,
               "enterprise": None}
    return _send(app, payload, **sign)


def views_of(app: Harness, callback_id: str) -> list[dict[str, Any]]:
    return [v for v in app.fake.views() if v.get("callback_id") == callback_id]


def wait_view(app: Harness, callback_id: str, count: int = 1,
              ready: str | None = None) -> dict[str, Any]:
    """The `count`-th view of this kind once opened (and, with `ready`, once it shows it)."""

    def shown() -> bool:
        found = views_of(app, callback_id)
        return len(found) >= count and (ready is None or ready in json.dumps(found[count - 1]))

    assert app.fake.wait_for(shown, timeout=10), f"no {callback_id} view #{count}"
    return views_of(app, callback_id)[count - 1]


def ticket(app: Harness, ticket_id: str = "1001", **fields: Any) -> dict[str, Any]:
    """A ticket posted and delivered; its parent message in the fake Slack."""
    assert app.post_event(event(ticket_id=ticket_id, **fields)).status_code == 202
    app.deliver()
    return parent(app, ticket_id)


def parent(app: Harness, ticket_id: str = "1001") -> dict[str, Any]:
    found = [m for m in app.fake.messages("C0SUPPORT") if not m.get("thread_ts")
             and f"#{ticket_id}" in m["text"]]
    assert found, f"no parent message of ticket {ticket_id}"
    return found[0]


def answer(response: Any) -> dict[str, Any]:
    """The JSON answer of a view submission ({} for a plain ack)."""
    assert response.status_code == 200, response.status_code
    return response.get_json(silent=True) or {}


def ephemerals_text(app: Harness, user: str) -> str:
    return json.dumps(app.fake.ephemerals(user), ensure_ascii=False)


def dm_text(app: Harness, user: str) -> str:
    return json.dumps(app.fake.dms(user), ensure_ascii=False)
