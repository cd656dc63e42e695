"""What a signed Slack request must look like before Bolt sees it (handlers/slack/edge.py).

Bolt reads a request's body on trust: it calls `.get` on what should be objects, takes
`actions[0]`, matches `view.callback_id`, finds the user, team and channel in a dozen places,
and gives listeners a `respond` only when there is a `response_url`. A body that breaks one of
those assumptions raises inside Bolt. `read` checks exactly those assumptions, for every kind
of request Slack sends to this endpoint, whichever listeners exist, and returns the payload
as Bolt would have parsed it, its text cleaned by chatops/outside_input.py's rule. What a
listener then reads (a button's `value`, a view's `state`) is the listener's to check.

Adding a kind of request Slack may send (a new payload `type`) is one entry in `_KINDS`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chatops.outside_input import Refused, load_form, load_json

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SlackRequest:
    kind: str  # "slash_command", "block_actions", "view_submission", "event_callback", …
    name: str  # what it is for: the command, action_id, callback_id or event type
    payload: dict[str, Any]


def read(body: bytes, content_type: str | None) -> SlackRequest:
    """The checked payload of a signed body, or Refused (a 400) saying what is wrong."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == JSON:  # the Events API
        return _payload(load_json(body), "body")
    if media != FORM:
        raise Refused(f"Content-Type {media or 'missing'!r}: Slack sends {FORM} or {JSON}",
                      None)
    form = load_form(body)
    if "payload" in form:  # interactivity: buttons, modals, shortcuts
        if len(form) > 1:
            extra = sorted(set(form) - {"payload"})[0]
            raise Refused(f"{extra}: payload= comes alone", extra)
        return _payload(load_json(form["payload"], "payload"), "payload")
    if "command" in form:
        return _slash_command(form)
    if "ssl_check" in form:  # Slack checking the certificate: Bolt answers it
        return SlackRequest("ssl_check", "", dict(form))
    raise Refused("neither payload=, command= nor ssl_check=: not a Slack request", None)


# -- slash commands --------------------------------------------------------------------------
_COMMAND_FIELDS = ("command", "text", "user_id", "team_id", "channel_id", "response_url",
                   "trigger_id")


def _slash_command(form: dict[str, str]) -> SlackRequest:
    for name in _COMMAND_FIELDS:
        if name not in form:
            raise Refused(f"{name}: required in a slash command", name)
        if not form[name] and name != "text":
            raise Refused(f"{name}: must not be empty", name)
    if not form["command"].startswith("/"):
        raise Refused("command: must start with /", "command")
    _url(form["response_url"], "response_url")
    return SlackRequest("slash_command", form["command"], dict(form))


# -- JSON payloads: interactivity and the Events API -------------------------------------------
def _payload(data: Any, where: str) -> SlackRequest:
    if not isinstance(data, dict):
        raise Refused(f"{where} must be a JSON object", None)
    kind = data.get("type")
    if not isinstance(kind, str) or not kind:
        raise Refused("type: required, a string", "type")
    check = _KINDS.get(kind)
    if check is None:
        raise Refused(f"type: {kind[:40]!r} is not a kind of request this app takes", "type")
    _bolt_reads(data, "")
    return SlackRequest(kind, check(data), data)


# Fields Bolt reads wherever it looks for ids (slack_bolt.request.internals): the payload,
# its event, message, previous_message, item, view and authorizations[0]; and the ids and
# timestamps of a message that Slack always writes as strings.
_TEXT = ("type", "user_id", "team_id", "channel_id", "enterprise_id", "thread_ts",
         "trigger_id", "callback_id", "response_url", "api_app_id", "action_id", "block_id",
         "function_execution_id", "bot_access_token", "token", "subtype", "bot_id", "ts",
         "message_ts", "action_ts")
_ENTITIES = ("user", "team", "enterprise", "channel")  # an id, or an object with an `id`
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread", "view",
           "container")
_OBJECTS = ("function_data", "state", "workflow_step")
_LISTS = ("authorizations", "response_urls", "actions")  # of objects


