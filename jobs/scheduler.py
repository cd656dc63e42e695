"""APScheduler 3.x set-up: in-process for `chatops serve`, standalone for `chatops scheduler`.

Jobs coalesce (a backlog of missed ticks runs once), never overlap themselves, and tolerate
an hour of misfire, so a restart neither loses nor repeats a scan's work; the first scan runs
at start. Nudges are at most once by a database constraint anyway, whatever the scheduler does.
Each team's weekly review runs on its own cron in its time zone; at start, a review missed
while no scheduler ran is caught up (`jobs.weekly_review`); once per ISO week is the
database's promise too.
"""
from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from chatops.runtime import Runtime
from jobs.sla_scan import scheduled_sla_scan
from jobs.weekly_review import catch_up_reviews, review_trigger, scheduled_weekly_review

log = logging.getLogger("chatops.scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
SLA_SCAN = "sla-scan"
WEEKLY_REVIEW = "weekly-review:"  # + the team's name
REVIEW_CATCH_UP = "weekly-review-catch-up"


def add_jobs(scheduler: BaseScheduler, rt: Runtime) -> None:
    every = rt.config.sla.scan_every.total_seconds()
    scheduler.add_job(scheduled_sla_scan, IntervalTrigger(seconds=every, timezone="UTC"),
                      args=[rt], id=SLA_SCAN, name="SLA scan", replace_existing=True,
                      next_run_time=datetime.now(UTC),  # catch up right after a start
                      **JOB_DEFAULTS)
    for team in rt.config.teams:
        scheduler.add_job(scheduled_weekly_review, review_trigger(rt, team), args=[rt, team.name],
                          id=WEEKLY_REVIEW + team.name, name=f"weekly review of {team.name}",
                          replace_existing=True, **JOB_DEFAULTS)
    scheduler.add_job(catch_up_reviews, args=[rt], id=REVIEW_CATCH_UP,
                      name="weekly reviews missed while stopped", replace_existing=True,
                      next_run_time=datetime.now(UTC), **JOB_DEFAULTS)


def make_scheduler(rt: Runtime, blocking: bool = False) -> BaseScheduler:
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone="UTC", job_defaults=dict(JOB_DEFAULTS))
    add_jobs(scheduler, rt)
    return scheduler


def start_background_scheduler(rt: Runtime) -> Callable[[], None]:
    scheduler = make_scheduler(rt)
    scheduler.start()
    log.info("scheduler started with %d job(s)", len(scheduler.get_jobs()))
    return lambda: scheduler.shutdown(wait=False)


def run_scheduler_forever(rt: Runtime) -> int:
    """`chatops scheduler`: blocks until SIGTERM or Ctrl-C."""
    scheduler = make_scheduler(rt, blocking=True)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler running with %d job(s)", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
