"""The working time a target used when it was met (`sla_clocks.met_work_us`, what the review's
"met on time" and median first response read), stored by the SLA engine from real events."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chatops.clock import FixedClock
from db.models_sla import SlaClock
from tests.conftest import make_config
from tests.events import comment, event
from tests.sla.helpers import iso

OFFICE = {"office": {"timezone": "UTC", "hours": {d: "09:00-17:00" for d in
                                                  ("mon", "tue", "wed", "thu", "fri")}}}
FRIDAY_1630 = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)


def clocks(app: Any) -> dict[str, SlaClock]:
    return {c.target: c for c in app.rows(SlaClock)}


def test_office_hours_count_and_the_weekend_does_not(make_harness: Any) -> None:
    config = make_config(calendars=OFFICE, sla={"policies": {
        "high": {"first_response": "1h", "resolution": "8h", "calendar": "office"}}})
    app = make_harness(config=config, clock=FixedClock(FRIDAY_1630))
    created = event(priority="high", occurred_at=iso(FRIDAY_1630), created_at=iso(FRIDAY_1630))
    assert app.post_event(created).status_code == 202
    assert clocks(app)["first_response"].met_work_us is None          # not met yet
    answer = datetime(2026, 11, 23, 9, 45, tzinfo=UTC)                 # Monday 09:45
    reply = comment(dict(created, occurred_at=iso(answer)), "Hello")
    assert app.post_event(dict(reply, id="evt-reply")).status_code == 202
    # 30 min on Friday + 45 min on Monday: 75 of the 60 allowed, so met late.
    fr = clocks(app)["first_response"]
    assert fr.met_at == answer and fr.met_work_us == 75 * 60 * 10**6 > fr.budget_us
    later = dict(created, id="evt-later", occurred_at=iso(answer + timedelta(hours=1)))
    assert app.post_event(dict(later, type="ticket.updated")).status_code == 202
    assert clocks(app)["first_response"].met_work_us == 75 * 60 * 10**6  # measured once


def test_a_pause_does_not_count_and_a_reopen_forgets_the_measure(make_harness: Any) -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    app = make_harness(clock=FixedClock(start))                       # urgent: 4 h, 24x7
    base = event(occurred_at=iso(start), created_at=iso(start))
    steps = [("evt-a", 60, "pending"), ("evt-b", 180, "open"), ("evt-c", 200, "solved")]
    assert app.post_event(base).status_code == 202
    for event_id, minutes, status in steps:
        body = dict(base, id=event_id, type="ticket.updated",
                    occurred_at=iso(start + timedelta(minutes=minutes)))
        body["ticket"] = dict(base["ticket"], status=status)
        assert app.post_event(body).status_code == 202
    resolution = clocks(app)["resolution"]
    assert resolution.met_work_us == (60 + 20) * 60 * 10**6          # the 2 h pause left out
    reopened = dict(base, id="evt-d", type="ticket.reopened",
                    occurred_at=iso(start + timedelta(minutes=230)))
    reopened["ticket"] = dict(base["ticket"], status="open")
    assert app.post_event(reopened).status_code == 202
    assert clocks(app)["resolution"].met_work_us is None
