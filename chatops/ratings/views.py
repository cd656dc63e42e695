"""From a stored rating (and its ticket) to the plain data the rating blocks render."""
from __future__ import annotations

from blocks.ratings import RatingView
from chatops.tickets.views import agent_person
from db.models import Ticket
from db.models_people import Rating, RatingFollowUp


def rating_view(rating: Rating, ticket: Ticket | None, agents: dict[str, str],
                follow_up: RatingFollowUp | None = None) -> RatingView:
    return RatingView(
        key=rating.id, ticket_id=rating.ticket_id,
        subject=ticket.subject if ticket else "", url=ticket.url if ticket else "",
        score=rating.score, negative=rating.negative, comment=rating.comment,
        agent=agent_person(rating.agent_name, rating.agent_email, agents, rating.agent_ref),
        followed_up_by=follow_up.by_user if follow_up else None,
        followed_up_at=follow_up.at if follow_up else None)
