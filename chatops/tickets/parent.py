"""The ticket's parent message, drawn from the ticket's stored state by the delivery worker.

The request path only writes a deferred row (`post_later`, `redraw_later`): rendering, with
the SLA engine's due lines and colour, happens when the worker expands it (`render_deferred`,
registered as `PARENT`), so the message shows the ticket as it stands then.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from blocks import ticket as ticket_blocks
from chatops.clock import Clock
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.tickets.views import ticket_view
from db.models import Ticket

PARENT = "ticket.parent"  # the deferred handler's name

# What the SLA engine adds to the parent: (due lines, colour or None) at `now`.
ParentSla = Callable[[Session, Ticket, datetime], tuple[list[str], str | None]]


def post_later(ticket_id: str) -> outbox.Message:
    """The parent's post, rendered by the worker: first in the ticket's stream."""
    return outbox.deferred(PARENT, {"ticket_id": ticket_id, "update": False},
                           stream=outbox.ticket_stream(ticket_id), ticket_id=ticket_id)


def redraw_later(ticket_id: str) -> outbox.Message:
    """The parent rewritten to the ticket's state, rendered by the worker."""
    return outbox.deferred(PARENT, {"ticket_id": ticket_id, "update": True},
                           stream=outbox.ticket_stream(ticket_id), ticket_id=ticket_id)


class ParentMessage:
    """Renders a ticket's parent message from its stored state."""

    def __init__(self, config: AppConfig, clock: Clock, parent_sla: ParentSla | None = None) -> None:
        self.config = config
        self.clock = clock
        self.parent_sla = parent_sla

    def view(self, session: Session, ticket: Ticket, team: TeamConfig) -> ticket_blocks.TicketView:
        """The parent's content, with the SLA engine's due lines and colour when wired."""
        if self.parent_sla is None:
            return ticket_view(ticket, team.agents)
        due_lines, colour = self.parent_sla(session, ticket, self.clock.now())
        return ticket_view(ticket, team.agents, due_lines, colour)

    def render(self, session: Session, ticket: Ticket, update: bool) -> outbox.Message:
        team = self.config.team_for(ticket.team)
        payload = ticket_blocks.parent_message(self.view(session, ticket, team))
        make = outbox.parent_update if update else outbox.parent_post
        return make(ticket.id, team.channel, payload)

    def render_deferred(self, session: Session, args: dict[str, Any]) -> list[outbox.Message]:
        """The deferred handler: the post or the redraw, or nothing if the ticket is gone."""
        ticket = session.get(Ticket, args["ticket_id"])
        return [] if ticket is None else [self.render(session, ticket, bool(args["update"]))]
