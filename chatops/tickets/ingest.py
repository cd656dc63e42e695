"""Helpdesk event → stored once → ticket state → outbox rows, all in one transaction."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks import ticket as ticket_blocks
from chatops.clock import Clock
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.tickets.parent import post_later, redraw_later
from chatops.tickets.schema import HelpdeskEvent
from chatops.tickets.snapshot import apply_snapshot, insert_new_ticket, new_ticket
from chatops.tickets.views import agent_person, ticket_view
from db.models import Ticket
from db.upsert import record_event_once

log = logging.getLogger("chatops.ingest")

_EXISTS = select(Ticket.__table__.c.id).where(Ticket.__table__.c.id == bindparam("id"))

# Called inside the event's transaction after the ticket changed: (session, ticket, event, now).
# Returns True when the parent message should be redrawn (e.g. a due time moved).
TicketHook = Callable[[Session, Ticket, HelpdeskEvent, datetime], bool]


@dataclass(frozen=True)
class IngestResult:
    duplicate: bool
    ticket_id: str


class Ingest:
    """Stores each event once and turns it into ticket state and outbox rows."""

    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock,
                 hooks: list[TicketHook] | None = None) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.hooks = hooks or []

    def handle(self, event: HelpdeskEvent) -> IngestResult:
        for attempt in range(5):
            try:
                return self._handle_once(event)
            except IntegrityError:
                # A concurrent request stored the same event or ticket first: look again.
                log.debug("integrity race on event %s, attempt %d", event.id, attempt + 1)
        raise RuntimeError(f"event {event.id}: could not be stored after 5 attempts")

    def _handle_once(self, event: HelpdeskEvent) -> IngestResult:
        with self.sessions.begin() as session:
            return self.store(session, event)

    def handle_many(self, events: list[HelpdeskEvent]) -> list[IngestResult]:
        """Several events in one transaction (group commit): all stored, or none."""
        results = []
        with self.sessions.begin() as session:
            for event in events:
                results.append(self.store(session, event))
                session.flush()  # the next event sees this one exactly as if committed
        return results

    def store(self, session: Session, event: HelpdeskEvent) -> IngestResult:
        """One event's work inside the caller's transaction."""
        now = self.clock.now()
        comment = event.comment if event.type == "ticket.commented" else None
        if not record_event_once(session, event.id, event.type, event.ticket.id,
                                 event.occurred_at, now, status=event.ticket.status,
                                 comment_role=comment.author_role[:40] if comment else None,
                                 comment_public=comment.public if comment else None):
            return IngestResult(duplicate=True, ticket_id=event.ticket.id)
        # Most events of a busy helpdesk are for new tickets: a Core existence check is
        # much cheaper than an ORM load that finds nothing.
        known = session.connection().execute(_EXISTS, {"id": event.ticket.id}).first()
        ticket = session.get(Ticket, event.ticket.id, with_for_update=True) if known else None
        team = self.config.team_for(ticket.team if ticket else event.ticket.team)
        first = ticket is None
        if ticket is None:
            ticket = new_ticket(event, team.name)
            _meet_first_response(ticket, event)
            insert_new_ticket(session, ticket)
            changes: list[dict] = []
            before = None
        else:
            before = ticket_view(ticket, team.agents)
            # A partial snapshot (what a CSAT trigger knows) never moves a known ticket's state.
            changes = [] if event.partial else apply_snapshot(ticket, event, team.agents)
            _meet_first_response(ticket, event)
        redraw = False
        for hook in self.hooks:
            redraw = hook(session, ticket, event, now) or redraw
        messages = [post_later(ticket.id)] if first else []
        messages += [outbox.thread_reply(ticket.id, team.channel, reply, mergeable=True)
                     for reply in changes]
        if event.comment is not None and event.type == "ticket.commented":
            messages.append(self._comment_reply(ticket, team, event))
        if not first and (redraw or ticket_view(ticket, team.agents) != before):
            messages.append(redraw_later(ticket.id))
        outbox.add(session, *messages)
        log.info("event %s (%s) for ticket %s: %d thread replies", event.id, event.type,
                 ticket.id, len(changes) + (1 if event.comment else 0))
        return IngestResult(duplicate=False, ticket_id=ticket.id)

    def _comment_reply(self, ticket: Ticket, team: TeamConfig, event: HelpdeskEvent) -> outbox.Message:
        c = event.comment
        assert c is not None
        author = agent_person(c.author.name, c.author.email, team.agents, c.author.ref)
        message = ticket_blocks.comment_reply(author, c.public, c.body)  # type: ignore[arg-type]
        return outbox.thread_reply(ticket.id, team.channel, message, mergeable=True)


def _meet_first_response(ticket: Ticket, event: HelpdeskEvent) -> None:
    """A public agent comment meets the first-response target (the earliest one wins)."""
    c = event.comment
    if event.type != "ticket.commented" or c is None:
        return
    if c.public and c.author_role == "agent":
        if ticket.first_response_at is None or event.occurred_at < ticket.first_response_at:
            ticket.first_response_at = event.occurred_at
