"""The delivery worker: claims due outbox rows, sends them, records what happened."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims
from chatops.delivery.errors import Outcome
from chatops.delivery.outbox import POST, Wakeup
from chatops.delivery.slack_sender import Job, SlackSender
from chatops.delivery.teams_sender import TeamsSender
from chatops.metrics import Metrics
from db.models import OutboxMessage, SlackThread
from db.session import read_only

log = logging.getLogger("chatops.delivery")

IDLE_POLL_SECONDS = 0.25
MIN_PASS_GAP_SECONDS = 0.02


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class DeliveryWorker:
    def __init__(self, sessions: sessionmaker[Session], slack: SlackSender, teams: TeamsSender,
                 metrics: Metrics | None = None, wakeup: Wakeup | None = None,
                 batch: int = 50, pace: timedelta = claims.PACE_INTERVAL) -> None:
        self.sessions = sessions
        self.senders = {"slack": slack, "teams": teams}
        self.metrics = metrics or Metrics()
        self.wakeup = wakeup or Wakeup()
        self.batch = batch
        self.pace = pace  # gap between two posts to one channel
        self.name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    # -- one pass -------------------------------------------------------------------------
    def run_once(self) -> int:
        """Claim what is due, send it; returns how many rows were attempted."""
        jobs = self._claim()
        for job in jobs:
            sender = self.senders[job.transport]
            outcome = sender.send(job)
            self._record(job, outcome)
        return len(jobs)

    def _claim(self) -> list[Job]:
        now = _utcnow()
        jobs: list[Job] = []
        with self.sessions() as session:  # look without blocking writers …
            candidates = claims.due_rows(read_only(session), now, self.batch)
        if not candidates:
            return jobs
        with self.sessions.begin() as session:  # … then claim (compare-and-set) in a write
            for row in candidates:
                paced = row.transport == "slack" and row.method == POST
                if paced and not claims.reserve_channel(session, row.target, now):
                    continue
                if claims.claim(session, row, self.name, now):
                    jobs.append(Job.of(row))
                elif paced:
                    claims.release_channel(session, row.target, now)
        return jobs

    def _record(self, job: Job, outcome: Outcome) -> None:
        now = _utcnow()
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, job.id)
            assert row is not None
            row.attempts += 1
            row.claimed_until = None
            row.claimed_by = None
            if outcome.kind == "ok":
                row.status, row.delivered_at = "done", now
                row.result_channel, row.result_ts = outcome.channel, outcome.ts
                if job.role == "parent" and job.ticket_id and outcome.ts:
                    session.merge(SlackThread(ticket_id=job.ticket_id,
                                              channel=outcome.channel or job.target,
                                              ts=outcome.ts, posted_at=now))
                self.metrics.latency.observe((now - row.created_at).total_seconds())
            elif outcome.kind in ("retry", "ratelimited"):
                row.next_attempt_at = now + timedelta(seconds=outcome.delay)
                row.last_error = outcome.reason
                self.metrics.retries.labels(job.transport).inc()
                if outcome.kind == "ratelimited":
                    self.metrics.rate_limited.labels(job.transport).inc()
                log.warning("outbox #%d %s to %s: %s; retry in %.1fs", job.id, job.method,
                            job.target, outcome.reason, outcome.delay)
            else:
                row.status = "failed" if outcome.kind == "permanent" else "skipped"
                row.last_error = outcome.reason
                level = logging.ERROR if outcome.kind == "permanent" else logging.INFO
                log.log(level, "outbox #%d %s to %s %s: %s", job.id, job.method, job.target,
                        row.status, outcome.reason)
            self.metrics.deliveries.labels(job.transport, outcome.kind).inc()
            if job.transport == "slack" and job.method == POST:
                wait = outcome.delay if outcome.kind == "ratelimited" else 0.0
                pace = self.pace if outcome.kind == "ok" else timedelta(0)
                claims.release_channel(session, job.target,
                                       now + max(pace, timedelta(seconds=wait)))

    # -- loops ------------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event) -> None:
        log.info("delivery worker %s started", self.name)
        last_pass = 0.0
        while not stop.is_set():
            # Under a burst of events wakeups never stop: spacing passes keeps the worker's
            # scans from starving the web threads it shares the process with.
            since = time.monotonic() - last_pass
            if since < MIN_PASS_GAP_SECONDS:
                stop.wait(MIN_PASS_GAP_SECONDS - since)
            last_pass = time.monotonic()
            try:
                attempted = self.run_once()
            except Exception:  # the database may be briefly unavailable: keep going
                log.exception("delivery pass failed; trying again shortly")
                attempted = 0
            if attempted == 0:
                self.wakeup.wait(IDLE_POLL_SECONDS)
        log.info("delivery worker %s stopped", self.name)

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
