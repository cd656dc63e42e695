"""Choosing and claiming outbox rows so that any number of workers can run side by side.

A row is due when it is pending, its retry time has come, nobody holds a live claim on it,
no earlier row of its stream is still pending (order per thread), and its pace key
(`chatops.delivery.pacing`: the channel of a post, the workspace's chat.update or
chat.postEphemeral) allows a
call. Claims are compare-and-set updates, so two workers never send the same row.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, case, cast, func, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from chatops.delivery.outbox import INTERNAL
from chatops.delivery.pacing import WORKSPACE_KEYS, pace_key
from chatops.processes import alive
from db.models import ChannelPace, OutboxMessage

LEASE = timedelta(seconds=60)

# The statements every send runs, built once (Core: no ORM bookkeeping on the hot path).
_OUTBOX = OutboxMessage.__table__
_PACE = ChannelPace.__table__
_CLAIM = (update(_OUTBOX)
          .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status == "pending",
                 or_(_OUTBOX.c.claimed_until.is_(None), _OUTBOX.c.claimed_until < bindparam("now")))
          .values(claimed_until=bindparam("until"), claimed_by=bindparam("worker")))
_HOLD = (update(_PACE)
         .where(_PACE.c.channel == bindparam("b_channel"), _PACE.c.next_at <= bindparam("now"))
         .values(next_at=bindparam("until")))
_PACE_EXISTS = select(_PACE.c.channel).where(_PACE.c.channel == bindparam("channel"))
_RELEASE = (update(_PACE).where(_PACE.c.channel == bindparam("b_channel"))
            .values(next_at=bindparam("b_next_at")))


def due_rows(session: Session, now: datetime, limit: int, transport: str | None = None,
             held_teams: Collection[str] = ()) -> list[Any]:
    """Candidates to claim, oldest first, as plain rows (no ORM objects: this runs often);
    none of the Teams targets in `held_teams` (paused, no probe due: their rows must not take
    the places of a healthy team's)."""
    if not held_teams:
        return list(session.execute(due_query(limit, transport), {"b_now": now}))
    return list(session.execute(due_query(limit, transport, skipping_teams=True),
                                {"b_now": now, "b_held": sorted(held_teams)}))


def _blocked_by_order(o: type[OutboxMessage]) -> Any:
    """An earlier row of the stream is still pending: this one waits (a thread keeps its
    order, a reply waits for its parent's ts). A parent's redraw holds back only later redraws
    of it: the thread's posts never wait for one (the parent's state, drawn again later, is
    not part of the thread's order, and redraws go at chat.update's slower pace)."""
    earlier = aliased(OutboxMessage)
    return (select(earlier.id)
            .where(earlier.stream == o.stream, earlier.status == "pending", earlier.id < o.id,
                   or_(earlier.role != "parent_update", o.role == "parent_update"))
            .exists())


@lru_cache(maxsize=32)
def due_query(limit: int, transport: str | None = None, skipping_teams: bool = False
              ) -> Select[Any]:
    """Sendable rows, oldest first, at most `limit`: of each pace key only the oldest (a key
    takes one call per interval: under a backlog, more rows of one key would only be claimed,
    refused and released again); rows not paced ahead (Teams cards) each on their own."""
    o = OutboxMessage
    now = bindparam("b_now", type_=OutboxMessage.__table__.c.next_attempt_at.type)
    key = case((and_(o.transport == "slack", o.method.in_(sorted(WORKSPACE_KEYS))), o.method),
               (o.transport == "slack", o.target), else_=null())  # as pacing.pace_key
    # Not correlated: the database works out the paced keys once per query, not per row.
    paced = key.in_(select(ChannelPace.channel).where(ChannelPace.next_at > now))
    heads = (select(func.min(o.id))
             .where(o.status == "pending", o.next_attempt_at <= now,
                    or_(o.claimed_until.is_(None), o.claimed_until < now),
                    o.transport != INTERNAL,
                    ~_blocked_by_order(o),
                    or_(key.is_(None), ~paced))
             .group_by(func.coalesce(key, "row:" + cast(o.id, String)))
             .order_by(func.min(o.id)).limit(limit))
    if transport is not None:
        heads = heads.where(o.transport == transport)
    if skipping_teams:
        heads = heads.where(or_(o.transport != "teams",
                                o.target.not_in(bindparam("b_held", expanding=True))))
    return select(*OutboxMessage.__table__.c).where(o.id.in_(heads)).order_by(o.id)


@lru_cache(maxsize=8)
def key_head_query(workspace_key: str | None) -> Select[Any]:
    """The next row of one pace key, as `due_query` would choose it: the calls of a method
    paced for the whole workspace (`workspace_key`, e.g. chat.update), or the posts to one
    target (`b_key`); due by `b_at`."""
    o = OutboxMessage
    at = bindparam("b_at", type_=OutboxMessage.__table__.c.next_attempt_at.type)
    now = bindparam("b_now", type_=OutboxMessage.__table__.c.next_attempt_at.type)
    of_key = (o.method == workspace_key if workspace_key is not None
              else and_(o.method.not_in(sorted(WORKSPACE_KEYS)), o.target == bindparam("b_key")))
    # This runs for every answer, inside its write transaction: it must walk the pending
    # rows along (transport, status, id) and stop at the key's first one. Compared through
    # coalesce(), next_attempt_at is no index term, so SQLite does not read every pending row
    # by `ix_outbox_due` and sort them instead.
    return (select(*OutboxMessage.__table__.c)
            .where(o.status == "pending", o.transport == "slack", of_key,
                   func.coalesce(o.next_attempt_at, at) <= at,
                   or_(o.claimed_until.is_(None), o.claimed_until < now),
                   ~_blocked_by_order(o))
            .order_by(o.id).limit(1))


def head_of_key(session: Session, key: str, now: datetime, at: datetime) -> Any | None:
    """The row a pace key sends next at `at`, if any."""
    return session.execute(key_head_query(key if key in WORKSPACE_KEYS else None),
                           {"b_key": key, "b_now": now, "b_at": at}).first()


def unclaim(session: Session, row_id: int, worker: str) -> None:
    """Give a claimed row back unsent (a worker stopping with it scheduled)."""
    session.connection().execute(
        update(_OUTBOX).where(_OUTBOX.c.id == row_id, _OUTBOX.c.claimed_by == worker)
        .values(claimed_until=None, claimed_by=None))


def renew(session: Session, row_id: int, worker: str, now: datetime) -> bool:
    """Extend our claim right before sending; false if it lapsed and another worker took it."""
    result = session.connection().execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id == row_id, _OUTBOX.c.status == "pending",
               _OUTBOX.c.claimed_by == worker)
        .values(claimed_until=now + LEASE))
    return result.rowcount == 1


