"""What one answer does to its row, its pace key and its transport, in one transaction.

- delivered: the row is done (a parent's ts is remembered for its thread);
- an error about this row: retried later (`retry`, `ratelimited`) or given up on;
- an outage or refused credentials: the row waits, its place kept and no retry time of its own,
  and the transport pauses (`chatops.delivery.pauses`); any other answer of a paused
  transport resumes it.
The pace key is set to the moment of the answer plus its interval (or the Retry-After of a
429). In the same transaction the row that key sends next is claimed (`follow`) and handed to
a timer for that moment (`send_at`); with nothing more to send, the moment is remembered, so
the worker's loop looks again exactly then.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, pauses
from chatops.delivery.claiming import Claimer
from chatops.delivery.errors import Outcome
from chatops.delivery.in_flight import InFlight
from chatops.delivery.outbox import Job
from chatops.delivery.pacing import Pacing, pace_key
from chatops.metrics import Metrics
from db.models import OutboxMessage
from db.upsert import remember_stream_thread, remember_thread

log = logging.getLogger("chatops.delivery")


def _recording(**values: Any) -> Any:
    """The UPDATE that records one attempt's outcome, only while the row is still ours
    (built once: it runs for every send)."""
    o = OutboxMessage.__table__
    return (update(o)
            .where(o.c.id == bindparam("b_id"), o.c.status == "pending",
                   or_(o.c.claimed_by.is_(None), o.c.claimed_by == bindparam("b_worker")))
            .values(attempts=o.c.attempts + 1, claimed_until=None, claimed_by=None, **values))


_DELIVERED = _recording(status="done", delivered_at=bindparam("b_at"),
                        result_channel=bindparam("b_channel"), result_ts=bindparam("b_ts"))
_RETRY = _recording(next_attempt_at=bindparam("b_at"), last_error=bindparam("b_error"))
_WAIT = _recording(last_error=bindparam("b_error"))  # for its transport: no time of its own
_GIVEN_UP = _recording(status=bindparam("b_status"), last_error=bindparam("b_error"))
_ANSWERED = frozenset({"ok", "retry", "ratelimited", "permanent"})  # Slack counted the call
FOLLOW_WITHIN = timedelta(seconds=10)  # a key's next row is claimed ahead this far at most



class Recorder:
    def __init__(self, sessions: sessionmaker[Session], worker: str, pacing: Pacing,
                 metrics: Metrics, in_flight: InFlight, claimer: Claimer,
                 on_free: Callable[[str], None],
                 send_at: Callable[[Job, datetime], None] | None = None) -> None:
        self.sessions = sessions
        self.claimer = claimer  # claims a key's next row in the answer's transaction …
        self.send_at = send_at  # … and this sends it when the key's allowance comes due
        self.worker = worker
        self.pacing = pacing
        self.metrics = metrics
        self.in_flight = in_flight
        self.on_free = on_free  # a key is free again at once: the transport's loop looks

    def record(self, job: Job, outcome: Outcome, now: datetime) -> None:
        """One transaction (this runs for every send), guarded: only while the row is ours."""
        if outcome.kind == "ok":
            statement, values = _DELIVERED, dict(b_at=now, b_channel=outcome.channel,
                                                 b_ts=outcome.ts)
        elif outcome.kind in ("retry", "ratelimited"):
            statement, values = _RETRY, dict(b_at=now + timedelta(seconds=outcome.delay),
                                             b_error=outcome.reason)
        elif outcome.transport_wide:
            statement, values = _WAIT, dict(b_error=outcome.reason)
        else:
            statement, values = _GIVEN_UP, dict(
                b_status="failed" if outcome.kind == "permanent" else "skipped",
                b_error=outcome.reason)
        probe = self.claimer.is_probe(job.id)
        key = pace_key(job.transport, job.method, job.target)
        next_at = now
        if key is not None and outcome.kind in _ANSWERED and outcome.heard:
            wait = timedelta(seconds=outcome.delay if outcome.kind == "ratelimited" else 0.0)
            next_at = now + max(self.pacing.interval(key), wait)
        transport = pauses.transport_key(job.transport, job.target)
        paused = resumed = False
        following: Job | None = None
        with self.sessions.begin() as session:
            mine = session.connection().execute(statement, dict(values, b_id=job.id,
                                                                b_worker=self.worker))
            if mine.rowcount != 1:
                log.warning("outbox #%d: our claim lapsed and another worker took it over; "
                            "its outcome counts", job.id)
                return
            if outcome.kind == "ok" and job.role == "parent" and job.ticket_id and outcome.ts:
                remember_thread(session, job.ticket_id, outcome.channel or job.target,
                                outcome.ts, now)
            elif outcome.kind == "ok" and job.role == "thread_parent" and outcome.ts:
                remember_stream_thread(session, job.stream, outcome.channel or job.target,
                                       outcome.ts, now)
            if key is not None:
                if (self.send_at is not None and outcome.kind in _ANSWERED
                        and next_at - now <= FOLLOW_WITHIN):
                    following = self.claimer.follow(session, key, now, next_at)
                # The key is held while its next row waits for `next_at`, else paced till then.
                claims.release_channel(session, key,
                                       next_at if following is None else now + claims.LEASE)
            if outcome.transport_wide:
                paused = pauses.pause(session, transport, outcome, self.worker, now)
            elif outcome.heard and (probe or transport in self.claimer.stopped):
                resumed = pauses.resume(session, transport)
            elif probe:  # the row never reached the transport: another one probes
                pauses.release_probe(session, transport, self.worker, now)
        if following is not None and self.send_at is not None:
            self.send_at(following, next_at)
        elif key is not None and next_at > now:
            self.in_flight.due_at(job.transport, next_at)
        elif key is not None:
            self.on_free(job.transport)
        self._count(job, outcome, now, transport, paused, resumed)

    def _count(self, job: Job, outcome: Outcome, now: datetime, transport: str, paused: bool,
               resumed: bool) -> None:
        """Metrics and the log line of one attempt."""
        self.metrics.deliveries.labels(job.transport, outcome.kind).inc()
        if resumed:
            log.warning("%s answers again: sending resumes", transport)
        if outcome.kind == "ok":
            if job.created_at is not None:
                self.metrics.latency.observe((now - job.created_at).total_seconds())
        elif outcome.kind in ("retry", "ratelimited"):
            self.metrics.retries.labels(job.transport).inc()
            if outcome.kind == "ratelimited":
                self.metrics.rate_limited.labels(job.transport).inc()
            log.warning("outbox #%d %s to %s: %s; retry in %.1fs", job.id, job.method,
                        job.target, outcome.reason, outcome.delay)
        elif outcome.transport_wide:
            if paused:
                log.error("%s paused (%s): %s; outbox #%d and every other row of it wait",
                          transport, outcome.kind, outcome.reason, job.id)
        else:
            status = "failed" if outcome.kind == "permanent" else "skipped"
            level = logging.ERROR if outcome.kind == "permanent" else logging.INFO
            log.log(level, "outbox #%d %s to %s %s: %s", job.id, job.method, job.target,
                    status, outcome.reason)
