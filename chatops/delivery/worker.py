"""The delivery worker: claims due outbox rows, sends them, records what happened."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, outbox
from chatops.delivery.deferred import DeferredWork
from chatops.delivery.errors import Outcome, transient
from chatops.delivery.outbox import POST, Job, Message
from chatops.delivery.slack_sender import SlackSender
from chatops.delivery.teams_sender import TeamsSender
from chatops.delivery.wakeup import Wakeup
from chatops.metrics import Metrics
from db.models import OutboxMessage
from db.session import read_only
from db.upsert import remember_stream_thread, remember_thread

log = logging.getLogger("chatops.delivery")

class Sender(Protocol):
    def send(self, job: Job) -> Outcome: ...


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
_GIVEN_UP = _recording(status=bindparam("b_status"), last_error=bindparam("b_error"))
IDLE_POLL_SECONDS = 0.25
MIN_PASS_GAP_SECONDS = 0.02
RENEW_AFTER_SECONDS = 10.0  # a pass running longer renews each claim before its send
TEAMS_TAKES_OVER = timedelta(seconds=5)  # deferred rows older than this, the Teams loop expands too


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(self, sessions: sessionmaker[Session], slack: SlackSender, teams: TeamsSender,
                 metrics: Metrics | None = None, wakeup: Wakeup | None = None,
                 batch: int = 50, pace: timedelta = claims.PACE_INTERVAL,
                 deferred: DeferredWork | None = None) -> None:
        self.sessions = sessions
        self.senders: dict[str, Sender] = {"slack": slack, "teams": teams}
        self.metrics = metrics or Metrics()
        self.wakeup = wakeup or Wakeup()
        self.batch = batch
        self.pace = pace  # gap between two posts to one channel
        self.deferred = deferred or DeferredWork()  # its handlers are registered by chatops.app
        self.host = socket.gethostname()
        self.name = f"{self.host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._recovered = False

    # -- one pass -------------------------------------------------------------------------
    def run_once(self, transport: str | None = None) -> int:
        """Expand deferred rows, claim what is due (of one transport, or all), send it;
        returns rows handled."""
        if not self._recovered:
            self._recover()
        expanded, jobs = self._expand_and_claim(transport)
        started = time.monotonic()
        for job in jobs:
            if time.monotonic() - started > RENEW_AFTER_SECONDS:
                # A slow pass: make sure our claim has not lapsed before sending.
                with self.sessions.begin() as session:
                    if not claims.renew(session, job.id, self.name, _utcnow()):
                        continue
            try:
                outcome = self.senders[job.transport].send(job)
            except Exception as exc:  # a bug or an odd answer: retry later, keep the pass going
                log.exception("outbox #%d: sending failed unexpectedly", job.id)
                outcome = transient(f"{type(exc).__name__}: {exc}", job.attempts)
            self._record(job, outcome)
        return expanded + len(jobs)

    def _recover(self) -> None:
        with self.sessions.begin() as session:
            freed = claims.recover_dead_claims(session, self.host, _utcnow())
        self._recovered = True
        if freed:
            log.warning("freed %d outbox row(s) claimed by a worker that died", freed)

    def expand_deferred(self) -> int:
        """Expand the pending deferred rows now; returns how many were."""
        planned, failed = self._plan_deferred()
        if not planned and not failed:
            return 0
        with self.sessions.begin() as session:
            return self._apply_deferred(session, planned, failed)

    def _plan_deferred(self, created_before: datetime | None = None
                       ) -> tuple[list[tuple[int, list[Message]]], list[tuple[int, str]]]:
        """Each pending deferred row's messages, asked of its handler on a read-only
        snapshot: rendering never holds the write lock the webhook's writers share."""
        planned: list[tuple[int, list[Message]]] = []
        failed: list[tuple[int, str]] = []
        with self.sessions() as session:
            for row in self.deferred.pending(read_only(session), self.batch * 4, created_before):
                try:
                    planned.append((row.id, self.deferred.messages(session, row)))
                except Exception as exc:  # a bug must not stop every other delivery
                    log.exception("outbox #%d: expanding deferred work failed", row.id)
                    failed.append((row.id, f"{type(exc).__name__}: {exc}"))
        return planned, failed

    def _apply_deferred(self, session: Session, planned: list[tuple[int, list[Message]]],
                        failed: list[tuple[int, str]]) -> int:
        for row_id, reason in failed:
            outbox.settle_deferred(session, row_id, "failed", reason)
        return sum(self.deferred.apply(session, row_id, messages) for row_id, messages in planned)

    def _expand_and_claim(self, transport: str | None) -> tuple[int, list[Job]]:
        """Write the deferred rows' messages and claim what is due (compare-and-set), in one
        write transaction: each takes the write lock once per pass, not twice."""
        now = _utcnow()
        # The Slack loop expands; the Teams loop only what waited longer than TEAMS_TAKES_OVER
        # (a hung Slack pass must not keep Teams cards from being written, and rendering every
        # row twice would only cost the web process CPU).
        planned, failed = self._plan_deferred(
            now - TEAMS_TAKES_OVER if transport == "teams" else None)
        candidates: list[Any] = []
        if not planned:  # else the rows to claim are looked up once they are written
            with self.sessions() as session:  # look without blocking writers …
                candidates = claims.due_rows(read_only(session), now, self.batch, transport)
        jobs: list[Job] = []
        if not candidates and not planned and not failed:
            return 0, jobs
        with self.sessions.begin() as session:  # … then write and claim
            expanded = self._apply_deferred(session, planned, failed)
            if expanded:  # what was just expanded may be due now
                candidates = claims.due_rows(session, now, self.batch, transport)
            for row in candidates:
                paced = row.transport == "slack" and row.method == POST
                if paced and not claims.reserve_channel(session, row.target, now):
                    continue
                if claims.claim(session, row, self.name, now):
                    jobs.append(Job.of(row))
                elif paced:
                    claims.release_channel(session, row.target, now)
        return expanded, jobs

    def _record(self, job: Job, outcome: Outcome) -> None:
        """One Core UPDATE (this runs for every send), guarded: only while the row is ours."""
        now = _utcnow()
        if outcome.kind == "ok":
            statement, values = _DELIVERED, dict(b_at=now, b_channel=outcome.channel,
                                                 b_ts=outcome.ts)
        elif outcome.kind in ("retry", "ratelimited"):
            statement, values = _RETRY, dict(b_at=now + timedelta(seconds=outcome.delay),
                                             b_error=outcome.reason)
        else:
            statement, values = _GIVEN_UP, dict(
                b_status="failed" if outcome.kind == "permanent" else "skipped",
                b_error=outcome.reason)
        with self.sessions.begin() as session:
            mine = session.connection().execute(statement, dict(values, b_id=job.id,
                                                                b_worker=self.name))
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
            if job.transport == "slack" and job.method == POST:
                wait = outcome.delay if outcome.kind == "ratelimited" else 0.0
                pace = self.pace if outcome.kind == "ok" else timedelta(0)
                claims.release_channel(session, job.target,
                                       now + max(pace, timedelta(seconds=wait)))
        self._count(job, outcome, now)

    def _count(self, job: Job, outcome: Outcome, now: datetime) -> None:
        """Metrics and the log line of one attempt."""
        self.metrics.deliveries.labels(job.transport, outcome.kind).inc()
        if outcome.kind == "ok":
            if job.created_at is not None:
                self.metrics.latency.observe((now - job.created_at).total_seconds())
        elif outcome.kind in ("retry", "ratelimited"):
            self.metrics.retries.labels(job.transport).inc()
            if outcome.kind == "ratelimited":
                self.metrics.rate_limited.labels(job.transport).inc()
            log.warning("outbox #%d %s to %s: %s; retry in %.1fs", job.id, job.method,
                        job.target, outcome.reason, outcome.delay)
        else:
            status = "failed" if outcome.kind == "permanent" else "skipped"
            level = logging.ERROR if outcome.kind == "permanent" else logging.INFO
            log.log(level, "outbox #%d %s to %s %s: %s", job.id, job.method, job.target,
                    status, outcome.reason)

    # -- loops ------------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event) -> None:
        """Slack (and internal expansion) in this thread, Teams in its own: a hanging Teams
        endpoint never holds up Slack."""
        teams = threading.Thread(target=self._loop, args=(stop, "teams"), name="delivery-teams",
                                 daemon=True)
        teams.start()
        self._loop(stop, "slack")
        teams.join(timeout=10)

    def _loop(self, stop: threading.Event, transport: str) -> None:
        log.info("delivery worker %s started (%s)", self.name, transport)
        last_pass = 0.0
        while not stop.is_set():
            # Under a burst of events wakeups never stop: spacing passes keeps the worker's
            # scans from starving the web threads it shares the process with.
            since = time.monotonic() - last_pass
            if since < MIN_PASS_GAP_SECONDS:
                stop.wait(MIN_PASS_GAP_SECONDS - since)
            last_pass = time.monotonic()
            try:
                attempted = self.run_once(transport)
            except Exception:  # the database may be briefly unavailable: keep going
                log.exception("delivery pass failed; trying again shortly")
                attempted = 0
            if attempted == 0 and transport == "teams":
                stop.wait(IDLE_POLL_SECONDS)  # the wakeup belongs to the Slack loop
            elif attempted == 0:
                self.wakeup.wait(IDLE_POLL_SECONDS)
        log.info("delivery worker %s stopped (%s)", self.name, transport)

    def start_thread(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self.run_forever, args=(stop,), name="delivery",
                                  daemon=True)
        thread.start()
        return thread, stop

    def drain(self, max_seconds: float | None = None) -> int:
        """Deliver until nothing is pending (or time is up); returns rows still pending."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while True:
            attempted = self.run_once()
            with self.sessions() as session:
                pending = claims.counts(session).get("pending", 0)
            if pending == 0:
                return 0
            if deadline is not None and time.monotonic() >= deadline:
                return pending
            if attempted == 0:
                time.sleep(min(IDLE_POLL_SECONDS, max(0.0, (deadline or 1e18) - time.monotonic())))
