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
