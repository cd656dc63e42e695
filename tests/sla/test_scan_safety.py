"""At most once, ever: the unique key wins against a second scheduler, a stale clock row, a
restart. (On PostgreSQL, via CHATOPS_TEST_DATABASE_URL, scans also skip each other's rows.)"""
from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from chatops.clock import FixedClock
from db.models_sla import SlaClock, SlaNudge
from jobs.sla_scan import run_sla_scan
from tests.events import event
from tests.sla.helpers import RED, T0, colour, nudges, parent_of, scan_at


def _record(app: Any, mark: int) -> None:
    """As if another scheduler had just committed this mark (our clock row does not know)."""
    with app.rt.sessions.begin() as session:
        session.add(SlaNudge(ticket_id="1001", target="first_response", mark=mark,
                             colour="#000000", sent=True, recorded_at=T0))


def test_a_mark_already_recorded_elsewhere_is_not_sent_again(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    app.post_event(event())
    _record(app, 5000)
    assert scan_at(app, 20).sent == 0
    assert nudges(app) == [] and app.fake.dms("U0AGENT1") == []
    [fr] = [c for c in app.rows(SlaClock) if c.target == "first_response"]
    assert fr.mark_floor == 5000 and fr.next_mark_at > T0 + timedelta(minutes=20)
    assert scan_at(app, 28.5).sent == 1                   # 25 % and 10 % are new: red
    assert [colour(n) for n in nudges(app)] == [RED]


def test_a_more_urgent_mark_recorded_elsewhere_silences_the_lesser_ones(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    app.post_event(event())
    _record(app, 1000)
    assert scan_at(app, 28.5).sent == 0
    assert nudges(app) == []
    assert {(n.mark, n.sent) for n in app.rows(SlaNudge)} == {
        (1000, True), (2500, False), (5000, False)}


def test_two_schedulers_scanning_at_once_send_each_nudge_once(make_harness: Any) -> None:
    first = make_harness(clock=FixedClock(T0))
    second = make_harness(clock=FixedClock(T0))          # another process, same database
    for n in range(30):
        first.post_event(event(ticket_id=str(5000 + n)))
    for app in (first, second):
        app.rt.clock.set(T0 + timedelta(minutes=31))     # type: ignore[attr-defined]
    results: list[Any] = []
    start = threading.Barrier(2)

    def scan(app: Any) -> None:
        start.wait()
        results.append(run_sla_scan(app.rt))

    threads = [threading.Thread(target=scan, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in results) == 30
    assert first.deliver(max_seconds=30) == 0
    for n in range(30):
        assert [colour(m) for m in nudges(first, str(5000 + n))] == ["#8B0000"]
    assert len(first.fake.dms("U0LEAD1")) == 30
    assert run_sla_scan(second.rt).sent == 0 and run_sla_scan(first.rt).sent == 0


def test_restart_rescans_nothing_already_sent(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    app.post_event(event())
    assert scan_at(app, 31).sent == 1
    again = make_harness(clock=FixedClock(T0 + timedelta(minutes=31)))  # a fresh process
    assert run_sla_scan(again.rt).sent == 0
    assert colour(parent_of(app)) == "#8B0000"
