"""Teams cards: an Adaptive Card 1.4 envelope (Workflows webhooks) and a MessageCard (legacy
Office 365 connectors), always built together; the sender picks one by the webhook URL."""
from __future__ import annotations

import re
from typing import Any

from blocks.colours import teams_style
from blocks.dates import human_duration, plain_date
from blocks.sla import NudgeView
from blocks.text import safe_url, shorten

Card = dict[str, Any]
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def teams_text(text: str | None, limit: int) -> str:
    """Outside text made inert for Teams' markdown (no links, no emphasis), then shortened."""
    return shorten(_MARKDOWN.sub(r"\\\1", text or ""), limit)


def adaptive_card(title: str, lines: list[str], colour: str, url: str | None) -> Card:
    """Workflows envelope: a Container in the colour's named style; the hex is in the text."""
    items: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
        *({"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"} for line in lines),
        {"type": "TextBlock", "text": f"Colour: {colour}", "isSubtle": True, "size": "Small",
         "spacing": "Small"},
    ]
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.4",
        "body": [{"type": "Container", "style": teams_style(colour), "bleed": True,
                  "items": items}],
        "msteams": {"width": "Full"},
    }
    if url:
        content["actions"] = [{"type": "Action.OpenUrl", "title": "Open in helpdesk", "url": url}]
    return {"type": "message",
            "attachments": [{"contentType": ADAPTIVE, "contentUrl": None, "content": content}]}


def message_card(title: str, lines: list[str], colour: str, url: str | None) -> Card:
    """Legacy connector MessageCard with `themeColor`, built by pymsteams (loaded here, by the
    process that renders Teams cards: it brings `requests` along)."""
    import pymsteams

    card = pymsteams.connectorcard(None)
    card.title(title)
    card.text("\n\n".join(lines) or title)
    card.color(colour)
    card.summary(title)
    if url:
        card.addLinkButton("Open in helpdesk", url)
    payload: Card = dict(card.payload)
    payload.setdefault("@type", "MessageCard")
    payload.setdefault("@context", "https://schema.org/extensions")
    return payload


def cards(title: str, lines: list[str], colour: str, url: str | None) -> Card:
    """The outbox payload of `outbox.teams_card`: both formats."""
    return {"adaptive": adaptive_card(title, lines, colour, url),
            "legacy": message_card(title, lines, colour, url)}


def nudge_cards(n: NudgeView) -> Card:
    """An SLA nudge or breach for the team's Teams channel."""
    icon = "🚨" if n.breach else "⏳"
    title = f"{icon} #{teams_text(n.ticket_id, 100)}: {n.headline()}"
    lines = [f"**{teams_text(n.subject, 500)}** ({n.priority})"]
    if n.due_at is not None:
        lines.append(f"{'Was due' if n.breach else 'Due'} {plain_date(n.due_at, n.timezone)}"
                     + (f", {human_duration(n.remaining)} overdue" if n.breach and
                        n.remaining.total_seconds() < 0 else ""))
    lines.append(f"Assignee: {teams_text(n.assignee.name, 200) if n.assignee else 'nobody'}")
    return cards(title, lines, n.colour, safe_url(n.url))
