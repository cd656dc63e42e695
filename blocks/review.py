"""The weekly review in the team channel: the parent message with the week's figures, and the
thread replies (each negative rating of the week; a note when there are more). Nothing here
names an agent unless the team's `per_agent` says so (`ReviewHeader.per_agent`)."""
from __future__ import annotations

from typing import Any

from blocks.ids import ActionId
from blocks.ratings import RatingView, score_label
from blocks.review_format import Line, summary_lines, week_range
from blocks.review_views import ReviewFigures, ReviewHeader
from blocks.text import FIELD_TEXT_MAX, SECTION_TEXT_MAX, safe, safe_url

Message = dict[str, Any]

GROUP_TITLES = (":ticket: *Tickets*", ":stopwatch: *SLA*", ":speech_balloon: *Customer ratings*",
                ":mag: *QA*")
MAX_NEGATIVE_REPLIES = 40  # one reply each; the rest are counted in a last reply


def _fields(lines: list[Line]) -> list[dict[str, Any]]:
    return [{"type": "mrkdwn", "text": f"*{label}*\n{value}"[:FIELD_TEXT_MAX]}
            for label, value in lines]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def title(header: ReviewHeader) -> str:
    return f"Weekly review · {header.team}"


def summary(header: ReviewHeader, figures: ReviewFigures, negatives: int) -> Message:
    """The parent message: the week's figures, each with its change against the week before."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(f"📊 {title(header)}", 150)},
        {"type": "context", "elements": [{"type": "mrkdwn", "text":
         f"The 7 days {safe(week_range(header.start, header.end, header.timezone), 200)}"}]},
    ]
    for heading, lines in zip(GROUP_TITLES, summary_lines(figures)):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": heading}})
        for start in range(0, len(lines), 10):  # a section holds at most 10 fields
            blocks.append({"type": "section", "fields": _fields(lines[start:start + 10])})
    thread = (f"The {negatives} negative rating{'s' if negatives != 1 else ''} of the week "
              "and a chart of the week by day are in the thread." if negatives
              else "No negative rating this week. A chart of the week by day is in the thread.")
    blocks += [{"type": "divider"},
               {"type": "context", "elements": [{"type": "mrkdwn", "text": f":thread: {thread}"}]}]
    text = (f"Weekly review of {header.team}: {figures.week.opened} tickets opened, "
            f"{figures.week.solved} solved, {figures.week.ratings.total} ratings")
    return {"text": safe(text, 300), "blocks": blocks, "unfurl_links": False,
            "unfurl_media": False}


def negative_reply(card: RatingView, show_agent: bool) -> Message:
    """One negative rating of the week: score, ticket, comment, follow-up status; the agent
    only when the team's `per_agent` is on (by name: a thread reply never pings them)."""
    ticket = f"#{safe(card.ticket_id, 200)} {safe(card.subject, 500)}"
    lines = [f"*Negative rating* · {score_label(card.score)} · {ticket}"]
    if show_agent and card.agent is not None:
        lines.append(f"*Agent*: {safe(card.agent.name, 200)}")
    comment = safe(card.comment, SECTION_TEXT_MAX - 700) if card.comment else "_No comment_"
    lines.append(f"*Comment*\n{comment}")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:SECTION_TEXT_MAX]}}]
    url = safe_url(card.url)
    if url:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": ActionId.OPEN_TICKET.value,
             "text": _plain("Open ticket", 75), "url": url}]})
    if card.followed_up_at is not None:
        status = ":white_check_mark: Followed up"
    else:
        status = ":hourglass: Not followed up yet"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": status}]})
    return {"text": f"Negative rating {score_label(card.score)} on ticket #{safe(card.ticket_id, 200)}",
            "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def more_negatives(shown: int, total: int) -> Message:
    rest = total - shown
    text = (f"… and {rest} more negative rating{'s' if rest != 1 else ''} this week "
            "(the leads have each one by DM).")
    return {"text": text, "blocks": [{"type": "context", "elements": [
        {"type": "mrkdwn", "text": text}]}]}