def _bolt_reads(obj: dict[str, Any], path: str) -> None:
    for name in _TEXT:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            _wrong(path, name, "a string")
    for name in _ENTITIES:
        value = obj.get(name)
        if isinstance(value, dict):
            if value.get("id") is not None and not isinstance(value["id"], str):
                _wrong(_at(path, name), "id", "a string")
        elif value is not None and not isinstance(value, str):
            _wrong(path, name, "an id or an object with an id")
    for name in _OBJECTS:
        if obj.get(name) is not None and not isinstance(obj[name], dict):
            _wrong(path, name, "an object")
    for name in _LISTS:
        items = obj.get(name)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            _wrong(path, name, "a list of objects")
        for i, item in enumerate(items):
            _bolt_reads(item, f"{_at(path, name)}[{i}]")
    for name in _NESTED:
        if obj.get(name) is not None:
            if not isinstance(obj[name], dict):
                _wrong(path, name, "an object")
            _bolt_reads(obj[name], _at(path, name))


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _wrong(path: str, name: str, expected: str) -> None:
    field = _at(path, name)
    raise Refused(f"{field}: must be {expected}", field)


def _required(data: Mapping[str, Any], path: str, *names: str) -> None:
    for name in names:
        value = data.get(name)
        if value is None or value == "" or value == [] or value == {}:
            field = _at(path, name)
            raise Refused(f"{field}: required", field)


def _url(value: object, field: str) -> None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused(f"{field}: must be an http(s) URL", field)


def _who(data: dict[str, Any]) -> None:
    """Every interaction comes from a user of a team (objects with ids, as Slack sends)."""
    for name in ("user", "team"):
        if not isinstance(data.get(name), dict):
            raise Refused(f"{name}: required, an object with an id", name)
        _required(data[name], name, "id")


def _block_actions(data: dict[str, Any]) -> str:
    _who(data)
    _required(data, "", "actions", "trigger_id")
    for i, action in enumerate(data["actions"]):
        _required(action, f"actions[{i}]", "action_id")
    if data.get("view") is None:  # pressed in a message: Bolt's `respond` answers there
        _url(data.get("response_url"), "response_url")
    else:
        _view(data)
    name: str = data["actions"][0]["action_id"]
    return name


def _view(data: dict[str, Any]) -> str:
    if not isinstance(data.get("view"), dict):
        raise Refused("view: required, an object", "view")
    for name in ("callback_id", "type"):
        if not isinstance(data["view"].get(name), str):
            raise Refused(f"view.{name}: required, a string", f"view.{name}")
    if data["view"]["type"] == "workflow_step" and not isinstance(data.get("workflow_step"), dict):
        raise Refused("workflow_step: required, an object", "workflow_step")
    for i, entry in enumerate(data.get("response_urls") or []):
        _url(entry.get("response_url"), f"response_urls[{i}].response_url")
    callback: str = data["view"]["callback_id"]
    return callback


def _view_submission(data: dict[str, Any]) -> str:
    _who(data)
    return _view(data)


def _shortcut(data: dict[str, Any]) -> str:
    _who(data)
    _required(data, "", "callback_id", "trigger_id")
    callback: str = data["callback_id"]
    return callback


def _message_shortcut(data: dict[str, Any]) -> str:
    callback = _shortcut(data)
    if not isinstance(data.get("message"), dict):
        raise Refused("message: required, an object", "message")
    if not isinstance(data.get("channel"), dict):
        raise Refused("channel: required, an object with an id", "channel")
    _required(data["channel"], "channel", "id")
    _url(data.get("response_url"), "response_url")
    return callback


def _block_suggestion(data: dict[str, Any]) -> str:
    _who(data)
    _required(data, "", "action_id")
    if not isinstance(data.get("value"), str):
        raise Refused("value: required, a string", "value")
    action: str = data["action_id"]
    return action


def _event_callback(data: dict[str, Any]) -> str:
    _required(data, "", "team_id", "event")
    _required(data["event"], "event", "type")
    if data["event"].get("text") is not None and not isinstance(data["event"]["text"], str):
        raise Refused("event.text: must be a string", "event.text")  # message listeners match it
    kind: str = data["event"]["type"]
    return kind


def _url_verification(data: dict[str, Any]) -> str:
    if not isinstance(data.get("challenge"), str):
        raise Refused("challenge: required, a string", "challenge")
    return ""


_KINDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "block_actions": _block_actions,
    "block_suggestion": _block_suggestion,
    "view_submission": _view_submission,
    "view_closed": _view_submission,
    "shortcut": _shortcut,
    "message_action": _message_shortcut,
    "event_callback": _event_callback,
    "url_verification": _url_verification,
    "app_rate_limited": lambda data: "",
}
