"""CONTRACT §6 SLA nudges, end to end: signed events in, the scheduler's scan, fake Slack out.

Default policy: urgent first response 30 min on 24x7, marks 50/25/10/0 %.
"""
from __future__ import annotations

from typing import Any

from chatops.clock import FixedClock
from db.models_sla import SlaClock, SlaNudge
from tests.events import comment, event
from tests.sla.helpers import (
    BREACH,
    GREEN,
    RED,
    T0,
    at_minutes,
    colour,
    dump,
    nudges,
    parent_of,
    scan_at,
)


def _app(make_harness: Any) -> Any:
    app = make_harness(clock=FixedClock(T0))
    assert app.post_event(event()).status_code == 202
    assert app.deliver() == 0
    return app


def test_marks_fire_once_each_most_urgent_only_and_breach_dms_leads(make_harness: Any) -> None:
    app = _app(make_harness)

    assert scan_at(app, 10).sent == 0
    assert nudges(app) == [] and app.fake.dms("U0AGENT1") == []

    assert scan_at(app, 20).sent == 1
    [green] = nudges(app)
    assert colour(green) == GREEN and "<@U0AGENT1>" in green["text"]
    assert "First response" in green["text"] and "50%" in green["text"]
    assert len(app.fake.dms("U0AGENT1")) == 1
    assert colour(parent_of(app)) == GREEN

    assert scan_at(app, 28.5).sent == 1          # 25 % and 10 % crossed: only the red one
    assert [colour(n) for n in nudges(app)] == [GREEN, RED]
    assert colour(parent_of(app)) == RED

    assert app.fake.dms("U0LEAD1") == []
    assert scan_at(app, 31).sent == 1
    assert [colour(n) for n in nudges(app)] == [GREEN, RED, BREACH]
    assert "breached" in nudges(app)[-1]["text"]
    for lead in ("U0LEAD1", "U0LEAD2"):
        [dm] = app.fake.dms(lead)
        assert colour(dm) == BREACH and "#1001" in dm["text"] and "<@U0AGENT1>" in dm["text"]
    assert len(app.fake.dms("U0AGENT1")) == 3
    assert colour(parent_of(app)) == BREACH
    assert "overdue" in dump(parent_of(app))

    assert scan_at(app, 31).sent == 0            # a second scan sends nothing new
    assert scan_at(app, 100).sent == 0           # nor later (resolution: 58 % left)
    rows = {(n.target, n.mark): n.sent for n in app.rows(SlaNudge)}
    assert rows == {("first_response", 5000): True, ("first_response", 2500): False,
                    ("first_response", 1000): True, ("first_response", 0): True}
    assert scan_at(app, 121).sent == 1           # resolution's own 50 % mark, later
    assert "Resolution" in nudges(app)[-1]["text"] and colour(nudges(app)[-1]) == GREEN


def test_a_ticket_first_scanned_at_28_5_minutes_gets_exactly_one_red_nudge(make_harness: Any) -> None:
    app = _app(make_harness)
    assert scan_at(app, 28.5).sent == 1
    [red] = nudges(app)
    assert colour(red) == RED and "10%" in red["text"]
    assert len(app.fake.dms("U0AGENT1")) == 1
    assert app.fake.dms("U0LEAD1") == []
    marks = sorted((n.mark, n.sent) for n in app.rows(SlaNudge))
    assert marks == [(1000, True), (2500, False), (5000, False)]  # lesser ones never fire later
    assert scan_at(app, 29).sent == 0


def test_breach_at_31_minutes_sends_breach_and_dms_each_lead(make_harness: Any) -> None:
    app = _app(make_harness)
    assert scan_at(app, 31).sent == 1
    [breach] = nudges(app)
    assert colour(breach) == BREACH
    assert len(app.fake.dms("U0LEAD1")) == 1 and len(app.fake.dms("U0LEAD2")) == 1
    assert scan_at(app, 32).sent == 0


def test_public_agent_comment_before_the_scan_means_no_first_response_nudge(make_harness: Any) -> None:
    app = _app(make_harness)
    app.post_event(comment(event(occurred_at=at_minutes(5)), "Hello Ann, looking into it"))
    assert scan_at(app, 31).sent == 0
    assert nudges(app) == []
    assert "First response* met" in dump(parent_of(app))


def test_internal_or_customer_comment_does_not_meet_first_response(make_harness: Any) -> None:
    app = _app(make_harness)
    app.post_event(comment(event(occurred_at=at_minutes(5)), "note", public=False))
    app.post_event(comment(event(occurred_at=at_minutes(6)), "any news?", role="end-user",
                           comment_id="c-2"))
    assert scan_at(app, 31).sent == 1
    assert colour(nudges(app)[0]) == BREACH


def test_late_reply_event_still_counts_from_when_it_was_written(make_harness: Any) -> None:
    app = _app(make_harness)
    assert scan_at(app, 20).sent == 1                      # green: nobody had answered yet …
    # … the helpdesk delivers, at minute 40, a reply written at minute 25
    FixedClock.set(app.rt.clock, T0.replace(minute=10, hour=10))  # type: ignore[arg-type]
    app.post_event(comment(event(occurred_at=at_minutes(25)), "Sorry for the wait"))
    assert scan_at(app, 40).sent == 0                      # met at 25: no red, no breach
    [fr] = [c for c in app.rows(SlaClock) if c.target == "first_response"]
    assert fr.met_at == T0.replace(minute=55) and fr.next_mark_at is None


def test_met_or_solved_ticket_gets_nothing(make_harness: Any) -> None:
    app = _app(make_harness)
    app.post_event(event("ticket.closed", occurred_at=at_minutes(3), status="solved"))
    assert scan_at(app, 500).sent == 0
    assert nudges(app) == []
    text = dump(parent_of(app))
    assert "Resolution* met" in text


def test_priority_change_gives_a_new_budget(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    app.post_event(event(priority="normal"))                # first response 4 h
    assert scan_at(app, 21).sent == 0
    app.post_event(event("ticket.updated", occurred_at=at_minutes(21), priority="urgent"))
    assert scan_at(app, 21).sent == 1                        # 30 min: 30 % left
    [green] = nudges(app)
    assert colour(green) == GREEN
    assert colour(parent_of(app)) == GREEN


def test_a_target_met_between_the_scan_and_delivery_is_not_nudged(make_harness: Any) -> None:
    """The scan records the mark; the worker sends later. An agent who answered in between
    must not get a nudge about a target already met (CONTRACT §6)."""
    from tests.sla.helpers import post_at

    app = make_harness(clock=FixedClock(T0))
    assert app.post_event(event()).status_code == 202
    app.deliver()
    scan = scan_at(app, 20, deliver=False)
    assert scan.sent == 1                                  # recorded, not yet delivered
    post_at(app, 21, comment(event(), "On it"))
    app.deliver()
    assert nudges(app) == []
    assert app.fake.dms("U0AGENT1") == []
    assert "met" in dump(parent_of(app))
