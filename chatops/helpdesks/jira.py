"""Jira Service Management, through Jira Cloud's admin webhooks (CONTRACT §4a).

Signature (developer.atlassian.com/cloud/jira/platform/webhooks, "secure admin webhooks"):
`X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, WebSub's scheme, with no
timestamp: `X-Atlassian-Webhook-Identifier`, the same on every retry of one delivery, is the
dedupe id and so the only guard against a replay.

Events: `jira:issue_created`, `jira:issue_updated` (the changes in `changelog.items`) and
`comment_created` (`comment.jsdPublic: false` is an internal note in Service Management).
Statuses are per workflow, so a status is mapped by its name (app.yaml's
`helpdesks.jira.statuses`, then the table below), else by its category, which every status
has (`new`, `indeterminate`, `done`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from chatops.config.helpdesks import JiraConfig
from chatops.helpdesks.adapter import (
    Delivery,
    Mapped,
    Vendor,
    contract_event,
    event_id,
    hub_signature_ok,
    lowered,
    pick,
    rejected_field,
    team_of,
    vendor,
)
from chatops.tickets.schema import Id
from domain.recipients import person_ref
from domain.tickets import DONE_STATUSES, Priority, Status

NAME = "jira"
SIGNATURE = "x-hub-signature"
IDENTIFIER = "x-atlassian-webhook-identifier"

# The mapping, in one table each; app.yaml's `helpdesks.jira` entries come first.
STATUS_CATEGORIES: dict[str, Status] = {"new": "new", "indeterminate": "open", "done": "solved"}
STATUSES: dict[str, Status] = {  # Service Management's default workflow names
    "waiting for customer": "pending", "pending": "pending", "on hold": "on_hold",
    "resolved": "solved", "done": "solved", "closed": "closed", "canceled": "closed",
    "cancelled": "closed", "declined": "closed",
}
PRIORITIES: dict[str, Priority] = {  # Jira's default scheme, and the older one
    "highest": "urgent", "blocker": "urgent", "critical": "urgent", "high": "high",
    "major": "high", "medium": "normal", "low": "low", "minor": "low", "lowest": "low",
    "trivial": "low",
}
NO_PRIORITY: Priority = "normal"  # none, or a name neither table knows
# The author of a comment: a portal customer (or the issue's reporter) is the customer side;
# an app (Jira Automation) neither side; anyone else an agent.
CUSTOMER, BOT = "customer", "bot"


class _User(Vendor):
    accountId: str | None = None
    displayName: str | None = None
    emailAddress: str | None = None
    accountType: str | None = None


class _Named(Vendor):
    name: str | None = None


class _Status(_Named):
    statusCategory: dict[str, Any] = {}


class _Fields(Vendor):
    summary: str = ""
    status: _Status | None = None
    priority: _Named | None = None
    assignee: _User | None = None
    reporter: _User | None = None
    created: datetime | None = None
    project: dict[str, Any] = {}


class _Issue(Vendor):
    id: Id
    key: Id
    self: str = ""
    fields: _Fields


class _Comment(Vendor):
    id: Id
    body: Any = ""
    author: _User = _User()
    jsdPublic: bool | None = None


class _Item(Vendor):
    field: str | None = None
    fromString: str | None = None
    toString: str | None = None


class _Changelog(Vendor):
    items: list[_Item] = []


class _Event(Vendor):
    webhookEvent: str
    timestamp: datetime
    issue_event_type_name: str | None = None
    issue: _Issue
    comment: _Comment | None = None
    changelog: _Changelog = _Changelog()


class Jira:
    name = NAME
    answers_head = False

    def __init__(self, secret: str, config: JiraConfig) -> None:
        self.secret = secret
        self.statuses = {**STATUSES, **lowered(config.statuses)}
        self.priorities = {**PRIORITIES, **lowered(config.priorities)}
        self.teams = lowered(config.teams)

    def verify(self, delivery: Delivery) -> str | None:
        signature = delivery.header(SIGNATURE)
        if not signature:
            return "missing X-Hub-Signature (set the webhook's Secret in Jira)"
        if not hub_signature_ok(signature, self.secret, delivery.body, "sha256"):
            return "signature does not match"
        return None

    def events(self, delivery: Delivery, data: dict[str, Any]) -> Mapped:
        kind = data.get("webhookEvent")
        if kind not in ("jira:issue_created", "jira:issue_updated", "comment_created"):
            if not isinstance(kind, str):
                raise rejected_field("webhookEvent", "missing: not a Jira webhook")
            return Mapped.ignore(kind)  # deletions, comment edits, worklogs, projects …
        identifier = delivery.header(IDENTIFIER)
        if not identifier:
            raise rejected_field("X-Atlassian-Webhook-Identifier", "the header is missing")
        j = vendor(_Event, data)  # its `timestamp` is in epoch milliseconds: pydantic reads it so
        if kind == "comment_created":
            if j.comment is None:
                raise rejected_field("comment", "a comment_created event needs its comment")
            type_ = "ticket.commented"
        elif kind == "jira:issue_created":
            type_ = "ticket.created"
        else:
            type_ = self._update(j)
        ticket, partial = self._ticket(j, delivery)
        body: dict[str, Any] = {"id": event_id(NAME, identifier), "type": type_,
                                "occurred_at": j.timestamp, "ticket": ticket, "partial": partial}
        if j.comment is not None and type_ == "ticket.commented":
            body["comment"] = self._comment(j.comment, j.issue.fields.reporter)
        return Mapped((contract_event(body),))

    def status(self, status: _Status | None) -> Status:
        """By its name (app.yaml, then STATUSES), else by its category."""
        if status is None:
            return "open"
        named = pick(self.statuses, status.name)
        category = str(status.statusCategory.get("key") or "").lower()
        return named or STATUS_CATEGORIES.get(category, "open")

    def _update(self, j: _Event) -> str:
        """A status change into a done status closes the ticket; out of one reopens it. (A
        comment also fires jira:issue_updated, with the comment: it is posted from its own
        comment_created event, so here it is only the ticket's state.)"""
        for item in j.changelog.items:
            if item.field == "status":
                before = pick(self.statuses, item.fromString)  # its category is not sent
                now = self.status(j.issue.fields.status)
                if now in DONE_STATUSES and before not in DONE_STATUSES:
                    return "ticket.closed"
                if before in DONE_STATUSES and now not in DONE_STATUSES:
                    return "ticket.reopened"
        return "ticket.updated"

    def _ticket(self, j: _Event, delivery: Delivery) -> tuple[dict[str, Any], bool]:
        """The issue as a ticket, and whether that is only part of it: a comment's event
        carries a few fields of the issue (no reporter, no creation date)."""
        f = j.issue.fields
        partial = f.reporter is None or f.created is None
        host = urlsplit(j.issue.self).netloc
        priority = pick(self.priorities, f.priority.name if f.priority else None) or NO_PRIORITY
        return {
            "id": j.issue.key, "subject": f.summary,
            "url": f"https://{host}/browse/{j.issue.key}" if host else "",
            "priority": priority, "status": self.status(f.status),
            "team": team_of(self.teams, f.project.get("key")),
            "requester": _person(f.reporter) or {"name": ""}, "assignee": _person(f.assignee),
            "created_at": f.created or j.timestamp,
        }, partial

    def _comment(self, c: _Comment, reporter: _User | None) -> dict[str, Any]:
        author = c.author
        if author.accountType == "app":
            role = BOT
        elif author.accountType == "customer" or (
                reporter is not None and author.accountId and author.accountId == reporter.accountId):
            role = CUSTOMER
        else:
            role = "agent"
        return {"id": c.id, "author": _person(author) or {"name": ""}, "author_role": role,
                "public": c.jsdPublic is not False, "body": _text(c.body)}


def _person(user: _User | None) -> dict[str, Any] | None:
    if user is None or not (user.accountId or user.displayName or user.emailAddress):
        return None
    return {"name": user.displayName or "", "email": user.emailAddress or None,
            "ref": person_ref(NAME, user.accountId)}


def _text(body: Any) -> str:
    """A comment's body: wiki text, or Atlassian Document Format (its text nodes joined)."""
    if isinstance(body, str):
        return body
    if isinstance(body, dict):
        own = body.get("text")
        inner = "".join(_text(node) for node in body.get("content") or [])
        end = "\n" if body.get("type") == "paragraph" else ""
        return (own if isinstance(own, str) else "") + inner + end
    return ""
