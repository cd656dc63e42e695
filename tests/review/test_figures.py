"""Every figure of the weekly review, over the known week of `tests.review.support`: the
expected values are counted by hand from its rows (the week, the week before, just outside
both on either side, another team)."""
from __future__ import annotations

from datetime import UTC, datetime
from statistics import median
from typing import Any

from blocks.review_views import TargetWeek
from chatops.review.figures import team_figures
from chatops.review.window import ReviewWindow
from tests.review.support import END, harness_with_week

MIN = 60.0


def figures(make_harness: Any) -> Any:
    app = harness_with_week(make_harness)
    with app.rt.sessions() as session:
        return team_figures(session, "support", ReviewWindow.ending(END, "Europe/Berlin"))


def test_the_window_is_the_seven_local_days_before_the_run() -> None:
    window = ReviewWindow.ending(END, "Europe/Berlin")
    assert window.start == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert window.before_start == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert window.bounds[3] == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert [d.strftime("%a %d %H:%M") for d in window.day_starts()][::6] == [
        "Mon 23 10:00", "Sun 29 10:00"]
    assert window.iso_week == "2026-W49"


def test_tickets_opened_and_solved(make_harness: Any) -> None:
    f = figures(make_harness)
    assert (f.week.opened, f.before.opened) == (4, 2)      # T1 T2 T3 T4 / T5 T6
    assert (f.week.solved, f.before.solved) == (3, 1)      # T5 T1 T3 / T6
    assert [d.opened for d in f.days] == [2, 1, 0, 0, 0, 0, 1]
    assert [d.solved for d in f.days] == [1, 1, 0, 0, 0, 0, 1]


def test_sla_met_on_time_and_breaches_per_target(make_harness: Any) -> None:
    f = figures(make_harness)
    assert f.week.targets["first_response"] == TargetWeek(met=3, on_time=2, breaches=2)
    assert f.week.targets["resolution"] == TargetWeek(met=2, on_time=1, breaches=1)
    assert f.before.targets["first_response"] == TargetWeek(met=2, on_time=1, breaches=1)
    assert f.before.targets["resolution"] == TargetWeek(met=1, on_time=1, breaches=0)
    assert f.week.targets["first_response"].met_share == 2 / 3
    first = [d.targets["first_response"] for d in f.days]
    assert first[0] == TargetWeek(met=2, on_time=1, breaches=1)   # T1, T2; T2's breach
    assert first[2] == TargetWeek(met=1, on_time=1)               # T3
    assert first[6] == TargetWeek(breaches=1)                     # T4's breach
    resolution = [d.targets["resolution"] for d in f.days]
    assert resolution[0] == TargetWeek(met=1, on_time=0, breaches=1)  # T5
    assert resolution[6] == TargetWeek(met=1, on_time=1)              # T3


def test_median_first_response_in_working_time(make_harness: Any) -> None:
    f = figures(make_harness)
    assert f.week.first_response_median_s == median([20, 45, 30]) * MIN
    assert f.before.first_response_median_s == median([10, 60]) * MIN


def test_ratings_by_score_good_share_and_follow_ups(make_harness: Any) -> None:
    f = figures(make_harness)
    week, before = f.week.ratings, f.before.ratings
    assert dict(week.by_score) == {"good": 1, "bad": 1, "2": 1, "5": 1, "neutral": 1, "1": 1}
    assert (week.total, week.good, week.negative, week.followed_up) == (6, 2, 3, 2)
    assert week.good_share == 2 / 6
    assert dict(before.by_score) == {"4": 1, "bad": 1}
    assert (before.good, before.negative) == (1, 1)
    assert f.week.follow_up_median_s == median([2 * 3600, 30 * 60])
    assert [(d.good, d.negative, d.other) for d in f.days] == [
        (1, 0, 0), (0, 1, 0), (0, 0, 0), (0, 1, 0), (1, 0, 0), (0, 0, 0), (0, 1, 1)]


def test_qa_reviews_average_pass_rate_and_appeals(make_harness: Any) -> None:
    f = figures(make_harness)
    qa = f.week.qa
    assert (qa.reviews, qa.score_total, qa.passed) == (3, 90 + 70 + 100, 2)
    assert qa.average == (90 + 70 + 100) / 3 and qa.pass_rate == 2 / 3
    assert (f.before.qa.reviews, f.before.qa.average, f.before.qa.pass_rate) == (1, 80, 1.0)
    assert (f.week.appeals_opened, f.week.appeals_accepted, f.week.appeals_rejected) == (2, 1, 1)
    assert (f.before.appeals_opened, f.before.appeals_accepted, f.before.appeals_rejected) == (1, 0, 1)


def test_a_quiet_week_has_no_figures_to_divide(make_harness: Any) -> None:
    app = make_harness()
    with app.rt.sessions() as session:
        f = team_figures(session, "support", ReviewWindow.ending(END, "UTC"))
    assert f.week.opened == 0 and f.week.qa.average is None and f.week.ratings.good_share is None
    assert f.week.targets["first_response"].met_share is None
    assert f.week.first_response_median_s is None and f.week.follow_up_median_s is None
