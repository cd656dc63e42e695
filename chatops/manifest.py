"""The Slack app manifest this configuration needs (`chatops manifest`)."""
from __future__ import annotations

from typing import Any

import yaml

from chatops.config import AppConfig

BOT_SCOPES = [
    "chat:write",         # ticket threads, nudges, DMs
    "commands",           # the slash command and the message shortcut
    "users:read",         # users.lookupByEmail needs it …
    "users:read.email",   # … and this, to match helpdesk agents to Slack users
    "im:write",           # open DMs to leads and agents
    "files:write",        # the weekly review's chart, uploaded into its thread
]


def manifest(config: AppConfig, url: str, socket_mode: bool = False) -> dict[str, Any]:
    base = url.rstrip("/")
    events_url = f"{base}/slack/events"
    command: dict[str, Any] = {
        "command": config.slash_command,
        "description": "Support ChatOps: settings, rating visibility, leads, weekly review",
        "usage_hint": ("help | settings | visibility <team> <mode> | leads add|remove <team> <@user> "
                       "| review <team> | audit"),
        "should_escape": True,  # `leads add <team> @user` arrives as <@U…|name>
    }
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        command["url"] = events_url
        interactivity["request_url"] = events_url
    return {
        "display_information": {
            "name": "ChatOps Support",
            "description": "Ticket threads, SLA nudges, private ratings and QA reviews",
            "background_color": "#2c2d30",
        },
        "features": {
            "bot_user": {"display_name": "chatops", "always_online": True},
            "slash_commands": [command],
            "shortcuts": [{"name": "QA review", "type": "message", "callback_id": "qa_review",
                           "description": "Review this ticket against the QA checklist"}],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(config: AppConfig, url: str, socket_mode: bool = False) -> str:
    header = ("# Slack app manifest for chatops. Paste it at https://api.slack.com/apps →\n"
              "# Create New App → From a manifest.\n")
    return header + yaml.safe_dump(manifest(config, url, socket_mode), sort_keys=False,
                                   allow_unicode=True)
