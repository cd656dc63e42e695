"""Valid Slack requests of every kind the app takes, shaped as Slack documents them: the seeds
the edge tests and the fuzz suite mutate. A new listener's valid request is one line in
`SEEDS`.

Each seed is plain data: a slash command's form fields, an interaction's `payload`, or an
Events API body. `body()` encodes it as Slack sends it (sign it with tests/signing.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM = {"id": "T0FAKE", "domain": "fake"}
RESPONSE_URL = "https://hooks.invalid/commands/T0FAKE/1/x"  # tests: nobody answers there
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Seed:
    name: str
    form: dict[str, str] | None = None  # a slash command
    payload: dict[str, Any] | None = None  # interactivity, sent as payload=<JSON>
    event: dict[str, Any] | None = None  # the Events API, sent as JSON

    def data(self) -> dict[str, Any]:
        """The part of the request a mutation works on."""
        found = self.form if self.form is not None else self.payload or self.event
        assert found is not None
        return found

    def body(self, data: dict[str, Any] | None = None) -> tuple[bytes, str]:
        """(body, Content-Type) as Slack sends this seed, or `data` in its place."""
        data = self.data() if data is None else data
        if self.form is not None:
            return urlencode(data).encode(), FORM
        if self.payload is not None:
            return urlencode({"payload": json.dumps(data)}).encode(), FORM
        return json.dumps(data).encode(), "application/json"


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0FAKE"}


def command(text: str, user: str = "U0AGENT1", name: str = "/chatops",
            response_url: str = RESPONSE_URL) -> Seed:
    return Seed(f"{name} {text}", form={
        "token": "legacy", "team_id": "T0FAKE", "team_domain": "fake", "channel_id": "C0SUPPORT",
        "channel_name": "support", "user_id": user, "user_name": user.lower(), "command": name,
        "text": text, "api_app_id": "A0APP", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": "13345224609.738474920.8088930838d88f008e0"})


def block_action(action_id: str, value: str, user: str = "U0LEAD1", channel: str = "C0SUPPORT",
                 response_url: str = RESPONSE_URL) -> Seed:
    """A button pressed in a message (block_actions, container type `message`)."""
    return Seed(f"button {action_id}", payload={
        "type": "block_actions", "user": _user(user), "api_app_id": "A0APP", "token": "legacy",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0", "team": TEAM,
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "support"},
        "message": {"type": "message", "user": "U0BOT", "bot_id": "B0FAKE",
                    "ts": "1700000000.000100", "text": "Ticket #1001", "blocks": []},
        "state": {"values": {}}, "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                     "text": {"type": "plain_text", "text": "Press", "emoji": True},
                     "action_ts": "1700000000.000200"}]})


def _radio(block_id: str, chosen: str) -> tuple[dict[str, Any], dict[str, Any]]:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in ("pass", "fail", "na")]
    block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": block_id},
             "element": {"type": "radio_buttons", "action_id": "result", "options": options}}
    state = {"result": {"type": "radio_buttons",
                        "selected_option": next(o for o in options if o["value"] == chosen)}}
    return block, state


def view_submission(callback_id: str, values: dict[str, Any], blocks: list[dict[str, Any]],
                    metadata: str = "", user: str = "U0QA1") -> Seed:
    """A modal submitted (view_submission), `state.values` as Slack sends them."""
    return Seed(f"modal {callback_id}", payload={
        "type": "view_submission", "team": TEAM, "user": _user(user), "api_app_id": "A0APP",
        "token": "legacy", "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "view": {"id": "V0FAKE0001", "team_id": "T0FAKE", "type": "modal",
                 "callback_id": callback_id, "private_metadata": metadata,
                 "title": {"type": "plain_text", "text": "QA review"}, "blocks": blocks,
                 "state": {"values": values}, "hash": "1700000000.abcdef", "app_id": "A0APP",
                 "bot_id": "B0FAKE", "root_view_id": "V0FAKE0001", "previous_view_id": None,
                 "external_id": "", "clear_on_close": False, "notify_on_close": False,
                 "app_installed_team_id": "T0FAKE"},
        "response_urls": [], "is_enterprise_install": False, "enterprise": None})


def _checklist() -> Seed:
    pairs = [_radio(f"qa_item:{item}", result) for item, result in (
        ("knowledge", "pass"), ("attentive", "pass"), ("efficient", "fail"),
        ("composure", "na"), ("closure", "pass"))]
    comment = {"type": "input", "block_id": "qa_comment", "optional": True,
               "label": {"type": "plain_text", "text": "Comment"},
               "element": {"type": "plain_text_input", "action_id": "value", "multiline": True}}
    values = {b["block_id"]: s for b, s in pairs}
    values["qa_comment"] = {"value": {"type": "plain_text_input", "value": "Good work"}}
    return view_submission("qa_checklist", values, [b for b, _ in pairs] + [comment],
                           metadata=json.dumps({"ticket": "1001"}))


def _appeal_reason() -> Seed:
    reason = {"type": "input", "block_id": "qa_reason", "label": {"type": "plain_text", "text": "Why"},
              "element": {"type": "plain_text_input", "action_id": "value", "multiline": True}}
    return view_submission("qa_appeal", {"qa_reason": {"value": {"type": "plain_text_input",
                                                                 "value": "I asked twice"}}},
                           [reason], metadata=json.dumps({"review": 1}), user="U0AGENT1")


def message_shortcut(callback_id: str, user: str = "U0LEAD1",
                     response_url: str = RESPONSE_URL) -> Seed:
    return Seed(f"shortcut {callback_id}", payload={
        "type": "message_action", "token": "legacy", "action_ts": "1700000000.000300",
        "team": TEAM, "user": _user(user), "channel": {"id": "C0SUPPORT", "name": "support"},
        "is_enterprise_install": False, "enterprise": None, "callback_id": callback_id,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0", "response_url": response_url,
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": "U0BOT", "ts": "1700000000.000100",
                    "text": "Ticket #1001", "team": "T0FAKE"}})


def url_verification() -> Seed:
    return Seed("url_verification", event={
        "token": "legacy", "type": "url_verification",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})


def app_mention() -> Seed:
    """An Events API event (no listener takes it today; Bolt's own event handling sees it)."""
    return Seed("event app_mention", event={
        "token": "legacy", "team_id": "T0FAKE", "api_app_id": "A0APP", "type": "event_callback",
        "event": {"type": "app_mention", "user": "U0LEAD1", "text": "<@U0BOT> help",
                  "ts": "1700000000.000400", "channel": "C0SUPPORT", "event_ts": "1700000000.000400"},
        "event_id": "Ev0FAKE0001", "event_time": 1700000000,
        "authorizations": [{"enterprise_id": None, "team_id": "T0FAKE", "user_id": "U0BOT",
                            "is_bot": True, "is_enterprise_install": False}]})


def seeds(response_url: str = RESPONSE_URL) -> list[Seed]:
    """Every kind of request the app takes today, and the QA ids of CONTRACT §7."""
    return [
        command("help", response_url=response_url),
        command("settings", response_url=response_url),
        command("audit", response_url=response_url),
        command("visibility support score_only", "U0ADMIN1", response_url=response_url),
        command("leads add support <@U0NEW01|ann>", "U0ADMIN1", response_url=response_url),
        command("visibility support leads_only", response_url=response_url),  # refused
        block_action("rating_followed_up", "1", response_url=response_url),
        block_action("open_ticket", "1001", response_url=response_url),
        block_action("qa_review", "1001", response_url=response_url),
        block_action("qa_appeal", "1", "U0AGENT1", "D0AGENT1", response_url=response_url),
        block_action("qa_appeal_accept", "1", "U0LEAD1", "D0LEAD1", response_url=response_url),
        block_action("qa_appeal_reject", "1", "U0LEAD1", "D0LEAD1", response_url=response_url),
        _checklist(),
        _appeal_reason(),
        message_shortcut("qa_review", response_url=response_url),
        url_verification(),
        app_mention(),
    ]


SEEDS = seeds()
