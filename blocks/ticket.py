"""Ticket messages: the parent in the team channel and the replies in its thread."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blocks import colours
from blocks.ids import ActionId
from blocks.people import PersonView, mention, name_of
from blocks.text import BUTTON_VALUE_MAX, FIELD_TEXT_MAX, SECTION_TEXT_MAX, safe, safe_url
from domain.tickets import DONE_STATUSES

Message = dict[str, Any]


@dataclass(frozen=True)
class TicketView:
    """What a parent message shows. Plain data: blocks never see the database."""

    id: str
    subject: str
    url: str
    priority: str
    status: str
    requester: PersonView
    assignee: PersonView | None
    due_lines: list[str] = field(default_factory=list)  # e.g. "First response: due 10:00 (in 25 min)"
    sla_colour: str | None = None


def _label(card: TicketView) -> str:
    return f"#{card.id}"


def fallback_text(card: TicketView) -> str:
    """The top-level `text`: notifications and screen readers show it."""
    return f"Ticket {safe(_label(card), 220)}: {safe(card.subject, 500)} ({card.priority}, {card.status})"


def parent_message(card: TicketView) -> Message:
    """The parent message: colour bar (attachment) wrapping the blocks, plus top-level text."""
    requester = name_of(card.requester)
    if card.requester.email:
        requester += f" ({safe(card.requester.email, 300)})"
    fields = [
        f"*Priority*\n{colours.PRIORITY_EMOJI.get(card.priority, '')} {card.priority}",
        f"*Status*\n{card.status.replace('_', ' ')}",
        f"*Assignee*\n{mention(card.assignee)}",
        f"*Requester*\n{requester}",
    ]
    blocks: list[dict[str, Any]] = [
        # mrkdwn, not a header: outside text is always escaped, whatever the block type.
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{safe(_label(card), 200)}* "
                                     f"{safe(card.subject, SECTION_TEXT_MAX - 300)}"}},
        {"type": "section",
         "fields": [{"type": "mrkdwn", "text": f[:FIELD_TEXT_MAX]} for f in fields]},
    ]
    if card.due_lines:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "\n".join(card.due_lines)[:SECTION_TEXT_MAX]}]})
    buttons: list[dict[str, Any]] = []
    url = safe_url(card.url)
    if url:
        buttons.append({"type": "button", "action_id": ActionId.OPEN_TICKET.value,
                        "text": {"type": "plain_text", "text": "Open in helpdesk"}, "url": url})
    buttons.append({"type": "button", "action_id": ActionId.QA_REVIEW.value,
                    "text": {"type": "plain_text", "text": "QA review"},
                    "value": card.id[:BUTTON_VALUE_MAX]})
    blocks.append({"type": "actions", "elements": buttons})
    colour = colours.ticket_colour(card.status, card.sla_colour)
    return {"text": fallback_text(card), "attachments": [{"color": colour, "blocks": blocks}],
            "unfurl_links": False, "unfurl_media": False}


def _reply(text: str, *, detail: str | None = None) -> Message:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if detail:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": detail}})
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def comment_reply(author: PersonView, public: bool, body: str) -> Message:
    kind = ":speech_balloon: *Public reply*" if public else ":lock: *Internal note*"
    return _reply(f"{kind} by {name_of(author) or 'someone'}",
                  detail=safe(body, SECTION_TEXT_MAX - 100) or "_(empty)_")


def status_reply(old: str, new: str) -> Message:
    if new == "closed" or (new == "solved" and old != "closed"):
        head = ":white_check_mark: *Closed*" if new == "closed" else ":white_check_mark: *Solved*"
        return _reply(f"{head} (was {old.replace('_', ' ')})")
    if old in DONE_STATUSES:
        return _reply(f":leftwards_arrow_with_hook: *Reopened*: {old} → {new.replace('_', ' ')}")
    return _reply(f":arrows_counterclockwise: Status: {old.replace('_', ' ')} → {new.replace('_', ' ')}")


def assignment_reply(old: PersonView | None, new: PersonView | None) -> Message:
    was = name_of(old) if old else "nobody"
    if new is None:
        return _reply(f":bust_in_silhouette: Unassigned (was {was})")
    return _reply(f":bust_in_silhouette: Assigned to {mention(new)} (was {was})")


def priority_reply(old: str, new: str) -> Message:
    return _reply(f":triangular_flag_on_post: Priority: {old} → {new}")
