"""Choosing and claiming outbox rows so that any number of workers can run side by side.

A row is due when it is pending, its retry time has come, nobody holds a live claim on it,
no earlier row of its stream is still pending (order per thread), and its channel's pace
allows a post. Claims are compare-and-set updates, so two workers never send the same row.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from chatops.delivery.outbox import POST
from db.models import ChannelPace, OutboxMessage

PACE_INTERVAL = timedelta(seconds=1.1)  # Slack allows ~1 chat.postMessage per second per channel
LEASE = timedelta(seconds=60)


def due_rows(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    o = OutboxMessage
    earlier = aliased(OutboxMessage)
    blocked_by_order = (select(earlier.id)
                        .where(earlier.stream == o.stream, earlier.status == "pending",
                               earlier.id < o.id).exists())
    paced = (select(ChannelPace.channel)
             .where(ChannelPace.channel == o.target, ChannelPace.next_at > now).exists())
    query = (select(o)
             .where(o.status == "pending", o.next_attempt_at <= now,
                    or_(o.claimed_until.is_(None), o.claimed_until < now),
                    ~blocked_by_order,
                    or_(o.method != POST, ~paced))
             .order_by(o.id).limit(limit))
    return list(session.scalars(query))


def claim(session: Session, row: OutboxMessage, worker: str, now: datetime) -> bool:
    """Compare-and-set: true only for the one worker whose update hit the row."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending",
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + LEASE, claimed_by=worker)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def reserve_channel(session: Session, channel: str, now: datetime) -> bool:
    """Hold the channel while one post is in flight; `release_channel` sets the real pace."""
    held = session.execute(
        update(ChannelPace)
        .where(ChannelPace.channel == channel, ChannelPace.next_at <= now)
        .values(next_at=now + LEASE).execution_options(synchronize_session=False))
    if held.rowcount == 1:  # type: ignore[attr-defined]
        return True
    if session.get(ChannelPace, channel) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ChannelPace(channel=channel, next_at=now + LEASE))
        return True
    except IntegrityError:
        return False


def release_channel(session: Session, channel: str, next_at: datetime) -> None:
    session.execute(update(ChannelPace).where(ChannelPace.channel == channel)
                    .values(next_at=next_at).execution_options(synchronize_session=False))


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count())
                           .group_by(OutboxMessage.status))
    return {status: n for status, n in rows}


def next_retry_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(OutboxMessage.next_attempt_at))
                          .where(OutboxMessage.status == "pending"))


__all__ = ["due_rows", "claim", "reserve_channel", "release_channel", "counts",
           "next_retry_at", "PACE_INTERVAL"]
