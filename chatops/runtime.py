"""What one process of chatops holds: config, database, services, delivery. Built by
`chatops.app.build_runtime`; handlers and jobs receive it (typed) and use its services."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.delivery.wakeup import Wakeup
from chatops.delivery.worker import DeliveryWorker
from chatops.environment import Environment
from chatops.metrics import Metrics
from chatops.review.service import WeeklyReviews
from chatops.sla.service import SlaService
from chatops.tickets.group_commit import GroupCommit
from chatops.tickets.ingest import Ingest


@dataclass
class Runtime:
    """Everything a process of chatops holds; built once by `build_runtime`."""

    config: AppConfig
    env: Environment
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    metrics: Metrics
    wakeup: Wakeup
    ingest: Ingest
    event_writer: GroupCommit  # the webhook stores events through it, many per transaction
    worker: DeliveryWorker
    sla: SlaService
    reviews: WeeklyReviews  # the weekly review: scheduled, `jobs run`, `review <team>`
    stops: list[Callable[[], None]] = field(default_factory=list)
    worker_thread: threading.Thread | None = None

    def start_worker(self) -> None:
        thread, stop = self.worker.start_thread()
        self.worker_thread = thread
        self.stops.append(stop.set)

    def worker_alive(self) -> bool | None:
        """For /healthz: True or False, or None when no worker is meant to run here."""
        return None if self.worker_thread is None else self.worker_thread.is_alive()

    def close(self) -> None:
        for stop in reversed(self.stops):
            stop()
        if self.worker_thread is not None:
            self.worker_thread.join(timeout=10)
        self.worker.close()
        self.event_writer.close()
        self.wakeup.close()
        self.engine.dispose()
