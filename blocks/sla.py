"""SLA messages: due lines on the parent, nudges in the thread, DMs to the assignee and leads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from blocks.dates import human_duration, slack_date
from blocks.ids import ActionId
from blocks.people import PersonView, mention
from blocks.text import SECTION_TEXT_MAX, safe, safe_url

Message = dict[str, Any]

TARGET_LABEL = {"first_response": "First response", "resolution": "Resolution"}


@dataclass(frozen=True)
class DueLine:
    """One target as the parent shows it."""

    target: str  # first_response | resolution
    state: str  # running | breached | paused | met
    due_at: datetime | None
    remaining: timedelta  # working time left (negative: overdue)


def due_line(line: DueLine, timezone: str) -> str:
    label = TARGET_LABEL.get(line.target, line.target)
    if line.state == "met":
        if line.remaining < timedelta(0):
            return f":white_check_mark: *{label}* met, {human_duration(line.remaining)} late"
        return f":white_check_mark: *{label}* met"
    if line.state == "paused":
        left = (f"{human_duration(line.remaining)} left" if line.remaining > timedelta(0)
                else f"{human_duration(line.remaining)} overdue")
        return f":double_vertical_bar: *{label}* paused, {left}"
    assert line.due_at is not None
    if line.state == "breached":
        return f":rotating_light: *{label}* overdue since {slack_date(line.due_at, timezone)}"
    return f":hourglass_flowing_sand: *{label}* due {slack_date(line.due_at, timezone)}"


@dataclass(frozen=True)
class NudgeView:
    """A mark crossed by one target of one ticket: everything its messages show."""

    ticket_id: str
    subject: str
    url: str
    priority: str
    target: str
    mark: float  # fraction of time left at the mark; 0 = breached
    colour: str  # "#RRGGBB"
    due_at: datetime | None
    remaining: timedelta  # working time left now (negative: overdue)
    assignee: PersonView | None
    timezone: str  # for dates written out in full

    @property
    def breach(self) -> bool:
        return self.mark <= 0

    @property
    def label(self) -> str:
        return TARGET_LABEL.get(self.target, self.target)

    def headline(self) -> str:
        """Plain words, no markup: `First response: less than 25% of the time left (7 min)`."""
        if self.breach:
            late = f" ({human_duration(self.remaining)} overdue)" if self.remaining < timedelta(0) else ""
            return f"{self.label} target breached{late}"
        return (f"{self.label}: less than {self.mark:.0%} of the time left "
                f"({human_duration(self.remaining)})")


def _ticket_ref(n: NudgeView) -> str:
    return f"*#{safe(n.ticket_id, 200)}* {safe(n.subject, 500)}"


def _due(n: NudgeView) -> str:
    if n.due_at is None:
        return ""
    return f", {'was ' if n.breach else ''}due {slack_date(n.due_at, n.timezone)}"


def _coloured(n: NudgeView, text: str, detail: str) -> Message:
    section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn",
                                                           "text": text[:SECTION_TEXT_MAX]}}
    url = safe_url(n.url)
    if url:
        section["accessory"] = {"type": "button", "action_id": ActionId.OPEN_TICKET.value,
                                "text": {"type": "plain_text", "text": "Open in helpdesk"},
                                "url": url}
    blocks = [section, {"type": "context", "elements": [
        {"type": "mrkdwn", "text": detail[:SECTION_TEXT_MAX]}]}]
    return {"text": text[:SECTION_TEXT_MAX], "attachments": [{"color": n.colour, "blocks": blocks}],
            "unfurl_links": False, "unfurl_media": False}


def _icon(n: NudgeView) -> str:
    return ":rotating_light:" if n.breach else ":hourglass_flowing_sand:"


def nudge_reply(n: NudgeView) -> Message:
    """The thread reply: the mark's colour, mentioning the assignee."""
    text = f"{_icon(n)} *{n.headline()}*{_due(n)}. {mention(n.assignee)}"
    return _coloured(n, text, f"{_ticket_ref(n)} · {n.priority}")


def assignee_dm(n: NudgeView) -> Message:
    """The DM to the assignee."""
    text = f"{_icon(n)} #{safe(n.ticket_id, 200)}: *{n.headline()}*{_due(n)}"
    return _coloured(n, text, f"{_ticket_ref(n)} · {n.priority} · assigned to you")


def lead_breach_dm(n: NudgeView) -> Message:
    """The DM to each lead of the team when a target is breached."""
    text = (f":rotating_light: Breach on #{safe(n.ticket_id, 200)}: *{n.headline()}*{_due(n)}. "
            f"Assignee: {mention(n.assignee)}")
    return _coloured(n, text, f"{_ticket_ref(n)} · {n.priority}")
