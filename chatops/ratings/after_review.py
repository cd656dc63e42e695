"""`after_review` teams: the agent's own ratings, kept back until the weekly review has posted.

The weekly review reads what is kept (`kept_for_review`), puts each agent's ratings in that
agent's DM of their week, and releases them in its own transaction (`release`): each rating
is marked `delivered_to_agent_at` once, with a notice row per agent (unique, so a rating
never reaches an agent twice, even from two reviews at once). Ratings whose agent is unknown
are marked too: there is nobody to tell.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from blocks.ratings import RatingView
from chatops.ratings.views import rating_view
from db.models import Ticket
from db.models_people import Rating, RatingNotice
from domain.recipients import Recipient, agent_key

_RATINGS = Rating.__table__


class AlreadyReleased(RuntimeError):
    """Another review released some of these ratings first: the caller starts again."""


@dataclass(frozen=True)
class Kept:
    """A kept rating, as its agent will see it; `agent` None when nobody can be told. `email`
    and `ref` are what the rating says of its agent (the review finds their week by them)."""

    rating_pk: int
    agent: Recipient | None
    card: RatingView
    email: str | None = None
    ref: str | None = None


def kept_for_review(session: Session, team: str, received_before: datetime,
                    agents: Mapping[str, str]) -> list[Kept]:
    """The team's ratings kept for their agents until the review, oldest first."""
    rows = session.execute(
        select(Rating, Ticket).outerjoin(Ticket, Ticket.id == Rating.ticket_id)
        .where(Rating.team == team, Rating.agent_visibility == "after_review",
               Rating.delivered_to_agent_at.is_(None), Rating.received_at < received_before)
        .order_by(Rating.received_at, Rating.id)).all()
    return [Kept(rating.id, Recipient.of_agent(rating.agent_email, agents, rating.agent_ref),
                 rating_view(rating, ticket, dict(agents)), agent_key(rating.agent_email),
                 rating.agent_ref) for rating, ticket in rows]


def release(session: Session, kept: list[Kept], now: datetime) -> None:
    """Mark `kept` delivered, in the caller's transaction (the one that queues the DMs)."""
    if not kept:
        return
    ids = [k.rating_pk for k in kept]
    marked = session.connection().execute(
        update(_RATINGS).where(_RATINGS.c.id.in_(ids), _RATINGS.c.delivered_to_agent_at.is_(None))
        .values(delivered_to_agent_at=now))
    if marked.rowcount != len(ids):
        raise AlreadyReleased(f"{len(ids) - marked.rowcount} rating(s) were released meanwhile")
    session.add_all(RatingNotice(rating_pk=k.rating_pk, role="agent", recipient=str(k.agent),
                                 queued_at=now) for k in kept if k.agent is not None)
    session.flush()
