"""From stored reviews and appeals (and their ticket) to the plain data QA's blocks render."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.people import PersonView
from blocks.qa import AppealCard, ChecklistItem, ReviewCard, TicketLine
from chatops.config import AppConfig
from chatops.tickets.views import agent_person
from db.models import Ticket
from db.models_qa import QaAnswer, QaAppeal, QaReview
from domain.recipients import PERSON_REF
from domain.slack_ids import is_user_id


def checklist_items(config: AppConfig) -> tuple[ChecklistItem, ...]:
    """`qa.checklist` as it is configured now."""
    return tuple(ChecklistItem(i.id, i.text, i.weight, i.critical) for i in config.qa.checklist)


def ticket_line(session: Session, ticket_id: str) -> TicketLine:
    ticket = session.get(Ticket, ticket_id)
    return TicketLine(ticket_id, ticket.subject if ticket else "", ticket.url if ticket else "")


def review_card(session: Session, config: AppConfig, review: QaReview) -> ReviewCard:
    team = config.team_for(review.team)
    answers = session.scalars(select(QaAnswer).where(QaAnswer.review_id == review.id)).all()
    order = {item.id: n for n, item in enumerate(config.qa.checklist)}
    failed = sorted((a for a in answers if a.result == "fail"),
                    key=lambda a: (order.get(a.item_id, len(order)), a.item_id))
    return ReviewCard(
        review_id=review.id, ticket=ticket_line(session, review.ticket_id),
        agent=reviewed_agent(review, team.agents),
        reviewer=review.reviewer, reviewed_at=review.created_at, score=review.score,
        passed=review.passed, critical_failed=review.critical_failed,
        pass_mark=config.qa.pass_mark,
        failed=tuple(ChecklistItem(a.item_id, a.text, a.weight, a.critical) for a in failed),
        comment=review.comment, correction=review.corrects_id is not None,
        timezone=config.team_timezone(team))


def reviewed_agent(review: QaReview, agents: dict[str, str]) -> PersonView | None:
    """The reviewed agent; mentioned as the Slack user the review went to when that is known
    (one the `agents` map names by their helpdesk id has no email to be found by). One the
    review went to by helpdesk id (`zendesk:123`) keeps it: delivery may find their name."""
    target = review.agent_target
    ref = target if target and PERSON_REF.fullmatch(target) else None
    person = agent_person(review.agent_name, review.agent_email, agents, ref)
    if person is not None and person.user_id is None and is_user_id(target):
        return replace(person, user_id=target)
    return person


def appeal_card(session: Session, config: AppConfig, appeal: QaAppeal) -> AppealCard:
    corrected = (session.get(QaReview, appeal.corrected_review_id)
                 if appeal.corrected_review_id is not None else None)
    return AppealCard(
        appeal_id=appeal.id, agent=appeal.agent, reason=appeal.reason, opened_at=appeal.opened_at,
        status=appeal.status, decided_by=appeal.decided_by, decided_at=appeal.decided_at,
        decision_reason=appeal.decision_reason,
        corrected=review_card(session, config, corrected) if corrected is not None else None)


def appeal_until(config: AppConfig, review: QaReview) -> datetime | None:
    """Until when the review can be appealed; None when it never can (a correction)."""
    if review.corrects_id is not None:
        return None
    return review.created_at + config.qa.appeal_window
