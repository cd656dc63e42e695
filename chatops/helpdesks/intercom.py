"""Intercom conversations (CONTRACT §4a).

Signature (developers.intercom.com, "Webhook models": signed notifications):
`X-Hub-Signature: sha1=<hex HMAC-SHA1(the app's client secret, raw body)>`, no timestamp:
the notification `id` is the dedupe id and so the only guard against a replay. When a
webhook is saved, Intercom checks the URL with a HEAD request ("Setting up webhooks") and
sends a `ping` notification: both get 200, the ping "ignored".

A notification (`type: notification_event`) names its `topic` and carries the conversation in
`data.item`: its state, priority, assignee (an admin id), the customer's first message in
`source`, and in `conversation_parts` only the part(s) the notification is about. So one
notification may be several events: the change, then each part with text as a comment.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chatops.config.helpdesks import IntercomConfig
from chatops.helpdesks.adapter import (
    Delivery,
    Mapped,
    Vendor,
    contract_event,
    event_id,
    hub_signature_ok,
    lowered,
    pick,
    plain_text,
    rejected_field,
    team_of,
    ticket_id,
    vendor,
)
from chatops.tickets.schema import HelpdeskEvent, Id
from domain.recipients import person_ref
from domain.tickets import Priority, Status

NAME = "intercom"
SIGNATURE = "x-hub-signature"

# The mapping, in one table each.
TOPICS: dict[str, str] = {  # the topics the app uses → the contract's type
    "conversation.user.created": "ticket.created",
    "conversation.admin.single.created": "ticket.created",
    "conversation.user.replied": "ticket.commented",
    "conversation.admin.replied": "ticket.commented",
    "conversation.admin.noted": "ticket.commented",
    "conversation.operator.replied": "ticket.commented",
    "conversation.admin.closed": "ticket.closed",
    "conversation.admin.opened": "ticket.reopened",
    "conversation.admin.assigned": "ticket.updated",
    "conversation.admin.open.assigned": "ticket.updated",
    "conversation.admin.snoozed": "ticket.updated",
    "conversation.admin.unsnoozed": "ticket.updated",
    "conversation.priority.updated": "ticket.updated",
    "conversation.rating.added": "rating.created",
}
# A closed conversation reopens when the customer writes again, as a solved Zendesk ticket.
STATES: dict[str, Status] = {"open": "open", "snoozed": "pending", "closed": "solved"}
PRIORITIES: dict[str, Priority] = {  # API 2.x, then the Preview API's levels
    "priority": "high", "not_priority": "normal",
    "urgent": "urgent", "high": "high", "medium": "normal", "low": "low", "none": "normal",
}
ROLES = {"admin": "agent", "user": "customer", "lead": "customer", "contact": "customer",
         "bot": "bot"}  # by a part's author type; Fin and other bots are neither side
NOTES = {"note"}  # part types that are internal
SUBJECT_KEEP = 120  # a conversation without a title is named by its first words


class _Author(Vendor):
    type: str | None = None
    id: Id | None = None
    name: str | None = None
    email: str | None = None


class _Part(Vendor):
    id: Id
    part_type: str | None = None
    body: str | None = None
    created_at: datetime | None = None
    author: _Author = _Author()


class _Parts(Vendor):
    conversation_parts: list[_Part] = []


class _Source(Vendor):
    id: Id | None = None
    subject: str | None = None
    body: str | None = None
    author: _Author = _Author()


class _Rating(Vendor):
    rating: int
    remark: str | None = None
    created_at: datetime | None = None
    teammate: _Author | None = None


class _Conversation(Vendor):
    id: Id
    title: str | None = None
    created_at: datetime
    updated_at: datetime | None = None
    state: str = "open"
    priority: str | None = None
    admin_assignee_id: Id | None = None
    team_assignee_id: Id | None = None
    source: _Source = _Source()
    conversation_parts: _Parts = _Parts()
    conversation_rating: _Rating | None = None


class _Data(Vendor):
    item: _Conversation


class _Notification(Vendor):
    id: Id
    topic: str
    app_id: str = ""
    created_at: datetime
    links: dict[str, Any] = {}
    data: _Data


class Intercom:
    name = NAME
    answers_head = True

    def __init__(self, secret: str, config: IntercomConfig) -> None:
        self.secret = secret
        self.teams = lowered(config.teams)

    def verify(self, delivery: Delivery) -> str | None:
        signature = delivery.header(SIGNATURE)
        if not signature:
            return "missing X-Hub-Signature"
        if not hub_signature_ok(signature, self.secret, delivery.body, "sha1"):
            return "signature does not match"
        return None

    def events(self, delivery: Delivery, data: dict[str, Any]) -> Mapped:
        topic = data.get("topic")
        if not isinstance(topic, str):
            raise rejected_field("topic", "missing: not an Intercom notification")
        if topic not in TOPICS:
            return Mapped.ignore(topic)  # ping, contacts, tickets, conversation.read …
        n = vendor(_Notification, data)
        c = n.data.item
        ticket = self._ticket(n, c)
        type_ = TOPICS[topic]
        base = {"occurred_at": max(n.created_at, c.updated_at or n.created_at), "ticket": ticket}
        events: list[HelpdeskEvent] = []
        if type_ == "rating.created":
            events.append(self._rating(n, base))
        elif type_ != "ticket.commented":
            events.append(contract_event({**base, "id": event_id(NAME, n.id), "type": type_}))
        if topic.endswith(".created") and c.source.body:  # the customer's first message
            events.append(_comment(n, base, "source", _source_part(c.source)))
        for part in c.conversation_parts.conversation_parts:
            if part.body and part.body.strip():
                events.append(_comment(n, base, f"part:{part.id}", part))
        if not events:  # a reply without text (an attachment alone): the state still counts
            events.append(contract_event({**base, "id": event_id(NAME, n.id),
                                          "type": "ticket.updated"}))
        return Mapped(tuple(events))

    def _ticket(self, n: _Notification, c: _Conversation) -> dict[str, Any]:
        status = pick(STATES, c.state) or "open"
        if n.topic.endswith(".created") and status == "open" and not c.admin_assignee_id:
            status = "new"
        link = n.links.get("conversation_web")
        url = link if isinstance(link, str) else (
            f"https://app.intercom.com/a/inbox/{n.app_id}/inbox/conversation/{c.id}")
        return {
            "id": ticket_id(NAME, c.id), "subject": _subject(c), "url": url,
            "priority": pick(PRIORITIES, c.priority) or "normal", "status": status,
            "team": team_of(self.teams, c.team_assignee_id),
            "requester": _person(c.source.author) or {"name": ""},
            "assignee": _assignee(c), "created_at": c.created_at,
        }

    def _rating(self, n: _Notification, base: dict[str, Any]) -> HelpdeskEvent:
        rating = n.data.item.conversation_rating
        if rating is None:
            raise rejected_field("data.item.conversation_rating", "a rating.added topic needs it")
        teammate = rating.teammate
        agent = _person(teammate) if teammate is not None else None
        rated_at = rating.created_at or base["occurred_at"]
        return contract_event({**base, "id": event_id(NAME, n.id), "type": "rating.created",
                               "occurred_at": rated_at, "rating": {
                                   "id": f"{base['ticket']['id']}:rating:{int(rated_at.timestamp())}",
                                   "score": rating.rating, "comment": rating.remark or None,
                                   "agent": agent}})


def _comment(n: _Notification, base: dict[str, Any], suffix: str, part: _Part) -> HelpdeskEvent:
    role = ROLES.get(part.author.type or "", "bot")
    return contract_event({**base, "id": event_id(NAME, n.id, suffix), "type": "ticket.commented",
                           "occurred_at": part.created_at or base["occurred_at"], "comment": {
                               "id": part.id, "author": _person(part.author) or {"name": ""},
                               "author_role": role, "public": part.part_type not in NOTES,
                               "body": plain_text(part.body)}})


def _source_part(source: _Source) -> _Part:
    return _Part(id=f"source-{source.id or 0}", part_type="comment", body=source.body,
                 author=source.author)


def _person(author: _Author) -> dict[str, Any] | None:
    ref = person_ref(NAME, author.id)
    if not (ref or author.name or author.email):
        return None
    return {"name": author.name or "", "email": author.email or None, "ref": ref}


def _assignee(c: _Conversation) -> dict[str, Any] | None:
    """The assigned admin, named when one of the notification's parts is theirs."""
    ref = person_ref(NAME, c.admin_assignee_id)
    if ref is None:
        return None
    for part in c.conversation_parts.conversation_parts:
        if part.author.type == "admin" and person_ref(NAME, part.author.id) == ref:
            return _person(part.author)
    return {"name": "", "ref": ref}


def _subject(c: _Conversation) -> str:
    for text in (c.title, plain_text(c.source.subject), plain_text(c.source.body)):
        if text and text.strip():
            line = " ".join(text.split())
            return line if len(line) <= SUBJECT_KEEP else line[:SUBJECT_KEEP - 1] + "…"
    return f"Conversation {c.id}"
