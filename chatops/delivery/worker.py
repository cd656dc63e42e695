"""The delivery worker: claims due outbox rows, sends them in parallel, records what happened.

One pass expands deferred rows, reads the transport pauses, claims what is due (folding a
backlog in, `chatops.delivery.coalescing`) and hands each claimed row to a sender thread
(`chatops.delivery.in_flight`). The loops run passes whenever something may be due: woken by
a new event, by the moment a paced key comes due, by a sender coming free, or by a poll.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, coalescing, outbox, pauses
from chatops.delivery.deferred import DeferredWork
from chatops.delivery.errors import Outcome, transient
from chatops.delivery.in_flight import InFlight
from chatops.delivery.outbox import Job, Message
from chatops.delivery.pacing import Pacing, pace_key
from chatops.delivery.recording import Recorder
from chatops.delivery.slack_sender import SlackSender
from chatops.delivery.teams_sender import TeamsSender
from chatops.delivery.wakeup import Wakeup
from chatops.metrics import Metrics
from db.session import read_only

log = logging.getLogger("chatops.delivery")


class Sender(Protocol):
    def send(self, job: Job) -> Outcome: ...


IDLE_POLL_SECONDS = 0.25
MIN_PASS_GAP_SECONDS = 0.02
RENEW_AFTER_SECONDS = 10.0  # a row that waited this long for a sender renews its claim first
TEAMS_TAKES_OVER = timedelta(seconds=5)  # deferred rows older than this, the Teams loop expands too


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(self, sessions: sessionmaker[Session], slack: SlackSender, teams: TeamsSender,
                 metrics: Metrics | None = None, wakeup: Wakeup | None = None,
                 batch: int = 50, pacing: Pacing | None = None,
                 deferred: DeferredWork | None = None,
                 senders: dict[str, int] | None = None) -> None:
        self.sessions = sessions
        self.senders: dict[str, Sender] = {"slack": slack, "teams": teams}
        self.metrics = metrics or Metrics()
        self.wakeup = wakeup or Wakeup()
        self.batch = batch
        self.pacing = pacing or Pacing()
        self.deferred = deferred or DeferredWork()  # its handlers are registered by chatops.app
        self.host = socket.gethostname()
        self.name = f"{self.host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.in_flight = InFlight(senders, on_free=self._kick)
        self.recorder = Recorder(sessions, self.name, self.pacing, self.metrics, self.in_flight,
                                 on_free=self._kick)
        self._teams_kick = threading.Event()
        self._looked_at = _utcnow()  # when the last pass read the database
        self._stopped: dict[str, pauses.Pause] = {}  # the pauses the last pass saw
        self._recovered = False

    # -- passes -----------------------------------------------------------------------------
    def run_once(self, transport: str | None = None) -> int:
        """One pass, all of it: expand, claim what is due (of one transport, or all), send it
        in parallel and wait for the answers; returns rows handled."""
        expanded, jobs = self._expand_and_claim(transport, self.batch)
        for future in [self._submit(job) for job in jobs]:
            future.result()
        return expanded + len(jobs)

    def _dispatch(self, transport: str) -> int:
        """The loops' pass: claim no more than the free senders take; do not wait for them."""
        expanded, jobs = self._expand_and_claim(
            transport, min(self.batch, max(self.in_flight.free(transport), 0)))
        for job in jobs:
            self._submit(job)
        return expanded + len(jobs)

    def _submit(self, job: Job) -> Any:
        return self.in_flight.submit(job.transport, self._send, job, time.monotonic())

    def _send(self, job: Job, claimed: float) -> None:
        if time.monotonic() - claimed > RENEW_AFTER_SECONDS:  # waited for a sender: still ours?
            with self.sessions.begin() as session:
                if not claims.renew(session, job.id, self.name, _utcnow()):
                    return
        try:
            outcome = self.senders[job.transport].send(job)
        except Exception as exc:  # a bug or an odd answer: retry later, keep the others going
            log.exception("outbox #%d: sending failed unexpectedly", job.id)
            outcome = transient(f"{type(exc).__name__}: {exc}", job.attempts)
        self.recorder.record(job, outcome, _utcnow())

    def _recover(self) -> None:
        with self.sessions.begin() as session:
            freed = claims.recover_dead_claims(session, self.host, _utcnow())
            pauses.probe_all_now(session, _utcnow())  # a restart may bring a working token
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

    def _expand_and_claim(self, transport: str | None, limit: int) -> tuple[int, list[Job]]:
        """Write the deferred rows' messages and claim at most `limit` due rows
        (compare-and-set), in one write transaction: the write lock once per pass."""
        if not self._recovered:
            self._recover()
        now = self._looked_at = _utcnow()
        # The Slack loop expands; the Teams loop only what waited longer than TEAMS_TAKES_OVER
        # (a hung Slack pass must not keep Teams cards from being written, and rendering every
        # row twice would only cost the web process CPU).
        planned, failed = self._plan_deferred(
            now - TEAMS_TAKES_OVER if transport == "teams" else None)
        candidates: list[Any] = []
        with self.sessions() as session:  # look without blocking writers …
            self._stopped = stopped = pauses.current(read_only(session))
            if not planned and limit > 0:  # else they are looked up once written
                candidates = self._candidates(session, now, limit, transport, stopped)
        self.recorder.paused = set(stopped)
        if not candidates and not planned and not failed:
            return 0, []
        with self.sessions.begin() as session:  # … then write and claim
            expanded = self._apply_deferred(session, planned, failed)
            if expanded and limit > 0:  # what was just expanded may be due now
                candidates = self._candidates(session, now, limit, transport, stopped)
            return expanded, [job for row in candidates
                              if (job := self._claim(session, row, stopped, now)) is not None]

    def _candidates(self, session: Session, now: datetime, limit: int, transport: str | None,
                    stopped: dict[str, pauses.Pause]) -> list[Any]:
        """Due rows, but none of a paused transport: only one, when its probe is due."""
        slack = stopped.get("slack")
        if slack is None or transport == "teams":
            rows = claims.due_rows(session, now, limit, transport)
        else:  # Slack paused: its rows are not even looked at until the probe
            rows = [] if slack.holds(now) else claims.due_rows(session, now, 1, "slack")
            if transport is None:
                rows += claims.due_rows(session, now, limit, "teams")
        kept, probing = [], set()
        for row in rows:
            key = pauses.transport_key(row.transport, row.target)
            if key in stopped:
                if stopped[key].holds(now) or key in probing:
                    continue
                probing.add(key)
            kept.append(row)
        return kept

    def _claim(self, session: Session, row: Any, stopped: dict[str, pauses.Pause],
               now: datetime) -> Job | None:
        """Claim one candidate: superseded updates are dropped, a paused transport's probe is
        taken, the pace key held, queued replies folded in."""
        if coalescing.drop_superseded(session, row, now):
            return None
        probe = pauses.transport_key(row.transport, row.target)
        if probe in stopped and not pauses.take_probe(session, probe, self.name, now):
            return None
        key = pace_key(row.transport, row.method, row.target)
        if (key is None or claims.reserve_channel(session, key, now)) and claims.claim(
                session, row, self.name, now):
            merged = coalescing.merge_behind(session, row, now)
            job = Job.of(row) if merged is None else replace(Job.of(row), payload=merged)
            if probe in stopped:
                self.recorder.probes.add(job.id)
            return job
        if key is not None:
            claims.release_channel(session, key, now)
        if probe in stopped:
            pauses.release_probe(session, probe, self.name, now)
        return None

    # -- loops ------------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event) -> None:
        """Slack (and internal expansion) in this thread, Teams in its own: a hanging Teams
        endpoint never holds up Slack."""
        teams = threading.Thread(target=self._loop, args=(stop, "teams"), name="delivery-teams",
                                 daemon=True)
        teams.start()
        self._loop(stop, "slack")
        self._teams_kick.set()
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
                handled = self._dispatch(transport)
            except Exception:  # the database may be briefly unavailable: keep going
                log.exception("delivery pass failed; trying again shortly")
                handled = 0
            if handled == 0:
                timeout = self._idle_seconds()
                if transport == "teams":  # the wakeup belongs to the Slack loop
                    self._teams_kick.wait(timeout)
                    self._teams_kick.clear()
                else:
                    self.wakeup.wait(timeout)
        log.info("delivery worker %s stopped (%s)", self.name, transport)

    def _idle_seconds(self) -> float:
        """Until something this worker knows of comes due (a paced key, a probe), at most a
        poll: rows of other workers, retries and new events of other processes come by it."""
        moments = [p.until for p in self._stopped.values() if p.until > self._looked_at]
        soonest = self.in_flight.next_due(self._looked_at)
        if soonest is not None:
            moments.append(soonest)
        wait = min((m - _utcnow()).total_seconds() for m in moments) if moments else None
        return IDLE_POLL_SECONDS if wait is None else min(max(wait, 0.0), IDLE_POLL_SECONDS)

    def _kick(self, transport: str) -> None:
        """A sender came free, or a key is free at once: the transport's loop looks again."""
        if transport == "teams":
            self._teams_kick.set()
        else:
            self.wakeup.notify()

    def start_thread(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self.run_forever, args=(stop,), name="delivery",
                                  daemon=True)
        thread.start()
        return thread, stop

    def close(self) -> None:
        self.in_flight.shutdown()

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
                left = (deadline or 1e18) - time.monotonic()
                time.sleep(min(self._idle_seconds(), max(0.0, left)))
