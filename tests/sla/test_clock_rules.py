"""Property tests of the stored clock's state changes (`chatops.sla.clocks.follow`) on random
calendars and random histories of pauses, meetings and reopenings."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatops.sla.clocks import follow
from chatops.sla.targets import TargetClock, crossed_marks, next_mark_at, status
from tests.sla.test_calendars import Spec, moments, specs

MARKS = [0.5, 0.25, 0.1, 0.0]
ZERO = timedelta(0)
steps = st.lists(st.tuples(st.sampled_from(["running", "paused", "met"]),
                           st.integers(0, 2 * 86400).map(lambda s: timedelta(seconds=s))),
                 min_size=1, max_size=8)
budgets = st.integers(1, 3 * 24 * 60).map(lambda m: timedelta(minutes=m))
prop = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@prop
@given(specs, moments, budgets, steps)
def test_remaining_never_increases_and_only_runs_while_running(
        spec: Spec, start: datetime, budget: timedelta, history: list[tuple[str, timedelta]]) -> None:
    cal = spec.calendar()
    clock = TargetClock(started_at=start, budget=budget)
    spans: list[tuple[datetime, datetime]] = []
    at, state, left = start, "running", budget
    for want, gap in history:
        later = at + gap
        before = status(clock, cal, later)
        if state == "running":
            assert before.remaining == left - cal.between(at, later)   # ran on working time
        else:
            assert before.remaining == left                           # frozen while stopped
        clock, stopped = follow(clock, cal, want, later, later)  # type: ignore[arg-type]
        spans += stopped
        after = status(clock, cal, later)
        assert after.remaining == before.remaining                    # a state change costs nothing
        assert after.state == ("met" if want == "met" else "paused" if want == "paused"
                               else "breached" if after.remaining <= ZERO else "running")
        # the wall-clock spans, re-measured, are the working time not counted (calendar switch)
        assert sum((cal.between(a, b) for a, b in spans), ZERO) == clock.paused_work
        at, state, left = later, want, after.remaining


@prop
@given(specs, moments, budgets, steps)
def test_the_next_mark_is_never_in_the_past_of_a_running_clock(
        spec: Spec, start: datetime, budget: timedelta, history: list[tuple[str, timedelta]]) -> None:
    cal = spec.calendar()
    clock = TargetClock(started_at=start, budget=budget)
    at = start
    for want, gap in history:
        at += gap
        clock, _ = follow(clock, cal, want, at, at)  # type: ignore[arg-type]
    seen = status(clock, cal, at)
    sent = set(crossed_marks(seen.fraction_left, MARKS))
    upcoming = next_mark_at(clock, cal, MARKS, sent)
    if seen.state in ("met", "paused") or len(sent) == len(MARKS):
        assert upcoming is None
    else:
        assert upcoming is not None and upcoming > at
