"""The weekly review job: each team's `weekly_review.cron` in the team's (else the global)
time zone, `chatops jobs run weekly-review`, and the catch-up when the scheduler starts.

Once per team per ISO week is the database's promise (`chatops.review.service`), so however
often this runs (two schedulers, a restart at the cron's minute, a catch-up after a crash),
a week gets one review unless one more is forced.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from chatops.config import TeamConfig
from chatops.review.service import ReviewResult
from chatops.runtime import Runtime
from db.models import ReceivedEvent

log = logging.getLogger("chatops.jobs.weekly_review")

# A review whose moment passed while no scheduler ran (a restart, a crash) is posted when the
# scheduler starts, if it is at most this late; later than that, `jobs run` posts it by hand.
CATCH_UP = timedelta(hours=12)


def review_trigger(rt: Runtime, team: TeamConfig) -> CronTrigger:
    """The team's cron, on the wall clock of its time zone (daylight saving included)."""
    zone = ZoneInfo(rt.config.team_timezone(team))
    return CronTrigger.from_crontab(team.weekly_review.cron, timezone=zone)


def run_weekly_review(rt: Runtime, team: str | None = None, force: bool = False,
                      trigger: str = "command", at: datetime | None = None) -> list[ReviewResult]:
    """One team's review (or every team's) now; wakes an in-process delivery worker."""
    teams = [team] if team is not None else [t.name for t in rt.config.teams]
    results = [rt.reviews.post(name, force=force, trigger=trigger, at=at) for name in teams]
    if any(r.posted for r in results):
        rt.wakeup.notify()
    return results


def scheduled_weekly_review(rt: Runtime, team: str) -> None:
    """The scheduler's entry for one team's cron: errors are logged, never stop the schedule."""
    try:
        run_weekly_review(rt, team, trigger="schedule")
    except Exception:
        log.exception("weekly review of %s failed; run `chatops jobs run weekly-review --team %s`",
                      team, team)


def last_moment(trigger: CronTrigger, now: datetime, since: datetime) -> datetime | None:
    """The trigger's latest fire time in (since, now], if any."""
    found = None
    moment = trigger.get_next_fire_time(None, since)
    while moment is not None and moment <= now:
        found = moment
        moment = trigger.get_next_fire_time(moment, moment)
    return found


def in_service_at(rt: Runtime, moment: datetime) -> bool:
    """Whether some helpdesk event had reached the app before `moment`."""
    with rt.sessions() as session:
        return session.scalar(select(ReceivedEvent.id).where(ReceivedEvent.received_at < moment)
                              .limit(1)) is not None


def catch_up_reviews(rt: Runtime) -> None:
    """At the scheduler's start: each team whose review moment passed in the last CATCH_UP
    without its week's review gets it now, covering the week before that moment; not when
    the app was not in service yet at that moment (no helpdesk event had reached it: a first
    start on a fresh database), since that week's review would have nothing to show."""
    now = rt.clock.now()
    for team in rt.config.teams:
        try:
            missed = last_moment(review_trigger(rt, team), now, now - CATCH_UP)
            if missed is not None and not in_service_at(rt, missed):
                log.info("weekly review of %s for %s not caught up: no helpdesk event had "
                         "reached chatops by then", team.name, missed.isoformat())
            elif missed is not None:
                for result in run_weekly_review(rt, team.name, trigger="schedule", at=missed):
                    if result.posted:
                        log.warning("weekly review of %s for %s was missed; posted it now",
                                    team.name, missed.isoformat())
        except Exception:
            log.exception("weekly review catch-up of %s failed", team.name)