def claim(session: Session, row: Any, worker: str, now: datetime) -> bool:
    """Compare-and-set: true only for the one worker whose update hit the row."""
    result = session.connection().execute(_CLAIM, {"row_id": row.id, "now": now,
                                                   "until": now + LEASE, "worker": worker})
    return result.rowcount == 1


def reserve_channel(session: Session, channel: str, now: datetime) -> bool:
    """Hold a pace key (a channel, the workspace's chat.update) while its call is in flight;
    `release_channel` sets the real pace once the answer is in."""
    conn = session.connection()
    held = conn.execute(_HOLD, {"b_channel": channel, "now": now, "until": now + LEASE})
    if held.rowcount == 1:
        return True
    if conn.execute(_PACE_EXISTS, {"channel": channel}).first() is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ChannelPace(channel=channel, next_at=now + LEASE))
        return True
    except IntegrityError:
        return False


def release_channel(session: Session, channel: str, next_at: datetime) -> None:
    session.connection().execute(_RELEASE, {"b_channel": channel, "b_next_at": next_at})


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count())
                           .group_by(OutboxMessage.status))
    return {status: n for status, n in rows}


def recover_dead_claims(session: Session, host: str, now: datetime) -> int:
    """Free the claims (and channel reservations) of workers on this host that died, e.g.
    by kill -9, instead of waiting for their lease to run out. Worker names are
    `<host>-<pid>-<random>`; a claim of another host is left to its lease."""
    held = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == "pending", OutboxMessage.claimed_until > now,
        OutboxMessage.claimed_by.is_not(None))).all()
    freed = 0
    for row in held:
        parts = (row.claimed_by or "").rsplit("-", 2)  # host may contain "-" itself
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if alive(pid):
            continue
        row.claimed_until, row.claimed_by = None, None
        key = pace_key(row.transport, row.method, row.target)
        if key is not None:
            release_channel(session, key, now)
        freed += 1
    return freed
