"""Zendesk's customer satisfaction ratings, which reach a webhook only through a trigger:
the body is the one README's "Zendesk" section ships (`"chatops": "zendesk-csat/1"`).

Zendesk renders a trigger's placeholders in the requester's language, so the score is a
literal of the trigger (one trigger for good, one for bad) and the ticket's status and
priority are not sent at all: the event is a partial snapshot, which never moves a known
ticket's state (a ticket first seen through its rating is shown solved). Free text
(subject, names, the rating's comment) sits inside JSON strings, which Zendesk escapes when
the webhook's request format is JSON. The trigger has no event id: the dedupe id is the
`X-Zendesk-Webhook-Invocation-Id` header, and the rating's own id is the ticket and the
moment it was updated, so the same rating twice is one rating.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from chatops.helpdesks.adapter import (
    Delivery,
    Mapped,
    TemplatePerson,
    Vendor,
    contract_event,
    event_id,
    moment,
    pick,
    rejected_field,
    ticket_id,
    vendor,
)
from chatops.tickets.schema import Id

NAME = "zendesk"
INVOCATION = "x-zendesk-webhook-invocation-id"
# Zendesk's satisfaction scores (the legacy CSAT: good / bad, with or without a comment)
# → the contract's score.
SCORES = {"good": "good", "good_with_comment": "good", "bad": "bad", "bad_with_comment": "bad"}
# What a ticket first seen through its rating is shown as (CSAT comes after a solve).
STATUS_UNKNOWN, PRIORITY_UNKNOWN = "solved", "normal"


class _Ticket(Vendor):
    id: Id
    subject: str = ""
    url: str = ""
    created_at: str = ""
    updated_at: str = ""
    requester: TemplatePerson = TemplatePerson()
    assignee: TemplatePerson = TemplatePerson()


class _Rating(Vendor):
    comment: str = ""


class _Csat(Vendor):
    chatops: Literal["zendesk-csat/1"]
    score: str
    ticket: _Ticket
    rating: _Rating = _Rating()


def csat_events(data: dict[str, Any], delivery: Delivery, link: Callable[[str], str]) -> Mapped:
    """The rating.created event of one CSAT trigger call."""
    csat = vendor(_Csat, data)
    score = pick(SCORES, csat.score)
    if score is None:
        raise rejected_field("score", f"{csat.score!r:.40} is not good or bad")
    invocation = delivery.header(INVOCATION)
    if not invocation:
        raise rejected_field("X-Zendesk-Webhook-Invocation-Id", "the header is missing")
    t = csat.ticket
    occurred = _moment(t.updated_at, "ticket.updated_at") or delivery.received_at
    agent = t.assignee.event_person(NAME)
    ticket = {
        "id": ticket_id(NAME, t.id), "subject": t.subject,
        "url": t.url if t.url.startswith(("https://", "http://")) else link(t.id),
        "priority": PRIORITY_UNKNOWN, "status": STATUS_UNKNOWN,
        "requester": t.requester.event_person(NAME) or {"name": ""}, "assignee": agent,
        "created_at": _moment(t.created_at, "ticket.created_at") or occurred,
    }
    rating = {"id": f"{ticket['id']}:csat:{t.updated_at or invocation}"[:200], "score": score,
              "comment": csat.rating.comment or None, "agent": agent}
    return Mapped((contract_event({
        "id": event_id(NAME, invocation), "type": "rating.created", "occurred_at": occurred,
        "ticket": ticket, "rating": rating, "partial": True}),))


def _moment(text: str, field: str) -> datetime | None:
    """A `{{…_with_timestamp}}` placeholder's date; None when it rendered empty."""
    found = moment(text)
    if found is None and text.strip():
        raise rejected_field(field, f"{text!r:.40} is not a date")
    return found
