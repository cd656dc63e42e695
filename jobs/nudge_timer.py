"""Nudges when their mark is crossed, not at the next interval: the SLA scan on a timer.

Every target clock stores `next_mark_at`, the moment its next unsent mark is crossed (indexed).
The timer reads the earliest of them (one index lookup), sleeps until that moment and scans, so
each mark is sent when it is crossed and, with the app running, none is skipped (a scan every
`scan_every` could find two marks crossed at once and send only the more urgent). An event that
changes a clock (a priority change, a pause, a reopen: in the web process, or in any process of
a scale-out) moves the earliest mark in the database; the timer reads it again at least every
`POLL_SECONDS`, so a mark an event brought forward is never later than that. The interval scan
(`sla.scan_every`) stays as the safety net; both scan under one lock. After downtime, the first
scan finds every mark crossed meanwhile and sends only the most urgent, as before.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from chatops.runtime import Runtime
from chatops.sla.scan import ScanResult
from jobs.sla_scan import run_sla_scan

log = logging.getLogger("chatops.jobs.nudge_timer")

POLL_SECONDS = 1.0  # the earliest mark is read again at least this often


class NudgeTimer:
    def __init__(self, rt: Runtime, poll_seconds: float = POLL_SECONDS) -> None:
        self.rt = rt
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()  # one scan at a time: the timer's or the interval's
        self._poke = threading.Event()

    def next_wake(self) -> datetime | None:
        """When the timer scans next: the earliest unsent mark (None: no target runs)."""
        return self.rt.sla.next_mark_at(self.rt.sessions)

    def tick(self) -> datetime | None:
        """Scan if a mark is due at the clock's now; returns the next moment to wake."""
        due = self.next_wake()
        if due is not None and due <= self.rt.clock.now():
            self.scan()
            due = self.next_wake()
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
