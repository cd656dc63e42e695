"""`after_review` teams: the agent's own ratings, kept back until the weekly review has posted.

`release_after_review` is for the weekly review (still to be built: nothing calls it yet) to
call once it has posted a team's review; each agent then gets one private DM with their
ratings, and each rating is marked `delivered_to_agent_at`.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import ratings as rating_blocks
from chatops.config import AppConfig
from chatops.ratings.mailbox import RatingMailbox
from chatops.ratings.views import rating_view
from db.models import Ticket
from db.models_people import Rating, RatingNotice


def waiting_for_review(session: Session, team: str) -> list[Rating]:
    """Ratings of `team` kept for their agents until the weekly review, oldest first."""
    return list(session.scalars(
        select(Rating).where(Rating.team == team, Rating.agent_visibility == "after_review",
                             Rating.delivered_to_agent_at.is_(None))
        .order_by(Rating.received_at, Rating.id)))


def release_after_review(session: Session, config: AppConfig, team: str,
                         now: datetime) -> int:
    """DM each agent of `team` their waiting ratings; returns how many DMs were queued.

    Ratings whose agent is unknown are marked delivered too: there is nobody to tell."""
    found = config.team_for(team)
    by_agent: dict[str, list[Rating]] = defaultdict(list)
    for rating in waiting_for_review(session, team):
        rating.delivered_to_agent_at = now
        if rating.agent_target:
            by_agent[rating.agent_target].append(rating)
    for target, ratings in by_agent.items():
        cards = [rating_view(r, session.get(Ticket, r.ticket_id), found.agents) for r in ratings]
        RatingMailbox(session, leads=(), agent=target).to_agent(
            rating_blocks.after_review_dm(cards))
        session.add_all(RatingNotice(rating_pk=r.id, role="agent", recipient=target,
                                     queued_at=now) for r in ratings)
    session.flush()
    return len(by_agent)
