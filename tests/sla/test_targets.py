"""SLA target arithmetic: worked examples, pauses, office hours, and nudge-mark properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatops.sla.calendars import BusinessCalendar
from chatops.sla.targets import (
    TargetClock,
    crossed_marks,
    meet,
    next_mark_at,
    pause,
    reopen,
    resume,
    status,
)
from domain.hours import WEEKDAYS as DAYS
from tests.sla.test_calendars import Spec, moments, specs

MSK = ZoneInfo("Europe/Moscow")
MARKS = [0.5, 0.25, 0.1, 0.0]
M = timedelta(minutes=1)
H = timedelta(hours=1)
US = timedelta(microseconds=1)
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ALWAYS = BusinessCalendar.always_open()
OFFICE = BusinessCalendar("Europe/Moscow", {day: "09:00-18:00" for day in DAYS[:5]})


def test_urgent_first_response_worked_example() -> None:
    clock = TargetClock(started_at=T0, budget=30 * M)
    expected = {10: [], 20: [0], 28.5: [0, 1, 2], 31: [0, 1, 2, 3]}
    for minutes, marks in expected.items():
        st_ = status(clock, ALWAYS, T0 + minutes * M)
        assert crossed_marks(st_.fraction_left, MARKS) == marks, minutes
        assert st_.due_at == T0 + 30 * M
        assert st_.remaining == 30 * M - minutes * M
    assert status(clock, ALWAYS, T0 + 10 * M).state == "running"
    late = status(clock, ALWAYS, T0 + 31 * M)
    assert late.state == "breached" and late.fraction_left < 0
    assert status(clock, ALWAYS, T0 + 30 * M).state == "breached"  # due moment = breach mark


def test_next_mark_at_on_worked_example() -> None:
    clock = TargetClock(started_at=T0, budget=30 * M)
    assert next_mark_at(clock, ALWAYS, MARKS, set()) == T0 + 15 * M + US  # strictly below 50%
    assert next_mark_at(clock, ALWAYS, MARKS, {0}) == T0 + 22.5 * M + US
    assert next_mark_at(clock, ALWAYS, MARKS, {0, 1, 2}) == T0 + 30 * M  # breach at exactly 0
    assert next_mark_at(clock, ALWAYS, MARKS, {0, 1, 2, 3}) is None
    assert next_mark_at(meet(clock, T0 + M), ALWAYS, MARKS, set()) is None
    assert next_mark_at(pause(clock, ALWAYS, T0 + M), ALWAYS, MARKS, set()) is None


def test_crossed_marks_boundaries() -> None:
    assert crossed_marks(0.5, MARKS) == []
    assert crossed_marks(0.0, MARKS) == [0, 1, 2, 3]
    assert crossed_marks(1e-9, MARKS) == [0, 1, 2]
    assert crossed_marks(-0.2, [0.5, 0.0, -0.5]) == [0, 1]
    assert crossed_marks(1.0, []) == []


def test_resolution_paused_while_pending() -> None:
    clock = TargetClock(started_at=T0, budget=4 * H)
    clock = pause(clock, ALWAYS, T0 + H)
    assert pause(clock, ALWAYS, T0 + 2 * H) == clock  # idempotent
    for later in (T0 + 2 * H, T0 + timedelta(days=30)):
        frozen = status(clock, ALWAYS, later)
        assert frozen.state == "paused"
        assert frozen.remaining == 3 * H and frozen.fraction_left == 0.75
        assert frozen.due_at == later + 3 * H  # if it resumed now
    resumed = resume(clock, ALWAYS, T0 + timedelta(days=30))
    assert resumed.paused_since is None and resumed.paused_work == timedelta(days=30) - H
    assert resume(resumed, ALWAYS, T0 + timedelta(days=31)) == resumed  # idempotent
    after = status(resumed, ALWAYS, T0 + timedelta(days=30) + 30 * M)
    assert after.state == "running" and after.remaining == 2.5 * H
    assert after.due_at == T0 + timedelta(days=30) + 3 * H


def test_office_target_does_not_tick_overnight_or_at_weekends() -> None:
    friday = datetime(2026, 11, 20, 17, 50, tzinfo=MSK)
    clock = TargetClock(started_at=friday, budget=H)
    left = [status(clock, OFFICE, at).remaining for at in (
        datetime(2026, 11, 20, 18, 0, tzinfo=MSK),
        datetime(2026, 11, 21, 3, 0, tzinfo=MSK),
        datetime(2026, 11, 22, 23, 0, tzinfo=MSK),
        datetime(2026, 11, 23, 9, 0, tzinfo=MSK),
    )]
    assert left == [50 * M] * 4
    monday = status(clock, OFFICE, datetime(2026, 11, 23, 9, 20, tzinfo=MSK))
    assert monday.remaining == 30 * M and monday.due_at == datetime(2026, 11, 23, 9, 50, tzinfo=MSK)
    half = next_mark_at(clock, OFFICE, MARKS, set())
    assert half == datetime(2026, 11, 23, 9, 20, tzinfo=MSK) + US


def test_zero_budget_does_not_divide_by_zero() -> None:
    clock = TargetClock(started_at=T0, budget=timedelta(0))
    now = status(clock, ALWAYS, T0)
    assert now.state == "breached" and now.fraction_left == 0.0 and now.due_at == T0
    assert crossed_marks(now.fraction_left, MARKS) == [0, 1, 2, 3]
    assert status(clock, ALWAYS, T0 + H).fraction_left <= 0
    assert next_mark_at(clock, ALWAYS, MARKS, set()) == T0
    assert next_mark_at(clock, ALWAYS, [-2.0], set()) is None  # never reached, no endless loop


def test_meet_freezes_and_reopen_continues() -> None:
    clock = TargetClock(started_at=T0, budget=4 * H)
    met = meet(clock, T0 + H)
    assert meet(met, T0 + 2 * H) == met
    done = status(met, ALWAYS, T0 + timedelta(days=9))
    assert done.state == "met" and done.due_at is None and done.remaining == 3 * H
    assert pause(met, ALWAYS, T0 + 2 * H) == met
    again = reopen(met, ALWAYS, T0 + 5 * H)
    assert again.met_at is None and again.paused_work == 4 * H
    assert status(again, ALWAYS, T0 + 6 * H).remaining == 2 * H
    # met while paused: the time left is the time left when the pause began
    paused_then_met = meet(pause(clock, ALWAYS, T0 + H), T0 + 3 * H)
    assert status(paused_then_met, ALWAYS, T0 + 4 * H).remaining == 3 * H


def test_breached_then_paused_reports_the_past_due_moment() -> None:
    clock = pause(TargetClock(started_at=T0, budget=H), ALWAYS, T0 + 2 * H)
    frozen = status(clock, ALWAYS, T0 + 5 * H)
    assert frozen.state == "paused" and frozen.remaining == -H and frozen.due_at == T0 + H


# ---------------------------------------------------------------- property tests

budgets = st.integers(0, 3 * 24 * 60).map(lambda m: timedelta(minutes=m))
mark_lists = st.lists(st.sampled_from([0.9, 0.75, 0.5, 0.33, 0.25, 0.1, 0.05, 0.0]),
                      min_size=1, max_size=5, unique=True)
gaps = st.integers(0, 3 * 86400).map(lambda s: timedelta(seconds=s))
prop = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _clock_with_pause(cal: BusinessCalendar, start: datetime, budget: timedelta,
                      pause_after: timedelta, pause_for: timedelta) -> TargetClock:
    clock = pause(TargetClock(started_at=start, budget=budget), cal, start + pause_after)
    return resume(clock, cal, start + pause_after + pause_for)


@prop
@given(specs, moments, budgets, mark_lists, st.data(), gaps, gaps)
def test_next_mark_at_is_exactly_when_a_mark_is_crossed(
    spec: Spec, start: datetime, budget: timedelta, marks: list[float], data: st.DataObject,
    pause_after: timedelta, pause_for: timedelta,
) -> None:
    marks = sorted(marks, reverse=True)
    cal = spec.calendar()
    sent = data.draw(st.sets(st.integers(0, len(marks) - 1)))
    clock = _clock_with_pause(cal, start, budget, pause_after, pause_for)
    at = next_mark_at(clock, cal, marks, sent)
    if len(sent) == len(marks):
        assert at is None
        return
    assert at is not None
    resumed_at = start + pause_after + pause_for
    unsent = lambda when: set(crossed_marks(status(clock, cal, when).fraction_left, marks)) - sent  # noqa: E731
    # a mark crossed before the pause ended is reported at or before the resume: "due now"
    assert unsent(max(at, resumed_at))
    if at - US >= resumed_at:
        assert not unsent(at - US)


@prop
@given(specs, moments, budgets, gaps, gaps, gaps)
def test_pause_freezes_remaining_and_resume_continues(
    spec: Spec, start: datetime, budget: timedelta, before: timedelta, paused: timedelta, after: timedelta,
) -> None:
    cal = spec.calendar()
    clock = TargetClock(started_at=start, budget=budget)
    p = pause(clock, cal, start + before)
    at_pause = status(clock, cal, start + before).remaining
    assert status(p, cal, start + before + paused).remaining == at_pause
    r = resume(p, cal, start + before + paused)
    assert status(r, cal, start + before + paused).remaining == at_pause
    end = start + before + paused + after
    assert status(r, cal, end).remaining == at_pause - cal.between(start + before + paused, end)
    assert status(r, cal, end).remaining == budget - cal.between(start, end) + cal.between(
        start + before, start + before + paused)


@prop
@given(specs, moments, budgets, gaps, gaps)
def test_remaining_never_increases_while_running(
    spec: Spec, start: datetime, budget: timedelta, g1: timedelta, g2: timedelta,
) -> None:
    cal = spec.calendar()
    clock = TargetClock(started_at=start, budget=budget)
    first, second = status(clock, cal, start + g1), status(clock, cal, start + g1 + g2)
    assert second.remaining <= first.remaining
    assert first.remaining == budget - cal.between(start, start + g1)
    assert cal.between(start, first.due_at) == budget  # type: ignore[arg-type]
