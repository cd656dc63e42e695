"""Each team's review on its cron, in its time zone, across daylight-saving changes (a fixed
clock, no sleeping), and the catch-up of a review missed while no scheduler ran."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models_review import WeeklyReview
from jobs.scheduler import WEEKLY_REVIEW, make_scheduler
from jobs.weekly_review import catch_up_reviews
from tests.events import event
from tests.review.support import review_config


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("before, fire, following, hours", [
    # Europe/Berlin leaves summer time on Sunday 25 October 2026: 10:00 is 08:00 UTC, then
    # 09:00 UTC; that week is 169 hours long.
    (utc(2026, 10, 19, 7), utc(2026, 10, 19, 8), utc(2026, 10, 26, 9), 169),
    # … and enters it on Sunday 28 March 2027: 09:00 UTC, then 08:00 UTC; 167 hours.
    (utc(2027, 3, 22, 8), utc(2027, 3, 22, 9), utc(2027, 3, 29, 8), 167),
])
def test_the_cron_follows_the_teams_wall_clock_across_daylight_saving(
        make_harness: Any, before: datetime, fire: datetime, following: datetime,
        hours: int) -> None:
    clock = FixedClock(before)
    app = make_harness(review_config(), clock=clock)
    scheduler = make_scheduler(app.rt)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(WEEKLY_REVIEW + "support")
        assert job is not None and job.coalesce and job.max_instances == 1
        assert job.trigger.get_next_fire_time(None, before) == fire
        assert job.trigger.get_next_fire_time(fire, fire) == following
        clock.set(following)                    # the scheduler calls the job at that moment
        job.func(*job.args)
        job.func(*job.args)                     # a second tick of the same week: nothing
    finally:
        scheduler.shutdown(wait=False)
    [review] = [r for r in app.rows(WeeklyReview) if r.team == "support"]
    assert review.window_end == following and review.trigger == "schedule"
    assert review.window_end - review.window_start == timedelta(hours=hours)
    assert review.iso_week == f"{following.isocalendar()[0]}-W{following.isocalendar()[1]:02d}"


def test_a_teams_own_time_zone_wins_over_the_global_one(make_harness: Any) -> None:
    config = review_config(cron="30 9 * * fri", team_timezone="America/New_York")
    app = make_harness(config, clock=FixedClock(utc(2026, 11, 1)))
    scheduler = make_scheduler(app.rt)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(WEEKLY_REVIEW + "support")
        other = scheduler.get_job(WEEKLY_REVIEW + "other")
        assert job is not None and other is not None
        # Friday 6 November 2026, 09:30 in New York (EST, UTC-5) for the team …
        assert job.trigger.get_next_fire_time(None, utc(2026, 11, 1)) == utc(2026, 11, 6, 14, 30)
        # … and the default cron, Monday 10:00 in the global Europe/Berlin, for the other.
        assert other.trigger.get_next_fire_time(None, utc(2026, 11, 1)) == utc(2026, 11, 2, 9)
    finally:
        scheduler.shutdown(wait=False)


def test_a_review_missed_while_stopped_is_posted_at_start_once(make_harness: Any) -> None:
    moment = utc(2026, 11, 30, 9)                 # Monday 10:00 in Berlin
    clock = FixedClock(moment - timedelta(days=2))
    app = make_harness(review_config(), clock=clock)
    assert app.post_event(event()).status_code == 202  # in service before that moment
    clock.set(moment + timedelta(hours=3))
    catch_up_reviews(app.rt)
    catch_up_reviews(app.rt)
    reviews = app.rows(WeeklyReview)
    assert sorted(r.team for r in reviews) == ["other", "support"]
    assert all(r.window_end == moment and r.created_at == clock.now() for r in reviews)
    assert app.deliver(max_seconds=60) == 0
    assert len([m for m in app.fake.messages("C0SUPPORT") if not m["thread_ts"]
                and m["text"].startswith("Weekly review")]) == 1


def test_a_first_start_on_a_fresh_database_catches_up_nothing(make_harness: Any) -> None:
    """Installed on a Monday afternoon, the app does not post a review of a week it never saw."""
    clock = FixedClock(utc(2026, 11, 30, 9) + timedelta(hours=3))
    app = make_harness(review_config(), clock=clock)
    catch_up_reviews(app.rt)
    assert app.rows(WeeklyReview) == []
    assert app.post_event(event()).status_code == 202  # in service from now on …
    catch_up_reviews(app.rt)
    assert app.rows(WeeklyReview) == []  # … which is after the moment missed


def test_a_review_missed_long_ago_is_left_to_be_run_by_hand(make_harness: Any) -> None:
    app = make_harness(review_config(), clock=FixedClock(utc(2026, 11, 30, 9) + timedelta(hours=13)))
    catch_up_reviews(app.rt)
    assert app.rows(WeeklyReview) == []
