"""Waking the delivery worker right after a commit, instead of at its next poll.

`Wakeup` is for a worker in the same process. Under `chatops serve` the web server runs in its
own process: there the worker listens on a loopback UDP port (`UdpWakeup`) and the web process
sends one byte per accepted event (`UdpWakeupSender`). A lost datagram costs nothing but latency:
the worker polls anyway.
"""
from __future__ import annotations

import select
import socket
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


class UdpWakeup(Wakeup):
    """The worker's side: a loopback UDP socket; `port` is what the web process sends to."""

    def __init__(self) -> None:
        super().__init__()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.setblocking(False)
        self.port: int = self._sock.getsockname()[1]

    def wait(self, timeout: float) -> bool:
        if self._event.is_set():  # notified from this process
            self._event.clear()
            return True
        readable, _, _ = select.select([self._sock], [], [], timeout)
        fired = self._event.is_set()
        self._event.clear()
        while readable:
            try:
                self._sock.recv(64)
                fired = True
            except (BlockingIOError, OSError):
                break
        return fired

    def notify(self) -> None:
        super().notify()
        self._sock.sendto(b"!", ("127.0.0.1", self.port))  # ends a select() in progress

    def close(self) -> None:
        self._sock.close()


class UdpWakeupSender(Wakeup):
    """The web process's side: `notify` sends one datagram to the worker's port."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self._address = ("127.0.0.1", port)

    def notify(self) -> None:
        try:
            self._sock.sendto(b"!", self._address)
        except OSError:  # buffer full or worker gone: it polls anyway
            pass

    def close(self) -> None:
        self._sock.close()
