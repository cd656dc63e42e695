"""Issue #3's own example: Mon–Fri 09:00–17:00, a Friday 16:30 ticket with 1 h of office time
is due Monday 09:30, not Friday 17:30 — as arithmetic, and as the parent's due line."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chatops.clock import FixedClock
from chatops.sla.calendars import build_calendars
from chatops.sla.rules import SlaRules
from chatops.sla.targets import TargetClock, status
from db.models_sla import SlaClock
from jobs.sla_scan import run_sla_scan
from tests.conftest import make_config
from tests.events import event
from tests.sla.helpers import dump, iso, parent_of

OFFICE = {"office": {"timezone": "UTC", "hours": {d: "09:00-17:00" for d in
                                                  ("mon", "tue", "wed", "thu", "fri")}}}
FRIDAY_1630 = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
MONDAY_0930 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _config() -> Any:
    return make_config(calendars=OFFICE, sla={"policies": {
        "high": {"first_response": "1h", "resolution": "8h", "calendar": "office"}}})


def test_friday_1630_plus_one_office_hour_is_monday_0930() -> None:
    config = _config()
    calendars = build_calendars(config.calendars, config.timezone)
    clock = TargetClock(started_at=FRIDAY_1630, budget=timedelta(hours=1))
    assert status(clock, calendars["office"], FRIDAY_1630).due_at == MONDAY_0930
    assert status(clock, calendars["office"], FRIDAY_1630).due_at != FRIDAY_1630 + timedelta(hours=1)
    rules = SlaRules.from_config(config)
    assert rules.policy("high", "first_response") == ("office", timedelta(hours=1))
    assert rules.policy("urgent", "first_response") == ("24x7", timedelta(minutes=30))


def test_parent_shows_monday_0930_and_no_nudge_over_the_weekend(make_harness: Any) -> None:
    app = make_harness(config=_config(), clock=FixedClock(FRIDAY_1630))
    app.post_event(event(priority="high", occurred_at=iso(FRIDAY_1630),
                         created_at=iso(FRIDAY_1630)))
    assert app.deliver() == 0
    assert "Mon 23 Nov 09:30 UTC" in dump(parent_of(app))
    [fr] = [c for c in app.rows(SlaClock) if c.target == "first_response"]
    assert fr.due_at == MONDAY_0930
    assert fr.next_mark_at == MONDAY_0930 - timedelta(minutes=30) + timedelta(microseconds=1)
    app.rt.clock.set(datetime(2026, 11, 22, 23, 0, tzinfo=UTC))  # Sunday night
    assert run_sla_scan(app.rt).sent == 0
    app.rt.clock.set(datetime(2026, 11, 23, 9, 1, tzinfo=UTC))   # 31 office minutes used
    assert run_sla_scan(app.rt).sent == 1


def test_priority_change_to_another_calendar_remeasures_the_pause(make_harness: Any) -> None:
    """high (office) paused over a weekend, then urgent (24x7): the pause is re-measured on
    24x7, so the working time already used (30 min) carries over, not the office pause."""
    friday_1600 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    app = make_harness(config=_config(), clock=FixedClock(friday_1600))

    def post(moment: datetime, **ticket: Any) -> None:
        app.rt.clock.set(moment)  # type: ignore[attr-defined]
        assert app.post_event(event("ticket.updated", occurred_at=iso(moment),
                                    created_at=iso(friday_1600), **ticket)).status_code == 202

    post(friday_1600, priority="high", status="open")
    post(FRIDAY_1630, priority="high", status="pending")
    monday_1000 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    post(monday_1000, priority="high", status="open")
    [office] = [c for c in app.rows(SlaClock) if c.target == "resolution"]
    assert office.calendar == "office"
    assert office.due_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)   # 7 h 30 min office left
    post(monday_1000 + timedelta(seconds=1), priority="urgent", status="open")
    [urgent] = [c for c in app.rows(SlaClock) if c.target == "resolution"]
    assert urgent.calendar == "24x7"
    assert urgent.due_at == monday_1000 + timedelta(hours=3, minutes=30)  # 4 h - 30 min used
