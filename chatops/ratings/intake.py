"""A `rating.created` event → one stored rating → DMs to the team's leads and, by the team's
visibility mode, to the rated agent. Runs inside the event's transaction (an Ingest hook)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import ratings as rating_blocks
from chatops.config import AppConfig
from chatops.ratings.mailbox import RatingMailbox
from chatops.ratings.views import rating_view
from chatops.team_settings import leads_of, visibility_of
from chatops.tickets.schema import HelpdeskEvent
from db.models import Ticket
from db.models_people import Rating, RatingNotice
from domain.ratings import score_of
from domain.recipients import Recipient

log = logging.getLogger("chatops.ratings")

AGENT_SEES_NOW = {"score_only": False, "score_and_comment": True}  # mode → with the comment


class RatingsIntake:
    """The Ingest hook: `(session, ticket, event, now) -> False` (the parent never changes)."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config

    def __call__(self, session: Session, ticket: Ticket, event: HelpdeskEvent,
                 now: datetime) -> bool:
        if event.type == "rating.created" and event.rating is not None:
            receive_rating(session, self.config, ticket, event, now)
        return False


def receive_rating(session: Session, config: AppConfig, ticket: Ticket, event: HelpdeskEvent,
                   now: datetime) -> Rating | None:
    """Store the rating and queue its DMs; None when this rating id was seen before.

    The unique rating id is the guarantee; the look-up first only spares a failed insert
    (a concurrent twin hits the constraint and Ingest retries the whole event)."""
    r = event.rating
    assert r is not None
    if session.scalar(select(Rating.id).where(Rating.rating_id == r.id)) is not None:
        log.info("rating %s arrived again (event %s): nothing sent", r.id, event.id)
        return None
    team = config.team_for(ticket.team)
    score = score_of(r.score, config.ratings.negative)
    agent_name, agent_email, agent_ref = (
        (r.agent.name, r.agent.email, r.agent.ref) if r.agent is not None
        else (ticket.assignee_name, ticket.assignee_email, ticket.assignee_ref))
    mode = visibility_of(session, config, team.name)
    leads = list(dict.fromkeys(leads_of(session, config, team.name)))
    agent = Recipient.of_agent(agent_email, team.agents, agent_ref)
    target = str(agent) if agent is not None else None  # stored: the DM may wait (after_review)
    rating = Rating(rating_id=r.id, event_id=event.id, ticket_id=ticket.id, team=team.name,
                    score=score.value, negative=score.negative, comment=r.comment,
                    agent_name=agent_name, agent_email=agent_email, agent_ref=agent_ref,
                    agent_target=target,
                    agent_visibility=mode, occurred_at=event.occurred_at, received_at=now)
    session.add(rating)
    session.flush()
    mailbox = RatingMailbox(session, leads=leads, agent=target)
    card = rating_view(rating, ticket, team.agents)
    for lead in leads:
        mailbox.to_lead(lead, rating_blocks.lead_dm(card))
        session.add(RatingNotice(rating_pk=rating.id, role="lead", recipient=lead, queued_at=now))
    if mode in AGENT_SEES_NOW and target is not None and target not in leads:
        # (an agent who is also a lead already has the full lead DM)
        mailbox.to_agent(rating_blocks.agent_dm(card, with_comment=AGENT_SEES_NOW[mode]))
        session.add(RatingNotice(rating_pk=rating.id, role="agent", recipient=target,
                                 queued_at=now))
        rating.delivered_to_agent_at = now
    log.info("rating %s (%s%s) on ticket %s: %d lead DM(s), agent %s (%s)", r.id, score.value,
             ", negative" if score.negative else "", ticket.id, len(leads),
             target or "unknown", mode)
    return rating
