"""Transport-wide pauses: an outage or refused credentials stop a transport, not each row.

When the Slack Web API (or one team's Teams webhook) cannot be reached, answers 5xx, or refuses
the app's token, every row would fail the same way. So instead of each row retrying on its own,
the transport is paused: one `delivery_pauses` row, shared by every worker through the
database. Its rows stay pending, in order, without attempts of their own. When `until` comes,
one worker takes the probe (compare-and-set) and lets one row through: any answer about that
row (delivered, or an error about that message only) resumes the transport; another
transport-wide failure pauses it again for twice as long, capped at a minute and jittered so
that workers do not probe in step.

A token Slack refuses (or none at all) pauses Slack until a working token is configured: a
worker starting up probes every pause at once, since a restart is how a new token arrives.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from chatops.delivery.errors import Outcome
from db.models import DeliveryPause, OutboxMessage
from db.upsert import dialect_insert

PAUSE_BASE_SECONDS = 1.0
PAUSE_CAP_SECONDS = 60.0
PROBE_LEASE = timedelta(seconds=60)  # a probing worker that dies holds the probe this long

_TABLE = DeliveryPause.__table__
_C = _TABLE.c
_ALL = select(_TABLE)
_TAKE_PROBE = (update(_TABLE)
               .where(_C.key == bindparam("b_key"), _C.until <= bindparam("b_now"))
               .values(until=bindparam("b_until"), probe_by=bindparam("b_worker")))
_RESUME = delete(_TABLE).where(_C.key == bindparam("b_key"))


@cache
def _insert(dialect: str) -> Any:
    return dialect_insert(dialect, _TABLE).on_conflict_do_nothing(index_elements=["key"]).returning(
        _C.key)


def transport_key(transport: str, target: str) -> str:
    """What pauses together: all of Slack (one token), or one team's Teams webhook."""
    return transport if transport != "teams" else f"teams:{target}"


@dataclass(frozen=True)
class Pause:
    key: str
    kind: str  # outage | credentials
    reason: str
    since: datetime
    until: datetime
    failures: int
    probe_by: str | None = None

    def holds(self, now: datetime) -> bool:
        """Rows wait (a probe is due from `until` on)."""
        return self.until > now


def current(session: Session) -> dict[str, Pause]:
    """Every pause in force (a handful of rows at most)."""
    return {row.key: Pause(row.key, row.kind, row.reason, row.since, row.until, row.failures,
                           row.probe_by) for row in session.execute(_ALL)}


def waiting_for_credentials(session: Session) -> int:
    """Pending rows whose transport is paused for its credentials (0 when none is)."""
    refused = {key for key, p in current(session).items() if p.kind == "credentials"}
    if not refused:
        return 0
    rows = session.execute(select(OutboxMessage.transport, OutboxMessage.target, func.count())
                           .where(OutboxMessage.status == "pending")
                           .group_by(OutboxMessage.transport, OutboxMessage.target))
    return sum(n for transport, target, n in rows if transport_key(transport, target) in refused)


def pause_delay(failures: int, rng: random.Random | None = None) -> float:
    """Capped exponential backoff with "equal jitter": between half and all of 1, 2, 4 … 60 s."""
    step = min(PAUSE_BASE_SECONDS * 2.0 ** max(failures - 1, 0), PAUSE_CAP_SECONDS)
    return (rng or random).uniform(step / 2, step)


def pause(session: Session, key: str, outcome: Outcome, worker: str, now: datetime) -> bool:
    """Record a transport-wide failure; True when it started or lengthened the pause. Failures
    of calls already in flight when another one paused the transport count once."""
    connection = session.connection()
    values = dict(key=key, kind=outcome.kind, reason=outcome.reason[:500], since=now,
                  until=now + timedelta(seconds=pause_delay(1)), failures=1, probe_by=None)
    if connection.execute(_insert(connection.dialect.name), values).first() is not None:
        return True
    row = session.get(DeliveryPause, key, with_for_update=True, populate_existing=True)
    if row is None:  # resumed in between: start again
        return pause(session, key, outcome, worker, now)
    if row.probe_by != worker and row.until > now:
        return False
    row.failures += 1
    row.kind, row.reason, row.probe_by = outcome.kind, outcome.reason[:500], None
    row.until = now + timedelta(seconds=pause_delay(row.failures))
    return True


def take_probe(session: Session, key: str, worker: str, now: datetime) -> bool:
    """Compare-and-set: true for the one worker that may let one row through now."""
    taken = session.connection().execute(_TAKE_PROBE, dict(
        b_key=key, b_now=now, b_until=now + PROBE_LEASE, b_worker=worker))
    return taken.rowcount == 1


def resume(session: Session, key: str) -> bool:
    """The transport answered about a row: every row of it may go again."""
    return session.connection().execute(_RESUME, dict(b_key=key)).rowcount == 1


def probe_all_now(session: Session, now: datetime) -> int:
    """At a worker's start: probe every pause at once (the token may have been fixed)."""
    return session.connection().execute(
        update(_TABLE).values(until=now, probe_by=None)).rowcount


def release_probe(session: Session, key: str, worker: str, now: datetime) -> None:
    """A probe taken but not used (its row went elsewhere): the next pass may probe."""
    session.connection().execute(
        update(_TABLE).where(_C.key == key, _C.probe_by == worker).values(until=now, probe_by=None))
