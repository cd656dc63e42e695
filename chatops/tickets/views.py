"""From a stored ticket to the plain data the ticket blocks render."""
from __future__ import annotations

from blocks.people import PersonView
from blocks.ticket import TicketView
from db.models import Ticket
from domain.recipients import agent_user_id


def agent_person(name: str | None, email: str | None, agents: dict[str, str],
                 ref: str | None = None) -> PersonView | None:
    """An agent as a PersonView: the team's `agents` map gives the Slack id when it knows them
    (by their helpdesk id, else their email). Known only by their helpdesk id, they are shown
    by it (`zendesk:123`) until delivery finds their name."""
    if not name and not email and not ref:
        return None
    return PersonView(name=name or email or ref or "someone", email=email,
                      user_id=agent_user_id(email, agents, ref), ref=ref)


def ticket_view(ticket: Ticket, agents: dict[str, str], due_lines: list[str] | None = None,
                sla_colour: str | None = None) -> TicketView:
    return TicketView(
        id=ticket.id, subject=ticket.subject, url=ticket.url, priority=ticket.priority,
        status=ticket.status,
        requester=PersonView(name=ticket.requester_name or ticket.requester_ref or "",
                             email=ticket.requester_email, ref=ticket.requester_ref),
        assignee=agent_person(ticket.assignee_name, ticket.assignee_email, agents,
                              ticket.assignee_ref),
        due_lines=due_lines or [], sla_colour=sla_colour,
    )
