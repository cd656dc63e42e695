"""The calls a worker has in flight: senders in parallel, and when the next one comes due.

Each transport has its own few sender threads (a slow Slack call never holds up the other
channels, a hung Teams webhook never holds up Slack); a worker claims only as many rows as it
has free senders. When an answer paces a key into the future (a channel's next post in one
second), the row that key sends next is already claimed and waits on a timer that hands it to
a sender at that very moment; a key with nothing more to send has its moment remembered, so
the worker's loop looks again exactly then instead of at its next poll.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from chatops.delivery.outbox import Job

log = logging.getLogger("chatops.delivery")

SENDERS = {"slack": 8, "teams": 2}  # threads per transport


class InFlight:
    def __init__(self, senders: dict[str, int] | None = None,
                 on_free: Callable[[str], None] | None = None) -> None:
        self.senders = dict(senders or SENDERS)
        self.on_free = on_free  # called when a transport that was full frees a sender
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._busy: dict[str, int] = {}
        self._due: dict[str, list[datetime]] = {}  # per transport
        self._lock = threading.Lock()
        self._timed: list[tuple[datetime, int, Job, Callable[[], Any]]] = []
        self._order = itertools.count()
        self._timer_wake = threading.Condition(self._lock)
        self._timer: threading.Thread | None = None
        self._closed = False

    def free(self, transport: str | None) -> int:
        """Senders free for `transport` (None: the fewest free of any transport)."""
        with self._lock:
            names = [transport] if transport else list(self.senders)
            return min(self.senders.get(t, 1) - self._busy.get(t, 0) for t in names)

    def submit(self, transport: str, call: Callable[..., Any], *args: Any) -> Future[Any]:
        with self._lock:
            pool = self._pools.get(transport)
            if pool is None:  # threads only for a transport that has something to send
                pool = self._pools[transport] = ThreadPoolExecutor(
                    self.senders.get(transport, 1), thread_name_prefix=f"send-{transport}")
            self._busy[transport] = self._busy.get(transport, 0) + 1
        future = pool.submit(call, *args)
        future.add_done_callback(lambda done: self._done(transport, done))
        return future

    def _done(self, transport: str, future: Future[Any]) -> None:
        with self._lock:
            full = self._busy[transport] >= self.senders.get(transport, 1)
            self._busy[transport] -= 1
        if not future.cancelled() and future.exception() is not None:
            log.error("a delivery failed unexpectedly", exc_info=future.exception())
        if full and self.on_free is not None:
            self.on_free(transport)

    def due_at(self, transport: str, moment: datetime) -> None:
        """Something this worker paced may go at `moment`."""
        with self._lock:
            heapq.heappush(self._due.setdefault(transport, []), moment)

    def next_due(self, transport: str, seen: datetime) -> datetime | None:
        """The soonest remembered moment after `seen`, the moment the transport's last pass
        looked at the database (moments up to it were due for that pass, and are forgotten)."""
        with self._lock:
            due = self._due.setdefault(transport, [])
            while due and due[0] <= seen:
                heapq.heappop(due)
            return due[0] if due else None

    def at(self, moment: datetime, job: Job, call: Callable[[], Any]) -> None:
        """Run `call` (which sends `job`, claimed already) at `moment`."""
        with self._lock:
            heapq.heappush(self._timed, (moment, next(self._order), job, call))
            if self._timer is None:
                self._timer = threading.Thread(target=self._run_timer, name="send-timer",
                                               daemon=True)
                self._timer.start()
            self._timer_wake.notify()

    def _run_timer(self) -> None:
        while True:
            with self._lock:
                while True:
                    if self._closed:
                        return
                    if self._timed:
                        wait = (self._timed[0][0] - datetime.now(UTC)).total_seconds()
                        if wait <= 0:
                            call = heapq.heappop(self._timed)[3]
                            break
                        self._timer_wake.wait(wait)
                    else:
                        self._timer_wake.wait()
            try:
                call()
            except Exception:
                log.exception("a timed delivery could not start")

    def shutdown(self) -> list[Job]:
        """Stop taking calls; calls under way finish (their answers are still recorded).
        Returns the claimed jobs still waiting for their moment (the caller gives them back)."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
            waiting, self._timed = [item[2] for item in self._timed], []
            self._closed = True
            self._timer_wake.notify()
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
        return waiting
