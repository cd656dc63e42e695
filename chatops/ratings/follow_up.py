"""A lead presses `Followed up` on a negative rating: who and when, recorded once, and the DM
they pressed it in rewritten in place (chat.update through the outbox, same transaction)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks import ratings as rating_blocks
from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.ratings.mailbox import RatingMailbox
from chatops.ratings.views import rating_view
from chatops.team_settings import leads_of
from db.models import Ticket
from db.models_people import Rating, RatingFollowUp, RatingNotice
from domain.slack_ids import is_dm_channel

log = logging.getLogger("chatops.ratings")

Outcome = Literal["recorded", "already", "unknown", "refused"]


@dataclass(frozen=True)
class FollowUpResult:
    outcome: Outcome
    by: str | None = None
    at: datetime | None = None

    @property
    def sends(self) -> bool:
        return self.outcome in ("recorded", "already")


class FollowUps:
    """The service behind the `rating_followed_up` button."""

    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock

    def press(self, rating_key: str | None, user: str, channel: str | None,
              ts: str | None) -> FollowUpResult:
        if not isinstance(rating_key, str) or not (
                rating_key.isascii() and rating_key.isdigit() and len(rating_key) <= 18):
            return FollowUpResult("unknown")  # names no rating: not one of our row ids
        key = int(rating_key)
        for _ in range(3):
            try:
                with self.sessions.begin() as session:
                    return record_follow_up(session, self.config, key, user, channel, ts,
                                            self.clock.now())
            except IntegrityError:  # a concurrent press recorded it first: look again
                continue
        raise RuntimeError(f"follow-up of rating {key}: could not be stored")


def record_follow_up(session: Session, config: AppConfig, key: int, user: str,
                     channel: str | None, ts: str | None, now: datetime) -> FollowUpResult:
    """Record the first press; a later one records nothing. The pressed DM shows who and when.

    Pressing again in the DM already rewritten queues nothing at all. A press in another
    lead's DM (still showing the button) only rewrites that DM to name who followed up."""
    rating = session.get(Rating, key)
    if rating is None or not rating.negative:
        return FollowUpResult("unknown")
    team = config.team_for(rating.team)
    notified = set(session.scalars(select(RatingNotice.recipient).where(
        RatingNotice.rating_pk == key, RatingNotice.role == "lead")))
    if user not in notified and user not in leads_of(session, config, team.name):
        log.warning("%s pressed Followed up on rating %s but is not a lead of %s", user, key,
                    team.name)
        return FollowUpResult("refused")
    follow = session.get(RatingFollowUp, key)
    if follow is not None:
        if (channel, ts) != (follow.channel, follow.ts):
            _rewrite(session, rating, follow, team.agents, user, channel, ts)
        return FollowUpResult("already", follow.by_user, follow.at)
    follow = RatingFollowUp(rating_pk=key, by_user=user, at=now, channel=channel, ts=ts)
    session.add(follow)
    session.flush()  # the primary key says "once": a concurrent twin fails here
    _rewrite(session, rating, follow, team.agents, user, channel, ts)
    log.info("rating %s followed up by %s", key, user)
    return FollowUpResult("recorded", user, now)


def _rewrite(session: Session, rating: Rating, follow: RatingFollowUp, agents: dict[str, str],
             lead: str, channel: str | None, ts: str | None) -> None:
    if not ts or not is_dm_channel(channel):
        log.warning("Followed up on rating %s pressed outside a DM (%s): nothing rewritten",
                    rating.id, channel)
        return
    assert channel is not None
    card = rating_view(rating, session.get(Ticket, rating.ticket_id), agents, follow)
    RatingMailbox(session, leads=[lead], agent=None).rewrite_lead_dm(
        lead, channel, ts, rating_blocks.lead_dm(card))
