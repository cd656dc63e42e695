"""Nudges when their mark is crossed, not at the next interval: the SLA scan on a timer.

Every target clock stores `next_mark_at`, the moment its next unsent mark is crossed (indexed).
The timer reads the earliest of them (one index lookup), sleeps until that moment and scans, so
each mark is sent when it is crossed and, with the app running, none is skipped (a scan every
`scan_every` could find two marks crossed at once and send only the more urgent). An event that
changes a clock (a priority change, a pause, a reopen: in this process, or in any process of
a scale-out) moves the earliest mark in the database; the timer reads it again at least every
`POLL_SECONDS`, so a mark an event brought forward is never later than that. The interval scan
(`sla.scan_every`) stays as the safety net; both scan under one lock. After downtime, the first
scan finds every mark crossed meanwhile and sends only the most urgent, as before. A scan that
fails, or leaves the earliest mark due (its ticket locked by another transaction), is tried
again after 1 s, then 2, 4 … up to `MAX_RETRY_SECONDS`, not at once.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from chatops.runtime import Runtime
from chatops.sla.scan import ScanResult
from jobs.sla_scan import run_sla_scan

log = logging.getLogger("chatops.jobs.nudge_timer")

POLL_SECONDS = 1.0  # the earliest mark is read again at least this often
MAX_RETRY_SECONDS = 60.0  # the longest wait before scanning again for a mark a scan left due


class NudgeTimer:
    def __init__(self, rt: Runtime, poll_seconds: float = POLL_SECONDS) -> None:
        self.rt = rt
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()  # one scan at a time: the timer's or the interval's
        self._poke = threading.Event()
        self._backoff = 0.0  # seconds; 0 while scans move the earliest mark
        self._retry_at: datetime | None = None

    def next_wake(self) -> datetime | None:
        """When the timer scans next: the earliest unsent mark (None: no target runs)."""
        return self.rt.sla.next_mark_at(self.rt.sessions)

    def tick(self) -> datetime | None:
        """Scan if a mark is due at the clock's now; returns the next moment to wake."""
        due = self.next_wake()
        now = self.rt.clock.now()
        if due is None or due > now:
            self._backoff, self._retry_at = 0.0, None
            return due
        if self._retry_at is not None and now < self._retry_at:
            return self._retry_at  # the last scan left this mark due: not again so soon
        self.scan()
        due = self.next_wake()
        if due is not None and due <= now:  # the scan failed, or could not send that mark
            self._backoff = min(self._backoff * 2 or 1.0, MAX_RETRY_SECONDS)
            self._retry_at = now + timedelta(seconds=self._backoff)
            return self._retry_at
        self._backoff, self._retry_at = 0.0, None
        return due

    def scan(self) -> ScanResult | None:
        """One scan now (also the interval job's); never raises: the next one retries."""
        with self._lock:
            try:
                return run_sla_scan(self.rt)
            except Exception:
                log.exception("SLA scan failed; the next one retries")
                return None

    def poke(self) -> None:
        """Read the earliest mark again now (an in-process event moved a clock)."""
        self._poke.set()

    def run(self, stop: threading.Event) -> None:
        log.info("nudge timer started (earliest mark read every %.1fs at most)", self.poll_seconds)
        while not stop.is_set():
            try:
                due = self.tick()
            except Exception:  # the database may be briefly unavailable
                log.exception("reading the next SLA mark failed; trying again shortly")
                due = None
            wait = self.poll_seconds
            if due is not None:
                wait = min(max((due - self.rt.clock.now()).total_seconds(), 0.0), wait)
            self._poke.wait(wait)
            self._poke.clear()

    def start(self) -> Callable[[], None]:
        """Run in a thread of its own; returns what stops it."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="nudge-timer", daemon=True)
        thread.start()

        def halt() -> None:
            stop.set()
            self.poke()
            thread.join(timeout=10)

        return halt
