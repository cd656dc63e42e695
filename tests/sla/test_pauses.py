"""The resolution clock stops while pending / on hold and continues after a reopen."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chatops.clock import FixedClock
from db.models_sla import SlaClock
from tests.events import comment, event
from tests.sla.helpers import (
    GREEN,
    T0,
    at_minutes,
    colour,
    dump,
    nudges,
    parent_of,
    post_at,
    scan_at,
)

H = 60  # minutes


def _resolution(app: Any) -> SlaClock:
    [row] = [c for c in app.rows(SlaClock) if c.target == "resolution"]
    return row


def test_pending_ticket_gets_no_resolution_nudge_and_continues_after_reopen(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    post_at(app, 0, event())                                                  # urgent: 4 h
    post_at(app, 5, comment(event(), "Could you send a screenshot?"))
    post_at(app, H, event("ticket.updated", status="pending"))
    assert scan_at(app, 10 * H).sent == 0                 # 10 h later: frozen at 3 h left
    assert nudges(app) == []
    row = _resolution(app)
    assert row.paused_since == T0 + timedelta(hours=1) and row.next_mark_at is None
    assert "Resolution* paused, 3 h left" in dump(parent_of(app))
    assert colour(parent_of(app)) == "#A0A0A0"            # paused: grey, not an SLA colour

    post_at(app, 10 * H, event("ticket.reopened", status="open"))
    row = _resolution(app)
    assert row.due_at == T0 + timedelta(hours=13)         # 3 h left from the reopen
    assert row.next_mark_at == T0 + timedelta(hours=11, microseconds=1)   # below 50 % at 2 h left
    assert scan_at(app, 11 * H).sent == 0                 # exactly 50 % left: not below yet
    assert scan_at(app, 11 * H + 1).sent == 1
    [green] = nudges(app)
    assert colour(green) == GREEN and "Resolution" in green["text"]


def test_on_hold_then_solved_then_reopened_keeps_counting_where_it_stopped(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    post_at(app, 0, event())
    post_at(app, 1, comment(event(), "On it"))
    post_at(app, H, event("ticket.updated", status="on_hold"))
    post_at(app, 2 * H, event("ticket.closed", status="solved"))
    assert app.deliver() == 0
    assert "Resolution* met" in dump(parent_of(app))
    post_at(app, 5 * H, event("ticket.reopened", status="open"))
    row = _resolution(app)
    assert row.met_at is None and row.paused_since is None
    assert row.due_at == T0 + timedelta(hours=8)          # 1 h used, 3 h left from 5 h
    assert scan_at(app, 5 * H + 59).sent == 0             # 1 h 59 min used of 4 h
    assert scan_at(app, 6 * H + 1).sent == 1              # 2 h 1 min used: below 50 %


def test_events_out_of_order_pause_where_the_newest_snapshot_says(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    pending = event("ticket.updated", occurred_at=at_minutes(H), status="pending")
    app.post_event(pending)                               # first sighting: already pending
    app.post_event(event())                               # the older "created" arrives late
    row = _resolution(app)
    assert row.paused_since == T0 + timedelta(hours=1)
    assert row.started_at == T0
    assert scan_at(app, 20 * H).sent == 1                 # first response was never met …
    [only] = nudges(app)
    assert "First response" in only["text"]              # … but resolution stays frozen
