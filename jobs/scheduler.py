"""APScheduler 3.x set-up: in-process for `chatops serve`, standalone for `chatops scheduler`."""
from __future__ import annotations

import logging
import signal
import threading
from typing import Any, Callable

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("chatops.scheduler")


def make_scheduler(rt: Any) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    return scheduler


def start_background_scheduler(rt: Any) -> Callable[[], None]:
    scheduler = make_scheduler(rt)
    scheduler.start()
    log.info("scheduler started with %d job(s)", len(scheduler.get_jobs()))
    return lambda: scheduler.shutdown(wait=False)


def run_scheduler_forever(rt: Any) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    shutdown = start_background_scheduler(rt)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    shutdown()
    return 0
