"""Process settings from the environment (CONTRACT §2). Secrets live here, never in app.yaml."""
from __future__ import annotations

import os
from dataclasses import dataclass

from db.session import DEFAULT_URL

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Environment:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_app_token: str = ""
    database_url: str = DEFAULT_URL
    webhook_secret: str = ""

    @classmethod
    def from_os(cls) -> Environment:
        api = os.environ.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        return cls(
            slack_bot_token=os.environ.get("SLACK_BOT_TOKEN", ""),
            slack_signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
            slack_api_url=api if api.endswith("/") else api + "/",
            slack_app_token=os.environ.get("SLACK_APP_TOKEN", ""),
            database_url=os.environ.get("DATABASE_URL") or DEFAULT_URL,
            webhook_secret=os.environ.get("CHATOPS_WEBHOOK_SECRET", ""),
        )

    def problems(self, socket_mode: bool = False) -> list[str]:
        """What is missing for `chatops serve` to work; empty when all is well."""
        missing = []
        if not self.slack_bot_token:
            missing.append("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
        if not self.slack_signing_secret and not socket_mode:
            missing.append("SLACK_SIGNING_SECRET is not set (Basic Information → App Credentials)")
        if not self.webhook_secret:
            missing.append("CHATOPS_WEBHOOK_SECRET is not set (the helpdesk webhook's HMAC secret)")
        if socket_mode and not self.slack_app_token:
            missing.append("SLACK_APP_TOKEN is not set (xapp-…, needed by --socket-mode)")
        return missing
