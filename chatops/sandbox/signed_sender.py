"""Sends the page's actions to the app the way Slack and a helpdesk do: over HTTP to
`/slack/events` and `/webhooks/helpdesk` of the app's own server, signed with the secrets the
sandbox gave the app at start. The browser never holds a secret; the app checks every
signature as it checks Slack's (a sender with a wrong secret gets 401, nothing else)."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from chatops.tickets.signature import sign as helpdesk_signature

SLACK_PATH = "/slack/events"
HELPDESK_PATH = "/webhooks/helpdesk"
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Sent:
    """What the app answered."""

    path: str
    status: int  # 0: no answer (connection refused, timeout)
    body: bytes
    content_type: str = ""

    def json(self) -> Any:
        """The answer's JSON body, or None (Bolt acks with an empty body)."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class SignedSender:
    def __init__(self, app_url: str, slack_signing_secret: str, webhook_secret: str) -> None:
        self.app_url = app_url.rstrip("/")
        self.slack_signing = SignatureVerifier(slack_signing_secret)
        self.webhook_secret = webhook_secret

    def interaction(self, payload: dict[str, Any]) -> Sent:
        """An interaction (button, shortcut, modal): `payload=<json>`, form-encoded."""
        return self.slack_form({"payload": json.dumps(payload)})

    def slack_form(self, fields: dict[str, str]) -> Sent:
        body = urlencode(fields).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": self.slack_signing.generate_signature(
                       timestamp=timestamp, body=body) or ""}
        return self._post(SLACK_PATH, body, headers)

    def helpdesk(self, event: dict[str, Any]) -> Sent:
        body = json.dumps(event).encode()
        timestamp = int(time.time())
        headers = {"Content-Type": "application/json", "X-Chatops-Timestamp": str(timestamp),
                   "X-Chatops-Signature": helpdesk_signature(self.webhook_secret, timestamp, body)}
        return self._post(HELPDESK_PATH, body, headers)

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> Sent:
        request = urllib.request.Request(self.app_url + path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
                return Sent(path, answer.status, answer.read(),
                            answer.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as refused:
            return Sent(path, refused.code, refused.read(),
                        refused.headers.get("Content-Type", "") if refused.headers else "")
        except OSError as exc:  # refused, reset, timed out
            return Sent(path, 0, str(exc).encode())
