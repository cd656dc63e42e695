"""The calls a worker has in flight: senders in parallel, and when the next one comes due.

Each transport has its own few sender threads (a slow Slack call never holds up the other
channels, a hung Teams webhook never holds up Slack); a worker claims only as many rows as it
has free senders. When an answer paces a key into the future (a channel's next post in one
second), that moment is remembered, so the worker's loop wakes exactly then instead of at
its next poll.
"""
from __future__ import annotations

import heapq
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

log = logging.getLogger("chatops.delivery")

SENDERS = {"slack": 8, "teams": 2}  # threads per transport


class InFlight:
    def __init__(self, senders: dict[str, int] | None = None,
                 on_free: Callable[[str], None] | None = None) -> None:
        self.senders = dict(senders or SENDERS)
        self.on_free = on_free  # called when a transport that was full frees a sender
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._busy: dict[str, int] = {}
        self._due: list[datetime] = []
        self._lock = threading.Lock()

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

    def due_at(self, moment: datetime) -> None:
        """Something this worker paced may go at `moment`."""
        with self._lock:
            heapq.heappush(self._due, moment)

    def next_due(self, seen: datetime) -> datetime | None:
        """The soonest remembered moment after `seen`, the moment the last pass looked at the
        database (moments up to it were due for that pass, and are forgotten)."""
        with self._lock:
            while self._due and self._due[0] <= seen:
                heapq.heappop(self._due)
            return self._due[0] if self._due else None

    def shutdown(self) -> None:
        """Stop taking calls; calls under way finish (their answers are still recorded)."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
