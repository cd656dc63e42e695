"""Process settings from the environment (CONTRACT §2). Secrets live here, never in app.yaml."""
from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

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
    # The native helpdesk webhooks (CONTRACT §4a): each route answers 404 while its secret
    # is unset. ZENDESK_WEBHOOK_SECRET may list several secrets, comma-separated (the
    # event-subscription webhook and the CSAT trigger's webhook each have their own).
    zendesk_webhook_secret: str = ""
    jira_webhook_secret: str = ""
    intercom_client_secret: str = ""
    freshdesk_webhook_token: str = ""
    # Optional: Zendesk's REST API, to show people by name (webhooks carry only their ids).
    zendesk_api_email: str = ""
    zendesk_api_token: str = ""
    zendesk_api_url: str = ""  # default https://<helpdesks.zendesk.subdomain>.zendesk.com/api/v2/

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
            zendesk_webhook_secret=os.environ.get("ZENDESK_WEBHOOK_SECRET", ""),
            jira_webhook_secret=os.environ.get("JIRA_WEBHOOK_SECRET", ""),
            intercom_client_secret=os.environ.get("INTERCOM_CLIENT_SECRET", ""),
            freshdesk_webhook_token=os.environ.get("FRESHDESK_WEBHOOK_TOKEN", ""),
            zendesk_api_email=os.environ.get("ZENDESK_API_EMAIL", ""),
            zendesk_api_token=os.environ.get("ZENDESK_API_TOKEN", ""),
            zendesk_api_url=os.environ.get("ZENDESK_API_URL", ""),
        )

    def problems(self, socket_mode: bool = False) -> list[str]:
        """What is missing for `chatops serve` to work fully; it starts without them (and
        says so). Empty when all is well."""
        missing = []
        if not self.slack_bot_token:
            missing.append("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
        if not self.slack_signing_secret and not socket_mode:
            missing.append("SLACK_SIGNING_SECRET is not set (Basic Information → App Credentials)")
        if not self.webhook_secret:
            missing.append("CHATOPS_WEBHOOK_SECRET is not set (the helpdesk webhook's HMAC secret)")
        return missing

    def refusals(self, socket_mode: bool = False) -> list[str]:
        """What a process cannot start without, one line each; empty when all is well."""
        refused = []
        try:
            make_url(self.database_url)
        except ArgumentError:
            refused.append("DATABASE_URL is not a database URL (e.g. sqlite:///chatops.db or "
                           "postgresql+psycopg://user:pass@host/db)")
        if socket_mode and not self.slack_app_token:
            refused.append("--socket-mode needs SLACK_APP_TOKEN, the app-level token (xapp-…, "
                           "Basic Information → App-Level Tokens, scope connections:write)")
        elif socket_mode and not self.slack_app_token.startswith("xapp-"):
            refused.append(f"SLACK_APP_TOKEN must be an app-level token, xapp-… (it starts "
                           f"{self.slack_app_token[:5]!r})")
        return refused
