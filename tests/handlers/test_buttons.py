"""Buttons on ticket messages are answered (Slack shows an error on any non-200)."""
from __future__ import annotations

from typing import Any

from tests import signing
from tests.conftest import Harness


def _press(app: Harness, action_id: str, **extra: Any) -> Any:
    payload = {"type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": "U0AGENT1"},
               "api_app_id": "A0APP", "trigger_id": "trig-1",
               "container": {"type": "message", "channel_id": "C0SUPPORT",
                             "message_ts": "1.000001"},
               "channel": {"id": "C0SUPPORT"}, "response_url": "https://hooks.invalid/r",
               "actions": [{"action_id": action_id, "block_id": "b", "type": "button",
                            "value": "1001", "action_ts": "1.2"}], **extra}
    return app.slack(signing.interaction_body(payload))


def test_open_in_helpdesk_link_button_is_acknowledged(app: Harness) -> None:
    assert _press(app, "open_ticket").status_code == 200


def test_qa_review_button_is_acknowledged(app: Harness) -> None:
    assert _press(app, "qa_review").status_code == 200


def test_unsigned_button_press_is_401(app: Harness) -> None:
    payload = signing.interaction_body({"type": "block_actions", "actions": []})
    response = app.client.post("/slack/events", data=payload,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401
