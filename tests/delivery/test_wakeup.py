"""Waking the worker in its own process."""
from __future__ import annotations

from chatops.delivery.wakeup import Wakeup


def test_in_process_wakeup_fires_once_per_notify() -> None:
    wakeup = Wakeup()
    wakeup.notify()
    assert wakeup.wait(1) is True
    assert wakeup.wait(0.05) is False
