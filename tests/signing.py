"""Requests signed exactly as Slack and the helpdesk sign them."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from chatops.tickets.signature import sign as helpdesk_sign

WEBHOOK_SECRET = "test-webhook-secret"
SLACK_SIGNING_SECRET = "test-slack-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def helpdesk_headers(body: bytes, *, secret: str = WEBHOOK_SECRET,
                     timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "X-Chatops-Timestamp": str(ts),
            "X-Chatops-Signature": helpdesk_sign(secret, ts, body)}


def slack_headers(body: bytes, *, secret: str = SLACK_SIGNING_SECRET,
                  timestamp: int | None = None, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:".encode() + body
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig}


def slash_body(command: str, text: str, user_id: str, *, channel_id: str = "C0SUPPORT",
               trigger_id: str = "trig-1") -> bytes:
    return urlencode({"token": "legacy", "team_id": "T0FAKE", "team_domain": "fake",
                      "channel_id": channel_id, "channel_name": "support", "user_id": user_id,
                      "user_name": user_id.lower(), "command": command, "text": text,
                      "api_app_id": "A0APP", "response_url": "https://hooks.invalid/resp",
                      "trigger_id": trigger_id}).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()
