"""Reading the few fields QA's listeners need from Slack's interaction payloads, defensively:
a signed payload may still be malformed, and then these say None."""
from __future__ import annotations

from typing import Any


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def user_of(body: dict[str, Any]) -> str:
    user = _dict(body.get("user")).get("id")
    return user if isinstance(user, str) else ""


def channel_of(body: dict[str, Any]) -> str | None:
    """Where the press or shortcut happened (a message's container, else the channel)."""
    channel = _dict(body.get("container")).get("channel_id") or _dict(body.get("channel")).get("id")
    return channel if isinstance(channel, str) else None


def action_value(body: dict[str, Any]) -> str | None:
    actions = body.get("actions")
    first = _dict(actions[0]) if isinstance(actions, list) and actions else {}
    value = first.get("value")
    return value if isinstance(value, str) else None


def action_number(body: dict[str, Any]) -> int | None:
    """A button's value that names one of our rows by its id."""
    value = action_value(body)
    if value is None or not (value.isascii() and value.isdigit()) or len(value) >= 19:
        return None
    return int(value)


def thread_of_message(body: dict[str, Any]) -> str | None:
    """The ts of the thread a message shortcut was used on: its parent's ts for a reply
    (`thread_ts`), its own for a message outside any thread."""
    message = _dict(body.get("message"))
    ts = message.get("thread_ts") or message.get("ts") or body.get("message_ts")
    return ts if isinstance(ts, str) else None


def trigger_of(body: dict[str, Any]) -> str | None:
    trigger = body.get("trigger_id")
    return trigger if isinstance(trigger, str) and trigger else None


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    return _dict(body.get("view"))


def view_values(body: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """A submitted view's `state.values` (block id → action id → element state), keeping
    only what has that shape: a block or an element that is not an object is as if absent."""
    values = _dict(_dict(view_of(body).get("state")).get("values"))
    return {block: {action: element for action, element in actions.items()
                    if isinstance(element, dict)}
            for block, actions in values.items() if isinstance(actions, dict)}
