"""The checklist modal's content for a ticket: a new review (the agent is the assignee now) or
the correction of a review after its appeal was accepted (pre-filled with that review)."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.qa import ChecklistForm, CorrectionNote
from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.qa.cards import checklist_items, reviewed_agent, ticket_line
from chatops.qa.metadata import ChecklistMeta
from chatops.qa.signals import ticket_signals
from chatops.sla.rules import SlaRules
from chatops.tickets.views import agent_person
from db.models import Ticket
from db.models_qa import QaAnswer, QaAppeal, QaReview
from db.session import read_only
from domain.qa import RESULTS, Result
from domain.recipients import Recipient

NAME_KEEP = 200


def new_review_form(session: Session, config: AppConfig, ticket: Ticket) -> ChecklistForm:
    """The empty checklist of a ticket; its agent is the ticket's assignee."""
    team = config.team_for(ticket.team)
    agent = Recipient.of_agent(ticket.assignee_email, team.agents, ticket.assignee_ref)
    # One known only by their helpdesk id is named by it (`zendesk:123`) in the review.
    name = ticket.assignee_name or ticket.assignee_ref
    meta = ChecklistMeta(ticket=ticket.id, agent_name=(name or "")[:NAME_KEEP] or None,
                         agent_email=ticket.assignee_email, agent=str(agent) if agent else None)
    return ChecklistForm(ticket=ticket_line(session, ticket.id),
                         agent=agent_person(ticket.assignee_name, ticket.assignee_email,
                                            team.agents, ticket.assignee_ref),
                         items=checklist_items(config), metadata=meta.dump())


def correction_form(session: Session, config: AppConfig, appeal: QaAppeal) -> ChecklistForm:
    """The checklist pre-filled with the appealed review, to correct it: same ticket, same agent."""
    review = session.get(QaReview, appeal.review_id)
    assert review is not None  # a foreign key
    team = config.team_for(review.team)
    meta = ChecklistMeta(ticket=review.ticket_id,
                         agent_name=(review.agent_name or "")[:NAME_KEEP] or None,
                         agent_email=review.agent_email, agent=review.agent_target,
                         appeal=appeal.id)
    answers = session.scalars(select(QaAnswer).where(QaAnswer.review_id == review.id))
    prefill: dict[str, Result] = {a.item_id: a.result for a in answers if a.result in RESULTS}
    return ChecklistForm(ticket=ticket_line(session, review.ticket_id),
                         agent=reviewed_agent(review, team.agents),
                         items=checklist_items(config), metadata=meta.dump(), prefill=prefill,
                         comment=review.comment,
                         correcting=CorrectionNote(review.score, review.reviewer, appeal.reason))


class SignalsReader:
    """Fills a form's signals (the slow part, read after the modal is open)."""

    def __init__(self, sessions: sessionmaker[Session], rules: SlaRules, clock: Clock) -> None:
        self.sessions = sessions
        self.rules = rules
        self.clock = clock

    def fill(self, form: ChecklistForm) -> ChecklistForm:
        with self.sessions() as session:
            signals = ticket_signals(read_only(session), self.rules, form.ticket.id,
                                     self.clock.now())
        return replace(form, signals=signals)
