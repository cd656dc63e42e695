"""Waking the delivery worker right after a commit, instead of at its next poll.

The worker runs in the process that accepts the events (`chatops serve`'s app process, or a
test's app); a worker elsewhere (`chatops worker`) finds them at its next poll.
"""
from __future__ import annotations

import threading


class Wakeup:
    """In-process: the web handler sets an event the worker waits on."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        fired = self._event.wait(timeout)
        self._event.clear()
        return fired

    def close(self) -> None:
        pass
