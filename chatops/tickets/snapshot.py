"""Snapshot semantics: the ticket state with the newest `occurred_at` wins."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from blocks import ticket as ticket_blocks
from chatops.tickets.schema import HelpdeskEvent
from chatops.tickets.views import agent_person
from db.models import Ticket
from domain.tickets import DONE_STATUSES


def new_ticket(event: HelpdeskEvent, team: str) -> Ticket:
    t = event.ticket
    ticket = Ticket(id=t.id, team=team, created_at=t.created_at, state_at=event.occurred_at)
    _copy(ticket, event)
    ticket.state_partial = event.partial
    return ticket


NEW_TICKETS = "chatops_new_tickets"  # session.info: ids inserted with Core this transaction
_INSERT = insert(Ticket.__table__)
_COLUMNS = [c.key for c in Ticket.__table__.columns]


def insert_new_ticket(session: Session, ticket: Ticket) -> None:
    """Write a new (transient) ticket with one Core insert; the ORM unit of work costs more
    on this hot path. Later code of the same transaction reads the object, never changes it."""
    session.connection().execute(_INSERT, {k: getattr(ticket, k) for k in _COLUMNS})
    session.info.setdefault(NEW_TICKETS, set()).add(ticket.id)


def is_new(session: Session, ticket: Ticket) -> bool:
    """Created in this transaction (no stored state before it)."""
    return ticket in session.new or ticket.id in session.info.get(NEW_TICKETS, ())


def _copy(ticket: Ticket, event: HelpdeskEvent) -> None:
    t = event.ticket
    ticket.subject = t.subject
    ticket.url = t.url
    ticket.priority = t.priority
    ticket.status = t.status
    ticket.requester_name = t.requester.name
    ticket.requester_email = t.requester.email
    ticket.requester_ref = t.requester.ref
    ticket.assignee_name = t.assignee.name if t.assignee else None
    ticket.assignee_email = t.assignee.email if t.assignee else None
    ticket.assignee_ref = t.assignee.ref if t.assignee else None
    ticket.state_at = event.occurred_at
    ticket.state_partial = False
    if t.status in DONE_STATUSES and ticket.solved_at is None:
        ticket.solved_at = event.occurred_at
    elif t.status not in DONE_STATUSES:
        ticket.solved_at = None


def apply_snapshot(ticket: Ticket, event: HelpdeskEvent,
                   agents: dict[str, str]) -> list[dict[str, Any]]:
    """Apply the event's snapshot if it is newer (or the ticket's state was only partial);
    return the thread replies it causes."""
    if event.occurred_at <= ticket.state_at and not ticket.state_partial:
        return []
    t = event.ticket
    replies: list[dict[str, Any]] = []
    if t.status != ticket.status:
        replies.append(ticket_blocks.status_reply(ticket.status, t.status))
    old_key = (ticket.assignee_ref or (ticket.assignee_email or "").lower()
               or ticket.assignee_name)
    new_key = ((t.assignee.ref or (t.assignee.email or "").lower() or t.assignee.name)
               if t.assignee else None)
    if old_key != new_key:
        old = agent_person(ticket.assignee_name, ticket.assignee_email, agents,
                           ticket.assignee_ref)
        new = (agent_person(t.assignee.name, t.assignee.email, agents, t.assignee.ref)
               if t.assignee else None)
        replies.append(ticket_blocks.assignment_reply(old, new))
    if t.priority != ticket.priority:
        replies.append(ticket_blocks.priority_reply(ticket.priority, t.priority))
    _copy(ticket, event)
    return replies
