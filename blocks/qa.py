"""What QA's modals and DMs show, as plain data (blocks never see the database), and how a
person and a score are written in them."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from blocks.dates import slack_date
from blocks.people import PersonView
from blocks.text import escape, safe, safe_url
from domain.qa import Result, Signals

LINK_MAX = 1500


@dataclass(frozen=True)
class ChecklistItem:
    """One item of `qa.checklist` (as configured now, or as stored with a review)."""

    id: str
    text: str
    weight: int = 1
    critical: bool = False


@dataclass(frozen=True)
class TicketLine:
    """The ticket a modal or DM is about."""

    id: str
    subject: str
    url: str


@dataclass(frozen=True)
class ChecklistForm:
    """The `qa_checklist` modal: the ticket, its agent, the items, and what is known so far."""

    ticket: TicketLine
    agent: PersonView | None
    items: tuple[ChecklistItem, ...]
    metadata: str  # the typed private_metadata, already JSON
    signals: Signals | None = None  # None: still looking at the ticket's history
    prefill: Mapping[str, Result] = field(default_factory=dict)  # item id → result
    comment: str | None = None
    correcting: CorrectionNote | None = None


@dataclass(frozen=True)
class CorrectionNote:
    """Shown at the top of a checklist that corrects a review after an accepted appeal."""

    score: int
    reviewer: str  # Slack user id
    reason: str  # the agent's appeal


@dataclass(frozen=True)
class ReviewCard:
    """One stored review, as its DMs show it."""

    review_id: int
    ticket: TicketLine
    agent: PersonView | None
    reviewer: str  # Slack user id
    reviewed_at: datetime
    score: int
    passed: bool
    critical_failed: bool
    pass_mark: int
    failed: tuple[ChecklistItem, ...]  # as configured when reviewed
    comment: str | None
    correction: bool = False  # it corrects an earlier review after an accepted appeal
    timezone: str = "UTC"


@dataclass(frozen=True)
class AppealCard:
    """An appeal of a review, and its decision once taken."""

    appeal_id: int
    agent: str  # the Slack user who appealed
    reason: str
    opened_at: datetime
    status: str  # open | accepted | rejected
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    corrected: ReviewCard | None = None  # the correction, once accepted and stored


def person(who: PersonView | None, *, nobody: str = "_unknown_") -> str:
    """A person in a modal: a mention when their Slack id is known, else their name (modals
    are not sent through delivery, which resolves emails in DMs)."""
    if who is None:
        return nobody
    if who.user_id:
        return f"<@{who.user_id}>"
    return safe(who.name, 200) or "someone"


def ticket_link(ticket: TicketLine) -> str:
    """`*#1001* Subject` with a link to the helpdesk when the ticket has one."""
    head = f"*#{safe(ticket.id, 200)}* {safe(ticket.subject, 500)}"
    url = safe_url(ticket.url)
    link = escape(url) if url else ""
    # A link longer than this would crowd the message's text out of Slack's limits: left out.
    return f"{head} (<{link}|open in helpdesk>)" if link and len(link) <= LINK_MAX else head


def score_line(card: ReviewCard) -> str:
    if card.critical_failed:
        return f"*{card.score}/100* · :x: a critical item failed"
    if card.passed:
        return f"*{card.score}/100* · :white_check_mark: passed (pass mark {card.pass_mark})"
    return f"*{card.score}/100* · :x: below the pass mark ({card.pass_mark})"


def quote(text: str | None, limit: int) -> str:
    """Outside text as a mrkdwn quote, escaped and shortened; `_none_` when empty."""
    if not text:
        return "_none_"
    return "\n".join(f">{line}" for line in safe(text, limit).splitlines() or [""])


def when(moment: datetime, card: ReviewCard | None = None) -> str:
    return slack_date(moment, card.timezone if card else "UTC")
