"""The delivery worker: claims due outbox rows, sends them in parallel, records what happened.

A pass claims what is due (`chatops.delivery.claiming`: pauses, pace keys, a backlog folded
in), hands each claimed row to a sender thread (`chatops.delivery.in_flight`), and expands
deferred rows. Each answer is recorded (`chatops.delivery.recording`), which also claims the
key's next row for the moment its pace allows. The loops run passes whenever something may be
due: woken by a new event, by the moment a paced key comes due, by a sender coming free, or by
a poll.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, outbox, pauses
from chatops.delivery.claiming import Claimer
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


IDLE_POLL_SECONDS = 0.25  # rows of other workers, retries, events of other processes
PAUSED_POLL_SECONDS = 2.0  # while the loop's transport is paused (new events still wake it)
TEAMS_POLL_SECONDS = 1.0  # the Teams loop is woken when Teams cards are written
MIN_PASS_GAP_SECONDS = 0.02
PASS_SHARE = 0.25  # of the loop thread's time, at most, spent in passes under a burst
MAX_PASS_PAUSE_SECONDS = 1.0  # however costly a pass, the next is at most this far behind
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
        self.claimer = Claimer(sessions, self.name)
        self.recorder = Recorder(sessions, self.name, self.pacing, self.metrics, self.in_flight,
                                 self.claimer, on_free=self._kick, send_at=self._send_at)
        self._teams_kick = threading.Event()
        self._recovered = False

    # -- passes -----------------------------------------------------------------------------
    def run_once(self, transport: str | None = None) -> int:
        """One pass, all of it: expand, claim what is due (of one transport, or all), send it
        in parallel and wait for the answers; returns rows handled."""
        expanded, jobs = self._pass(transport, self.batch)
        for future in [self._submit(job) for job in jobs]:
            future.result()
        return expanded + len(jobs)

    def _dispatch(self, transport: str) -> int:
        """The loops' pass: claim no more than the free senders take, hand it to them, and
        go on without waiting for the answers."""
        free = max(self.in_flight.free(transport), 0)
        expanded, jobs = self._pass(transport, min(self.batch, free))
        for job in jobs:
            self._submit(job)
        return expanded + len(jobs)

    def _pass(self, transport: str | None, limit: int) -> tuple[int, list[Job]]:
        """Expand deferred rows and, in the same write transaction, claim what is due; with
        nothing to expand, look on a read-only snapshot first, then claim. One due-rows query
        and one write transaction per pass (the webhook's writer shares the write lock). A
        busy channel's next post does not wait for a pass: its answer claimed it."""
        if not self._recovered:
            self._recover()
        expanded, jobs = self._expand(transport, claim=limit)
        if not expanded:
            jobs = self.claimer.due(transport, limit)
        return expanded, jobs

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
        return self._expand(None)[0]

    def _expand(self, transport: str | None, claim: int = 0) -> tuple[int, list[Job]]:
        """Write the messages of up to 4 x `batch` deferred rows and, in the same transaction,
        claim up to `claim` rows now due. The Slack loop expands; the Teams loop only what
        waited longer than TEAMS_TAKES_OVER (a hung Slack pass must not keep Teams cards from
        being written, and rendering every row twice would only cost CPU)."""
        planned, failed = self._plan_deferred(
            _utcnow() - TEAMS_TAKES_OVER if transport == "teams" else None)
        if not planned and not failed:
            return 0, []
        with self.sessions.begin() as session:
            expanded = self._apply_deferred(session, planned, failed)
            jobs = self.claimer.due_in(session, transport, claim) if expanded and claim > 0 else []
        if any(m.transport == "teams" for _, messages in planned for m in messages):
            self._teams_kick.set()
        return expanded, jobs

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

    def _send_at(self, job: Job, moment: datetime) -> None:
        self.in_flight.at(moment, job, lambda: self._submit(job))

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
        next_pass = 0.0
        while not stop.is_set():
            # Under a burst of events wakeups never stop: spacing passes keeps the worker's
            # scans and writes from crowding out the webhook, which shares the database's
            # write lock and, in `chatops serve`, the interpreter lock. Passes start at least
            # MIN_PASS_GAP_SECONDS apart, and a costly pass (a long outbox to look through) is
            # followed by a pause that keeps passes to PASS_SHARE of the thread's time. A
            # channel's next post does not wait for a pass: the answer before it claimed it.
            wait = next_pass - time.monotonic()
            if wait > 0:
                stop.wait(wait)
            started, cpu = time.monotonic(), time.thread_time()
            try:
                handled = self._dispatch(transport)
            except Exception:  # the database may be briefly unavailable: keep going
                log.exception("delivery pass failed; trying again shortly")
                handled = 0
            cost = time.thread_time() - cpu
            pause = min(cost * (1 - PASS_SHARE) / PASS_SHARE, MAX_PASS_PAUSE_SECONDS)
            next_pass = max(started + MIN_PASS_GAP_SECONDS, time.monotonic() + pause)
            if handled == 0:
                timeout = self._idle_seconds(transport)
                if transport == "teams":  # the wakeup belongs to the Slack loop
                    self._teams_kick.wait(timeout)
                    self._teams_kick.clear()
                else:
                    self.wakeup.wait(timeout)
        log.info("delivery worker %s stopped (%s)", self.name, transport)

    def _idle_seconds(self, transport: str | None) -> float:
        """Until something this worker knows of comes due (a paced key, a probe), at most a
        poll: rows of other workers, retries and new events of other processes come by it."""
        moments: list[datetime] = []
        for name in (transport,) if transport else ("slack", "teams"):
            seen = self.claimer.looked_at.get(name, _utcnow())
            moments += [p.until for p in self.claimer.stopped.values() if p.until > seen]
            soonest = self.in_flight.next_due(name, seen)
            if soonest is not None:
                moments.append(soonest)
        now = _utcnow()
        poll = IDLE_POLL_SECONDS
        if transport == "teams":
            poll = TEAMS_POLL_SECONDS
        elif transport == "slack" and "slack" in self.claimer.stopped:
            poll = PAUSED_POLL_SECONDS  # nothing to send before its probe, a moment above
        wait = min((m - now).total_seconds() for m in moments) if moments else poll
        return min(max(wait, 0.0), poll)

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
        """Stop sending; rows claimed for a later moment are given back."""
        waiting = self.in_flight.shutdown()
        if not waiting:
            return
        try:
            with self.sessions.begin() as session:
                for job in waiting:
                    claims.unclaim(session, job.id, self.name)
                    key = pace_key(job.transport, job.method, job.target)
                    if key is not None:
                        claims.release_channel(session, key, _utcnow())
        except Exception:  # their claims lapse by themselves (or a restart frees them)
            log.exception("could not give back %d claimed row(s)", len(waiting))

    def drain(self, max_seconds: float | None = None) -> int:
        """Deliver until nothing is pending (or time is up, or every row left waits for
        credentials only a restart can bring); returns rows still pending."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while True:
            attempted = self.run_once()
            with self.sessions() as session:
                pending = claims.counts(read_only(session)).get("pending", 0)
                refused = 0 if attempted else pauses.waiting_for_credentials(session)
            if pending == 0:
                return 0
            if refused == pending:
                log.error("%d row(s) wait for a working token (see /healthz): not delivered",
                          pending)
                return pending
            if deadline is not None and time.monotonic() >= deadline:
                return pending
            if attempted == 0:
                left = (deadline or 1e18) - time.monotonic()
                time.sleep(min(self._idle_seconds(None), max(0.0, left)))
