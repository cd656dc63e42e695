"""Waking the worker: in one process, and from the web process over loopback UDP."""
from __future__ import annotations

import time

from chatops.delivery.wakeup import UdpWakeup, UdpWakeupSender, Wakeup


def test_in_process_wakeup_fires_once_per_notify() -> None:
    wakeup = Wakeup()
    wakeup.notify()
    assert wakeup.wait(1) is True
    assert wakeup.wait(0.05) is False


def test_a_datagram_from_another_process_ends_the_wait_at_once() -> None:
    wakeup = UdpWakeup()
    nudger = UdpWakeupSender(wakeup.port)
    try:
        started = time.monotonic()
        assert wakeup.wait(0.05) is False
        assert time.monotonic() - started >= 0.04
        for _ in range(5):  # a burst is drained by one wait
            nudger.notify()
        started = time.monotonic()
        assert wakeup.wait(5) is True
        assert time.monotonic() - started < 1
        assert wakeup.wait(0.05) is False
        wakeup.notify()  # from the worker's own process (scheduler, Socket Mode)
        assert wakeup.wait(5) is True
    finally:
        nudger.close()
        wakeup.close()


def test_nudging_a_worker_that_is_gone_is_harmless() -> None:
    wakeup = UdpWakeup()
    port = wakeup.port
    wakeup.close()
    nudger = UdpWakeupSender(port)
    nudger.notify()  # nobody listens: no error, the web request goes on
    nudger.close()
