"""Customer rating DMs: the lead's (flagged when negative, with `Followed up`) and the agent's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blocks import colours
from blocks.dates import slack_date
from blocks.ids import ActionId
from blocks.people import PersonView, mention
from blocks.text import FIELD_TEXT_MAX, SECTION_TEXT_MAX, safe, safe_url
from domain.ratings import POSITIVE_SCORES

Message = dict[str, Any]

LABELS = {"good": ":slightly_smiling_face: good", "neutral": ":neutral_face: neutral",
          "bad": ":disappointed: bad"}


@dataclass(frozen=True)
class RatingView:
    """What a rating DM shows. Plain data: blocks never see the database."""

    key: int  # our id of the rating: the `Followed up` button's value
    ticket_id: str
    subject: str
    url: str
    score: str  # good | neutral | bad | 1 … 5
    negative: bool
    comment: str | None
    agent: PersonView | None
    followed_up_by: str | None = None  # Slack user id
    followed_up_at: datetime | None = None


def score_label(score: str) -> str:
    """`:disappointed: bad`, or stars for 1–5: `★★☆☆☆ 2/5`."""
    if score.isdigit():
        n = max(0, min(5, int(score)))
        return f"{'★' * n}{'☆' * (5 - n)} {n}/5"
    return LABELS.get(score, safe(score, 20))


def _ticket(card: RatingView) -> str:
    return f"#{safe(card.ticket_id, 200)} {safe(card.subject, 500)}"


def _colour(card: RatingView) -> str:
    if card.negative:
        return colours.RATING_NEGATIVE
    if card.score in POSITIVE_SCORES:
        return colours.RATING_POSITIVE
    return colours.RATING_NEUTRAL


def _comment(card: RatingView) -> dict[str, Any]:
    text = safe(card.comment, SECTION_TEXT_MAX - 20) if card.comment else "_No comment_"
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*Comment*\n{text}"}}


def _open_ticket(card: RatingView) -> list[dict[str, Any]]:
    url = safe_url(card.url)
    if not url:
        return []
    return [{"type": "button", "action_id": ActionId.OPEN_TICKET.value,
             "text": {"type": "plain_text", "text": "Open ticket"}, "url": url}]


def _wrap(text: str, colour: str, blocks: list[dict[str, Any]]) -> Message:
    return {"text": text, "attachments": [{"color": colour, "blocks": blocks}],
            "unfurl_links": False, "unfurl_media": False}


def lead_dm(card: RatingView) -> Message:
    """The DM every lead of the team gets: score, comment, agent, ticket link."""
    head = (":rotating_light: *Negative customer rating*" if card.negative
            else ":star: *Customer rating*")
    fields = [f"*Score*\n{score_label(card.score)}",
              f"*Agent*\n{mention(card.agent, nobody='_unknown_')}",
              f"*Ticket*\n{_ticket(card)}"]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": head}},
        {"type": "section",
         "fields": [{"type": "mrkdwn", "text": f[:FIELD_TEXT_MAX]} for f in fields]},
        _comment(card),
    ]
    buttons = _open_ticket(card)
    if card.negative and card.followed_up_by is None:
        buttons.append({"type": "button", "action_id": ActionId.RATING_FOLLOWED_UP.value,
                        "text": {"type": "plain_text", "text": "Followed up"},
                        "style": "primary", "value": str(card.key)})
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    if card.followed_up_by is not None and card.followed_up_at is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                       f":white_check_mark: Followed up by <@{card.followed_up_by}> "
                       f"{slack_date(card.followed_up_at)}"}]})
    flag = "Negative rating" if card.negative else "Rating"
    text = f"{flag} {score_label(card.score)} on ticket #{safe(card.ticket_id, 200)}"
    return _wrap(text, _colour(card), blocks)


def agent_dm(card: RatingView, with_comment: bool) -> Message:
    """The rated agent's DM: the score alone, or the score and the comment."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text":
         f":star: A customer rated your ticket {_ticket(card)}\n"
         f"*Score*: {score_label(card.score)}"}},
    ]
    if with_comment:
        blocks.append(_comment(card))
    buttons = _open_ticket(card)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    text = f"A customer rated your ticket #{safe(card.ticket_id, 200)}: {score_label(card.score)}"
    return _wrap(text, _colour(card), blocks)
