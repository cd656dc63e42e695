"""Freshdesk, through automation rules' "Trigger webhook" action (CONTRACT §4a).

Freshdesk signs nothing: each rule sends the header `X-Chatops-Token: <FRESHDESK_WEBHOOK_TOKEN>`
(custom headers of the action), compared in constant time. Its body is one README ships
(`"chatops": "freshdesk/1"`): Freshdesk has no event id, so the body builds one from the
rule's name, the ticket and the moment it was modified, which a retry (the same rendered
body) repeats.

With the rule's Encoding set to JSON, Freshdesk escapes every placeholder's value for a JSON
string (without the quotes around it: each placeholder sits inside quotes in the body), so
any subject keeps the body valid JSON; but `{{ticket.subject}}` is HTML-escaped first, and
`{{ticket.latest_public_comment}}` is `Author Name : <html>`. Statuses and priorities arrive
by name (statuses may be the account's own: app.yaml's `helpdesks.freshdesk.statuses`) or by
Freshdesk's numbers (statuses 2-5, priorities 1-4).
"""
from __future__ import annotations

import hashlib
import html
import logging
from datetime import datetime
from typing import Any, Literal

from chatops.config.helpdesks import FreshdeskConfig
from chatops.helpdesks.adapter import (
    Delivery,
    Mapped,
    TemplatePerson,
    Vendor,
    contract_event,
    event_id,
    lowered,
    moment,
    pick,
    plain_text,
    rejected_field,
    same,
    team_of,
    ticket_id,
    vendor,
)
from chatops.tickets.schema import EventRejected, Id
from domain.tickets import DONE_STATUSES, Priority, Status

log = logging.getLogger("chatops.webhook")

NAME = "freshdesk"
TOKEN = "x-chatops-token"

# The mapping, in one table each; app.yaml's `helpdesks.freshdesk.statuses` come first.
STATUSES: dict[str, Status] = {
    "open": "open", "pending": "pending", "resolved": "solved", "closed": "closed",
    "waiting on customer": "pending", "waiting on third party": "on_hold",
    "2": "open", "3": "pending", "4": "solved", "5": "closed",
}
UNKNOWN_STATUS: Status = "open"  # an account's own status no table names (logged)
PRIORITIES: dict[str, Priority] = {"low": "low", "medium": "normal", "high": "high",
                                   "urgent": "urgent", "1": "low", "2": "normal", "3": "high",
                                   "4": "urgent"}
SCORES = {"good": "good", "neutral": "neutral", "bad": "bad"}  # one rule per band, literal


class _Ticket(Vendor):
    id: Id
    subject: str = ""
    url: str = ""
    status: str = ""
    priority: str = ""
    group: str = ""
    created_on: str = ""
    modified_on: str = ""
    requester: TemplatePerson = TemplatePerson()
    agent: TemplatePerson = TemplatePerson()


class _Comment(Vendor):
    author_role: Literal["agent", "customer"] = "agent"
    public: bool = True
    body: str = ""


class _Rating(Vendor):
    score: str = ""


class _Body(Vendor):
    chatops: Literal["freshdesk/1"]
    event: Literal["ticket.created", "ticket.updated", "ticket.commented", "rating.created"]
    event_id: str = ""
    ticket: _Ticket
    comment: _Comment = _Comment()
    rating: _Rating = _Rating()


class Freshdesk:
    name = NAME
    answers_head = False

    def __init__(self, token: str, config: FreshdeskConfig) -> None:
        self.token = token
        self.statuses = {**STATUSES, **lowered(config.statuses)}
        self.teams = lowered(config.teams)

    def verify(self, delivery: Delivery) -> str | None:
        given = delivery.header(TOKEN)
        if not given:
            return "missing X-Chatops-Token (a custom header of the rule's webhook)"
        return None if same(given, self.token) else "X-Chatops-Token does not match"

    def events(self, delivery: Delivery, data: dict[str, Any]) -> Mapped:
        b = vendor(_Body, data)
        t = b.ticket
        occurred = _moment(t.modified_on) or delivery.received_at
        status = self._status(t.status)
        type_: str = b.event
        if type_ == "ticket.updated" and status in DONE_STATUSES:
            type_ = "ticket.closed"  # the snapshot rule decides what really changed
        ticket = {
            "id": ticket_id(NAME, t.id), "subject": html.unescape(t.subject), "url": t.url,
            "priority": self._priority(t.priority), "status": status,
            "team": team_of(self.teams, t.group),
            "requester": t.requester.event_person(NAME) or {"name": ""},
            "assignee": t.agent.event_person(NAME),
            "created_at": _moment(t.created_on) or occurred,
        }
        body: dict[str, Any] = {"id": event_id(NAME, _dedupe(b, delivery.body)), "type": type_,
                                "occurred_at": occurred, "ticket": ticket}
        if type_ == "ticket.commented":
            body["comment"] = _comment(b, t)
        if type_ == "rating.created":
            score = pick(SCORES, b.rating.score)
            if score is None:
                raise rejected_field("rating.score", f"{b.rating.score!r:.40} is not good, "
                                                     "neutral or bad")
            body["rating"] = {"id": f"{ticket['id']}:rating:{t.modified_on or b.event_id}"[:200],
                              "score": score, "agent": ticket["assignee"]}
        return Mapped((contract_event(body),))

    def _status(self, name: str) -> Status:
        status = pick(self.statuses, name)
        if status is None:
            log.warning("Freshdesk status %r is in no table: shown as %s (name it under "
                        "helpdesks.freshdesk.statuses in app.yaml)", name[:60], UNKNOWN_STATUS)
            return UNKNOWN_STATUS
        return status

    @staticmethod
    def _priority(name: str) -> Priority:
        priority = pick(PRIORITIES, name)
        if priority is None:
            raise EventRejected(f"ticket.priority: {name!r:.40} is not a Freshdesk priority",
                                "ticket.priority")
        return priority


def _dedupe(b: _Body, raw: bytes) -> str:
    """The body's event id, unless `{{ticket.modified_on}}` rendered empty (then it would be
    the same for every update): the body's own hash, which a retry repeats too."""
    if b.event_id and not b.event_id.endswith("-"):
        return b.event_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _comment(b: _Body, t: _Ticket) -> dict[str, Any]:
    """`{{ticket.latest_public_comment}}` (or the private one) is `Author Name : <html>`."""
    author, sep, text = b.comment.body.partition(" : ")
    author = author.strip() if sep else ""
    text = text if sep else b.comment.body
    # The ticket's agent or requester, by the rule's role: their email when it is them.
    side = t.agent if b.comment.author_role == "agent" else t.requester
    mine = not author or author == side.name
    return {"id": f"{t.id}:{t.modified_on or b.event_id}"[:200],
            "author": {"name": author or side.name, "email": (side.email or None) if mine else None},
            "author_role": b.comment.author_role, "public": b.comment.public,
            "body": plain_text(text)}


def _moment(text: str) -> datetime | None:
    """`{{ticket.modified_on}}` and `{{ticket.created_on}}` are not in Freshdesk's documented
    placeholders: ISO 8601, or Ruby's `2024-06-10 12:00:00 UTC` / `… +0530`; anything else
    (or nothing) leaves the moment to the caller."""
    text = text.strip()
    for candidate in (text, text.replace(" UTC", "+00:00"), text[:19] + text[19:].replace(" ", "")):
        found = moment(candidate)
        if found is not None:
            return found
    if text:
        log.warning("Freshdesk date %r not understood: the time of arrival is used", text[:40])
    return None
