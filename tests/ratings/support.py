"""Helpers of the ratings and admin tests: rating events, slash commands, button presses."""
from __future__ import annotations

import copy
import json
import time
from typing import Any

from tests import signing
from tests.conftest import Harness, unique
from tests.events import event


def rating_event(score: Any = "bad", comment: str | None = None, *, rating_id: str | None = None,
                 agent: dict[str, Any] | None | str = "ticket", ticket_id: str = "1001",
                 **ticket: Any) -> dict[str, Any]:
    """A `rating.created` event; `agent="ticket"` leaves the rating's agent out (the ticket's
    assignee is then the agent)."""
    body = event("rating.created", ticket_id=ticket_id, occurred_at="2026-11-23T11:00:00Z",
                 **ticket)
    body["rating"] = {"id": rating_id or f"r-{unique()}", "score": score, "comment": comment}
    if agent != "ticket":
        body["rating"]["agent"] = copy.deepcopy(agent)
    return body


def slash(app: Harness, user: str, text: str, command: str = "/chatops", **sign: Any) -> Any:
    return app.slack(signing.slash_body(command, text, user), **sign)


def answer_text(response: Any) -> str:
    """The ephemeral answer (the ack body) as one string."""
    body = response.get_json()
    assert body["response_type"] == "ephemeral", body
    return json.dumps(body, ensure_ascii=False)


def press_followed_up(app: Harness, user: str, dm: dict[str, Any], **sign: Any) -> Any:
    """Press `Followed up` in the DM `dm` (a message of `fake.dms(user)`)."""
    button = next(e for a in dm["attachments"] for b in a["blocks"] if b["type"] == "actions"
                  for e in b["elements"] if e["action_id"] == "rating_followed_up")
    channel = f"D{user}"
    payload = {
        "type": "block_actions", "api_app_id": "A0APP", "token": "legacy",
        "team": {"id": "T0FAKE", "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
        "container": {"type": "message", "message_ts": dm["ts"], "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": dm["ts"], "text": dm["text"]},
        "trigger_id": "trig-2", "response_url": "https://hooks.invalid/actions/1",
        "actions": [{"type": "button", "action_id": "rating_followed_up", "block_id": "b1",
                     "value": button["value"], "action_ts": "1700000000.000001",
                     "text": {"type": "plain_text", "text": "Followed up"}}],
    }
    return app.slack(signing.interaction_body(payload), **sign)


def dm_text(app: Harness, user: str) -> str:
    return json.dumps(app.fake.dms(user), ensure_ascii=False)


def calls_containing(app: Harness, needle: str) -> list[Any]:
    return [c for c in app.fake.calls if needle in json.dumps(c.args, ensure_ascii=False)]


def absolute(sign: dict[str, Any]) -> dict[str, Any]:
    """Timestamps given as offsets from now (parameters are built long before the test runs)."""
    if "timestamp" in sign:
        return {"timestamp": int(time.time()) + sign["timestamp"]}
    return sign
