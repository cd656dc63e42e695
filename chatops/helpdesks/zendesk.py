"""Zendesk (CONTRACT §4a): webhooks subscribed to ticket events, and the CSAT trigger's body
(`zendesk_csat.py`), on one route.

Signature (developer.zendesk.com/documentation/webhooks/verifying): `X-Zendesk-Webhook-
Signature` = base64 HMAC-SHA256(signing secret, `X-Zendesk-Webhook-Signature-Timestamp` +
raw body); the timestamp is an ISO 8601 date (`2021-03-25T05:09:27Z`), and we accept it
within 300 s. Each webhook has its own signing secret, so ZENDESK_WEBHOOK_SECRET may list
several, comma-separated.

Event subscriptions (developer.zendesk.com/api-reference/webhooks/event-types/ticket-events)
send `type: zen:event-type:ticket.<kind>`, an event `id`, `time`, the ticket after the change
in `detail` (ids only for people: `assignee_id`, `requester_id`), and the change in `event`.
Their codes are fixed, unlike trigger placeholders, which Zendesk renders in the requester's
language: so ticket changes come from event subscriptions, and only CSAT from a trigger.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from chatops.config.helpdesks import ZendeskConfig
from chatops.helpdesks.adapter import (
    Delivery,
    Mapped,
    Vendor,
    contract_event,
    event_id,
    lowered,
    pick,
    rejected_field,
    same,
    team_of,
    ticket_id,
    vendor,
)
from chatops.helpdesks.zendesk_csat import csat_events
from chatops.tickets.schema import EventRejected, Id
from chatops.tickets.signature import MAX_SKEW_SECONDS
from domain.recipients import person_ref
from domain.tickets import DONE_STATUSES, Priority, Status

NAME = "zendesk"
PREFIX = "zen:event-type:"
SIGNATURE = "x-zendesk-webhook-signature"
TIMESTAMP = "x-zendesk-webhook-signature-timestamp"

# The mapping, in one table each. Zendesk writes statuses and priorities in capitals in
# events (`OPEN`, `HOLD`) and in lower case elsewhere: matched whatever their case.
STATUSES: dict[str, Status] = {"new": "new", "open": "open", "pending": "pending",
                               "hold": "on_hold", "solved": "solved", "closed": "closed"}
PRIORITIES: dict[str, Priority] = {"urgent": "urgent", "high": "high", "normal": "normal",
                                   "low": "low"}
NO_PRIORITY: Priority = "normal"  # a Zendesk ticket may have none
# The ticket event kinds the app uses → the contract's type (a status change is decided by
# its statuses, below); any other kind is answered "ignored".
KINDS: dict[str, str | None] = {
    "created": "ticket.created",
    "comment_added": "ticket.commented",
    "status_changed": None,
    "custom_status_changed": "ticket.updated",
    "priority_changed": "ticket.updated",
    "agent_assignment_changed": "ticket.updated",
    "group_assignment_changed": "ticket.updated",
    "subject_changed": "ticket.updated",
    "requester_changed": "ticket.updated",
}
AUTHOR_ROLES = {True: "agent", False: "customer"}  # by the comment author's `is_staff`


class _Detail(Vendor):
    id: Id
    subject: str | None = None
    status: str | None = None
    priority: str | None = None
    assignee_id: Id | None = None
    requester_id: Id | None = None
    group_id: Id | None = None
    created_at: datetime


class _Author(Vendor):
    id: Id | None = None
    name: str | None = None
    is_staff: bool = False


class _Comment(Vendor):
    id: Id
    body: str | None = None
    is_public: bool = True
    author: _Author = _Author()


class _Change(Vendor):
    current: Any = None
    previous: Any = None
    comment: _Comment | None = None


class _TicketEvent(Vendor):
    type: str
    id: Id
    time: datetime
    detail: _Detail
    event: _Change = _Change()


class Zendesk:
    name = NAME
    answers_head = False

    def __init__(self, secrets: str, config: ZendeskConfig) -> None:
        self.secrets = [s.strip() for s in secrets.split(",") if s.strip()]
        self.config = config
        self.teams = lowered(config.teams)

    def verify(self, delivery: Delivery) -> str | None:
        signature, stamp = delivery.header(SIGNATURE), delivery.header(TIMESTAMP)
        if not signature or not stamp:
            return "missing X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp"
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return f"timestamp {stamp[:40]!r} is not an ISO 8601 date"
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        skew = (delivery.received_at - moment).total_seconds()
        if abs(skew) > MAX_SKEW_SECONDS:
            return f"timestamp is {int(skew)} s off (more than {MAX_SKEW_SECONDS} s)"
        signed = stamp.encode() + delivery.body
        for secret in self.secrets:
            mac = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
            if same(signature, base64.b64encode(mac).decode()):
                return None
        return "signature does not match"

    def events(self, delivery: Delivery, data: dict[str, Any]) -> Mapped:
        kind = data.get("type")
        if isinstance(kind, str) and kind.startswith(PREFIX + "ticket."):
            return self._ticket_event(data)
        if isinstance(kind, str) and kind.startswith(PREFIX):
            return Mapped.ignore(kind)  # user, organization, help center events …
        if "chatops" in data:
            return csat_events(data, delivery, self.link)
        raise rejected_field("type", "neither a Zendesk event (zen:event-type:…) nor the body "
                                     "of chatops' CSAT trigger")

    def link(self, number: str) -> str:
        """The agent's URL of a ticket (none without `helpdesks.zendesk.subdomain`)."""
        sub = self.config.subdomain
        return f"https://{sub}.zendesk.com/agent/tickets/{number}" if sub else ""

    def _ticket_event(self, data: dict[str, Any]) -> Mapped:
        kind = str(data["type"])[len(PREFIX + "ticket."):]
        if kind not in KINDS:
            return Mapped.ignore(str(data["type"]))
        z = vendor(_TicketEvent, data)
        status = pick(STATUSES, z.detail.status)
        if status is None:  # DELETED, ARCHIVED, SCRUBBED: nothing to show in Slack
            return Mapped.ignore(f"{z.type} (status {z.detail.status})")
        priority = pick(PRIORITIES, z.detail.priority) if z.detail.priority else NO_PRIORITY
        if priority is None:
            raise rejected_field("detail.priority", f"{z.detail.priority!r:.40} is not a "
                                                    "Zendesk priority")
        type_ = KINDS[kind] or _status_change(z.event)
        body: dict[str, Any] = {
            "id": event_id(NAME, z.id), "type": type_, "occurred_at": z.time,
            "ticket": self._ticket(z.detail, status, priority)}
        if type_ == "ticket.commented":
            body["comment"] = _comment(z.event.comment)
        return Mapped((contract_event(body),))

    def _ticket(self, d: _Detail, status: str, priority: str) -> dict[str, Any]:
        assignee = person_ref(NAME, d.assignee_id)
        return {
            "id": ticket_id(NAME, d.id), "subject": d.subject or "", "url": self.link(d.id),
            "priority": priority, "status": status, "team": team_of(self.teams, d.group_id),
            "requester": {"name": "", "ref": person_ref(NAME, d.requester_id)},
            "assignee": {"name": "", "ref": assignee} if assignee else None,
            "created_at": d.created_at,
        }


def _status_change(change: _Change) -> str:
    """Solved or closed from another status closes the ticket; the other way reopens it."""
    now = pick(STATUSES, str(change.current or ""))
    before = pick(STATUSES, str(change.previous or ""))
    if now in DONE_STATUSES and before not in DONE_STATUSES:
        return "ticket.closed"
    if before in DONE_STATUSES and now not in DONE_STATUSES:
        return "ticket.reopened"
    return "ticket.updated"


def _comment(comment: _Comment | None) -> dict[str, Any]:
    if comment is None:
        raise EventRejected("event.comment: a comment_added event needs its comment",
                            "event.comment")
    author = comment.author
    return {"id": comment.id, "public": comment.is_public, "body": comment.body or "",
            "author": {"name": author.name or "", "ref": person_ref(NAME, author.id)},
            "author_role": AUTHOR_ROLES[author.is_staff]}
