"""Timer-driven nudges: the scan wakes at the earliest mark's moment, events move that moment,
and with the app running every mark is sent when it is crossed.

Default policies (README): urgent 30m / 4h, high 1h / 8h, all 24x7; marks 50 %, 25 %, 10 %, 0."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from chatops.clock import FixedClock, SystemClock
from db.models_sla import SlaNudge
from jobs.nudge_timer import NudgeTimer
from jobs.scheduler import start_background_scheduler
from tests.conftest import make_config
from tests.events import comment, event
from tests.sla.helpers import BREACH, GREEN, RED, T0, YELLOW, clock_of, colour, iso, nudges, post_at

M = timedelta(minutes=1)
URGENT_FIRST_RESPONSE = 30 * M
HIGH_FIRST_RESPONSE, HIGH_RESOLUTION = 60 * M, 8 * 60 * M


def _sent(app: Any) -> list[tuple[str, int, datetime]]:
    return sorted((n.target, n.mark, n.recorded_at) for n in app.rows(SlaNudge) if n.sent)


def _at(moment: datetime | None) -> datetime | None:
    """A mark of time left is crossed once *less* than that is left: the microsecond after
    the exact fraction (the breach, at the due moment itself). To the millisecond here."""
    return None if moment is None else datetime.fromtimestamp(round(moment.timestamp(), 3), UTC)


def test_the_scan_runs_at_the_marks_moment(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    post_at(app, 0, event())
    assert app.deliver() == 0
    timer = NudgeTimer(app.rt)
    half = T0 + URGENT_FIRST_RESPONSE / 2
    wake = timer.next_wake()
    assert wake is not None and _at(wake) == half
    clock_of(app).set(wake - timedelta(microseconds=1))
    assert timer.tick() == wake and app.rows(SlaNudge) == []     # not a moment early
    clock_of(app).set(wake)
    assert _at(timer.tick()) == T0 + URGENT_FIRST_RESPONSE * 3 / 4  # sent; the next mark
    assert _sent(app) == [("first_response", 5000, wake)]
    assert app.deliver() == 0
    assert [colour(n) for n in nudges(app)] == [GREEN]


def test_a_priority_change_a_pause_and_a_reopen_move_the_wake_up(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    timer = NudgeTimer(app.rt)
    post_at(app, 0, event())
    assert _at(timer.next_wake()) == T0 + URGENT_FIRST_RESPONSE / 2
    post_at(app, 1, event("ticket.updated", priority="high"))
    assert _at(timer.next_wake()) == T0 + HIGH_FIRST_RESPONSE / 2
    post_at(app, 5, comment(event(priority="high"), "On it"))  # first response met
    assert _at(timer.next_wake()) == T0 + HIGH_RESOLUTION / 2
    post_at(app, 10, event("ticket.updated", priority="high", status="pending"))
    assert timer.next_wake() is None                            # nothing runs: nothing to wake for
    post_at(app, 40, event("ticket.updated", priority="high", status="open"))
    assert _at(timer.next_wake()) == T0 + HIGH_RESOLUTION / 2 + 30 * M   # 30 min paused
    post_at(app, 50, event("ticket.updated", priority="high", status="solved"))
    assert timer.next_wake() is None
    post_at(app, 60, event("ticket.reopened", priority="high", status="open"))
    assert _at(timer.next_wake()) == T0 + HIGH_RESOLUTION / 2 + 40 * M   # and 10 min solved


def test_no_mark_is_skipped_while_the_app_runs(make_harness: Any) -> None:
    """A two-minute target: its marks are 30 s, 18 s and 12 s apart, closer than the
    `scan_every: 60s` safety net, which would have found two of them crossed at once."""
    target = 2 * M
    config = make_config(sla={"policies": {"urgent": {"first_response": "2m"}},
                              "scan_every": "60s"})
    app = make_harness(config=config, clock=FixedClock(T0))
    post_at(app, 0, event())
    timer = NudgeTimer(app.rt)
    while (wake := timer.next_wake()) is not None and wake <= T0 + target:
        clock_of(app).set(wake)  # the timer's sleep, on a fixed clock
        timer.tick()
        assert app.deliver() == 0
    assert [(t, mark, _at(at)) for t, mark, at in _sent(app)] == [
        ("first_response", mark, T0 + target * (1 - mark / 10_000)) for mark in (0, 1000, 2500, 5000)]
    assert [colour(n) for n in nudges(app)] == [GREEN, YELLOW, RED, BREACH]


def test_after_downtime_only_the_most_urgent_crossed_mark_is_sent(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    post_at(app, 0, event())
    timer = NudgeTimer(app.rt)
    clock_of(app).set(T0 + 28 * M)  # 50 % and 25 % and 10 % passed while nothing ran
    timer.tick()
    assert [(target, mark) for target, mark, _ in _sent(app)] == [("first_response", 1000)]
    assert app.deliver() == 0
    assert [colour(n) for n in nudges(app)] == [RED]


def test_the_running_timer_sends_each_mark_within_a_moment_of_it(make_harness: Any) -> None:
    """Real time: a four-second target, the scheduler as `chatops serve` runs it."""
    config = make_config(sla={"policies": {"urgent": {"first_response": "4s"}}})
    app = make_harness(config=config, clock=SystemClock())
    created = datetime.now(UTC)
    app.post_event(event(occurred_at=iso(created), created_at=iso(created)))
    stop = start_background_scheduler(app.rt)
    try:
        deadline = time.monotonic() + 15
        while len(_sent(app)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop()
    marks = {mark: at for _, mark, at in _sent(app)}
    assert sorted(marks) == [0, 1000, 2500, 5000]
    created = datetime.fromisoformat(iso(created).replace("Z", "+00:00"))
    for mark, at in marks.items():
        due = created + timedelta(seconds=4) * (1 - mark / 10_000)
        assert timedelta(0) <= at - due < timedelta(seconds=1), (mark, at - due)


def test_a_failing_scan_is_retried_with_backoff_not_in_a_loop(make_harness: Any,
                                                                monkeypatch: Any) -> None:
    """A scan that raises leaves its mark due: the timer tries again after 1 s, 2 s, 4 s …,
    and once scans work again the mark is sent and the next one awaited."""
    app = make_harness(clock=FixedClock(T0))
    post_at(app, 0, event())
    assert app.deliver() == 0
    timer = NudgeTimer(app.rt)
    wake = timer.next_wake()
    assert wake is not None
    scans: list[datetime] = []

    def broken(rt: Any) -> None:
        scans.append(rt.clock.now())
        raise RuntimeError("the database said no")

    monkeypatch.setattr("jobs.nudge_timer.run_sla_scan", broken)
    clock = clock_of(app)
    clock.set(wake)
    assert timer.tick() == wake + timedelta(seconds=1)
    assert timer.tick() == wake + timedelta(seconds=1) and len(scans) == 1  # no busy loop
    clock.set(wake + timedelta(seconds=1))
    assert timer.tick() == wake + timedelta(seconds=3)  # then 2 s
    clock.set(wake + timedelta(seconds=2))
    assert timer.tick() == wake + timedelta(seconds=3) and len(scans) == 2
    monkeypatch.undo()
    clock.set(wake + timedelta(seconds=3))
    assert _at(timer.tick()) == T0 + URGENT_FIRST_RESPONSE * 3 / 4  # sent; the next mark
    assert [n.mark for n in app.rows(SlaNudge) if n.sent] == [5000]
