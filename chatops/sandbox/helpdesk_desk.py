"""The sandbox's fake helpdesk: the tickets made from the page's helpdesk panel (and the demo),
and the events (CONTRACT §4) a helpdesk would send for each change: every event carries the
ticket's whole current state. `chatops.sandbox.signed_sender` signs and sends them."""
from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from chatops.sandbox.workspace import Workspace, name_from_email
from domain.tickets import DONE_STATUSES, Priority, Status

PRIORITIES: tuple[str, ...] = get_args(Priority)
STATUSES: tuple[str, ...] = get_args(Status)
SCORES = ("good", "neutral", "bad", "1", "2", "3", "4", "5")
HELPDESK_URL = "https://helpdesk.sandbox.invalid/tickets/"
CUSTOMER = {"name": "Ann Client", "email": "ann@client.example"}


class FormError(ValueError):
    """What is wrong with a form of the panel: shown next to it."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(form: dict[str, Any], key: str, default: str = "", limit: int = 5000) -> str:
    value = form.get(key)
    return str(value).strip()[:limit] if value not in (None, "") else default


def _choice(form: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = _text(form, key)
    if value not in allowed:
        raise FormError(f"{key}: choose one of {', '.join(allowed)}")
    return value


@dataclass
class Change:
    """One event to send, and what the panel says it did."""

    event: dict[str, Any]
    summary: str


class HelpdeskDesk:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.tickets: dict[str, dict[str, Any]] = {}
        self._last: dict[str, datetime] = {}  # ticket id -> its latest event's occurred_at
        self._numbers = itertools.count(1001)
        self._run = secrets.token_hex(3)  # event ids unique across sandbox runs

    def _person(self, email: str) -> dict[str, Any] | None:
        if not email:
            return None
        for team in self.workspace.teams:
            if email in team.agents:
                return {"name": team.agents[email], "email": email}
        return {"name": name_from_email(email), "email": email}

    def _event(self, kind: str, ticket: dict[str, Any], now: datetime, **extra: Any) -> dict[str, Any]:
        # Each change of a ticket happens after the one before, as in a helpdesk: the app
        # keeps the state of the newest event, and one no newer than it changes nothing.
        last = self._last.get(ticket["id"])
        if last is not None and now <= last:
            now = last + timedelta(milliseconds=1)
        self._last[ticket["id"]] = now
        event = {"id": f"sbx-{self._run}-{secrets.token_hex(6)}", "type": kind,
                 "occurred_at": _iso(now), "ticket": copy.deepcopy(ticket)}
        event.update(extra)
        return event

    def _ticket(self, form: dict[str, Any]) -> dict[str, Any]:
        ticket = self.tickets.get(_text(form, "ticket"))
        if ticket is None:
            raise FormError("ticket: no such ticket in the sandbox's helpdesk")
        return ticket

    def create(self, form: dict[str, Any], now: datetime) -> Change:
        team_names = tuple(t.name for t in self.workspace.teams)
        team = _choice(form, "team", team_names) if form.get("team") else team_names[0]
        try:
            age = float(form.get("age_minutes") or 0)
        except (TypeError, ValueError):
            raise FormError("age_minutes: a number of minutes") from None
        if not 0 <= age <= 60 * 24 * 60:
            raise FormError("age_minutes: between 0 and 86400 (60 days)")
        number = str(_text(form, "id") or next(self._numbers))
        if number in self.tickets:
            raise FormError(f"id: ticket {number} exists already")
        created = now - timedelta(minutes=age)
        requester = {"name": _text(form, "requester_name", CUSTOMER["name"], 200),
                     "email": _text(form, "requester_email", CUSTOMER["email"], 254)}
        ticket = {"id": number, "subject": _text(form, "subject", "Something is broken", 500),
                  "url": HELPDESK_URL + number,
                  "priority": _choice(form, "priority", PRIORITIES), "status": "new",
                  "team": team, "requester": requester,
                  "assignee": self._person(_text(form, "assignee")), "created_at": _iso(created)}
        self.tickets[number] = ticket
        # The helpdesk tells of a ticket when it is made: an old ticket's event is old too.
        return Change(self._event("ticket.created", ticket, created),
                      f"ticket #{number} created ({ticket['priority']}, {age:g} min old)")

    def comment(self, form: dict[str, Any], now: datetime) -> Change:
        ticket = self._ticket(form)
        role = _choice(form, "role", ("agent", "customer"))
        public = bool(form.get("public", True)) if role == "agent" else True
        if role == "agent":
            author = ticket["assignee"] or {"name": "Support Agent", "email": None}
        else:
            author = ticket["requester"]
        if role == "agent" and public and ticket["status"] == "new":
            ticket["status"] = "open"  # as helpdesks do on an agent's first public reply
        body = _text(form, "body", "(no text)", 20000)
        comment = {"id": f"c-{secrets.token_hex(4)}", "author": author, "author_role": role,
                   "public": public, "body": body}
        kind = "public reply" if public else "internal note"
        return Change(self._event("ticket.commented", ticket, now, comment=comment),
                      f"ticket #{ticket['id']}: {role} {kind}")

    def update(self, form: dict[str, Any], now: datetime) -> Change:
        ticket = self._ticket(form)
        old = ticket["status"]
        if form.get("status"):
            ticket["status"] = _choice(form, "status", STATUSES)
        if form.get("priority"):
            ticket["priority"] = _choice(form, "priority", PRIORITIES)
        if "assignee" in form:
            ticket["assignee"] = self._person(_text(form, "assignee"))
        new = ticket["status"]
        if new == "closed" and old != "closed":
            kind = "ticket.closed"
        elif old in DONE_STATUSES and new not in DONE_STATUSES:
            kind = "ticket.reopened"
        else:
            kind = "ticket.updated"
        return Change(self._event(kind, ticket, now), f"ticket #{ticket['id']}: {kind} ({new})")

    def rate(self, form: dict[str, Any], now: datetime) -> Change:
        ticket = self._ticket(form)
        raw = _choice(form, "score", SCORES)
        score: str | int = int(raw) if raw.isdigit() else raw
        rating = {"id": f"r-{secrets.token_hex(4)}", "score": score,
                  "comment": _text(form, "comment") or None, "agent": ticket["assignee"]}
        return Change(self._event("rating.created", ticket, now, rating=rating),
                      f"ticket #{ticket['id']}: rated {raw}")

    def listing(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(t) for t in self.tickets.values()]
