"""The requests Slack sends an app when a person acts, built as Slack builds them: a button
press (`block_actions`), a message shortcut (`message_action`), a modal submitted
(`view_submission`) or closed (`view_closed`), a slash command. Pure functions over the fake
workspace's stored messages and views; `chatops.sandbox.signed_sender` signs and sends them.
Field by field as in Slack's reference (https://api.slack.com/reference/interaction-payloads)."""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any

from chatops.sandbox.fake_state import TEAM_ID
from chatops.sandbox.workspace import User, Workspace

API_APP_ID = "A0SANDBOX"
TEAM_DOMAIN = "sandbox"
LEGACY_TOKEN = "sandbox-verification-token"  # Slack's deprecated verification token: unused


class NotFound(ValueError):
    """The element, message or view asked for is not there (the page was out of date)."""


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _user(user: User) -> dict[str, Any]:
    handle = user.name.lower().replace(" ", ".")
    return {"id": user.id, "username": handle, "name": handle, "team_id": TEAM_ID}


def _channel(workspace: Workspace, channel_id: str) -> dict[str, Any]:
    found = workspace.channel(channel_id)
    return {"id": channel_id, "name": found.name if found else "directmessage"}


def _action_ts() -> str:
    return f"{time.time():.6f}"


def block_id_of(block: Mapping[str, Any], index: int) -> str:
    """A block's id; Slack gives one to a block sent without it, stable for that message."""
    given = block.get("block_id")
    if isinstance(given, str) and given:
        return given
    digest = hashlib.sha1(json.dumps(block, sort_keys=True).encode()).hexdigest()
    return f"{digest[:4]}{index}"


def find_element(message: Mapping[str, Any], attachment: int | None, block: int,
                 element: int | None) -> tuple[dict[str, Any], str, int | None]:
    """The interactive element at that place in a stored message: (element, block_id,
    attachment_id). `attachment` None: the message's own blocks; `element` None: a section's
    accessory."""
    if attachment is None:
        blocks = message.get("blocks") or []
    else:
        attachments = message.get("attachments") or []
        if not 0 <= attachment < len(attachments):
            raise NotFound("no such attachment")
        blocks = attachments[attachment].get("blocks") or []
    if not 0 <= block < len(blocks):
        raise NotFound("no such block")
    found = blocks[block]
    if element is None:
        target = found.get("accessory")
    else:
        elements = found.get("elements") or []
        target = elements[element] if 0 <= element < len(elements) else None
    if not isinstance(target, dict) or target.get("type") != "button":
        raise NotFound("no such button")
    return target, block_id_of(found, block), (None if attachment is None else attachment + 1)


def block_actions(workspace: Workspace, user: User, channel_id: str, message: dict[str, Any],
                  place: tuple[int | None, int, int | None], trigger_id: str,
                  response_url: str, is_ephemeral: bool = False) -> dict[str, Any]:
    """A button pressed in a message."""
    element, block_id, attachment_id = find_element(message, *place)
    action: dict[str, Any] = {"type": "button", "action_id": element.get("action_id"),
                              "block_id": block_id, "text": element.get("text"),
                              "action_ts": _action_ts()}
    for key in ("value", "style", "url"):
        if key in element:
            action[key] = element[key]
    container: dict[str, Any] = {"type": "message", "message_ts": message["ts"],
                                 "channel_id": channel_id, "is_ephemeral": is_ephemeral}
    if attachment_id is not None:
        container["attachment_id"] = attachment_id
    return {"type": "block_actions", "user": _user(user), "api_app_id": API_APP_ID,
            "token": LEGACY_TOKEN, "container": container, "trigger_id": trigger_id,
            "team": _team(), "enterprise": None, "is_enterprise_install": False,
            "channel": _channel(workspace, channel_id), "message": message,
            "state": {"values": {}}, "response_url": response_url, "actions": [action]}


def message_action(workspace: Workspace, user: User, channel_id: str, message: dict[str, Any],
                   callback_id: str, trigger_id: str, response_url: str) -> dict[str, Any]:
    """A message shortcut used on a message."""
    return {"type": "message_action", "token": LEGACY_TOKEN, "action_ts": _action_ts(),
            "team": _team(), "user": _user(user), "channel": _channel(workspace, channel_id),
            "is_enterprise_install": False, "enterprise": None, "callback_id": callback_id,
            "trigger_id": trigger_id, "response_url": response_url,
            "message_ts": message["ts"], "message": message}


def _input_state(element: Mapping[str, Any], given: Any) -> dict[str, Any]:
    kind = element.get("type")
    state: dict[str, Any] = {"type": kind}
    options = element.get("options") or []
    if kind in ("radio_buttons", "static_select"):
        state["selected_option"] = next((o for o in options if o.get("value") == given), None)
    elif kind == "checkboxes":
        wanted = set(given) if isinstance(given, list) else set()
        state["selected_options"] = [o for o in options if o.get("value") in wanted]
    elif kind == "number_input":
        state["value"] = str(given) if given not in (None, "") else None
    else:  # plain_text_input and the like: the text as typed
        state["value"] = given if isinstance(given, str) and given != "" else None
    return state


def state_values(view: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A view's `state.values` from what the person entered (`inputs`: block id, or `#<index>`
    for a block sent without one, -> text, option value, or list of option values), as Slack
    reports every input block."""
    values: dict[str, Any] = {}
    for index, block in enumerate(view.get("blocks") or []):
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id = block_id_of(block, index)
        values[block_id] = {str(element.get("action_id") or "input"):
                            _input_state(element, inputs.get(block_id, inputs.get(f"#{index}")))}
    return values


def view_submission(user: User, view: dict[str, Any], inputs: Mapping[str, Any],
                    trigger_id: str) -> dict[str, Any]:
    submitted = dict(view, state={"values": state_values(view, inputs)})
    return {"type": "view_submission", "team": _team(), "user": _user(user),
            "api_app_id": API_APP_ID, "token": LEGACY_TOKEN, "trigger_id": trigger_id,
            "view": submitted, "response_urls": [], "is_enterprise_install": False,
            "enterprise": None}


def view_closed(user: User, view: dict[str, Any]) -> dict[str, Any]:
    return {"type": "view_closed", "team": _team(), "user": _user(user),
            "api_app_id": API_APP_ID, "token": LEGACY_TOKEN, "view": view,
            "is_cleared": False, "is_enterprise_install": False, "enterprise": None}


def slash_command(workspace: Workspace, user: User, channel_id: str, text: str,
                  trigger_id: str, response_url: str) -> dict[str, str]:
    """The form fields of a slash command."""
    return {"token": LEGACY_TOKEN, "team_id": TEAM_ID, "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id, "channel_name": _channel(workspace, channel_id)["name"],
            "user_id": user.id, "user_name": _user(user)["name"],
            "command": workspace.slash_command, "text": text, "api_app_id": API_APP_ID,
            "is_enterprise_install": "false", "response_url": response_url,
            "trigger_id": trigger_id}
