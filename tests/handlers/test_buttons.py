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


def test_a_signed_body_bolt_cannot_read_gets_no_5xx(app: Harness) -> None:
    assert app.slack(b"payload=%7Bnot-json").status_code == 400
    view_without_type = {"type": "view_submission", "view": {"callback_id": "x"}}
    assert app.slack(signing.interaction_body(view_without_type)).status_code == 400
    no_callback = {"type": "message_action", "user": {"id": "U0QA1"}}  # no team, no callback_id
    assert app.slack(signing.interaction_body(no_callback)).status_code == 400


def test_an_unsigned_body_is_401_before_it_is_read(app: Harness) -> None:
    response = app.client.post("/slack/events", data=b"payload=%7Bnot-json",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401
