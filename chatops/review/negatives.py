"""The week's negative ratings, as the review thread lists them (oldest first)."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.ratings import RatingView
from chatops.review.sql import FOLLOW_UPS, RATINGS, TICKETS, in_range
from chatops.review.window import ReviewWindow
from chatops.tickets.views import agent_person


def negative_ratings(session: Session, team: str, window: ReviewWindow, agents: Mapping[str, str],
                     limit: int) -> list[RatingView]:
    r, f, t = RATINGS.c, FOLLOW_UPS.c, TICKETS.c
    rows = session.execute(
        select(r.id, r.ticket_id, r.score, r.comment, r.agent_name, r.agent_email, r.agent_ref,
               f.by_user, f.at, t.subject, t.url)
        .select_from(RATINGS.outerjoin(FOLLOW_UPS, f.rating_pk == r.id)
                     .outerjoin(TICKETS, t.id == r.ticket_id))
        .where(r.team == team, r.negative.is_(True), in_range(r.received_at, window))
        .order_by(r.received_at, r.id).limit(limit))
    return [RatingView(key=row.id, ticket_id=row.ticket_id, subject=row.subject or "",
                       url=row.url or "", score=row.score, negative=True, comment=row.comment,
                       agent=agent_person(row.agent_name, row.agent_email, dict(agents),
                                          row.agent_ref),
                       followed_up_by=row.by_user, followed_up_at=row.at)
            for row in rows]
