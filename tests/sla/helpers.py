"""Driving the SLA engine end to end: a FixedClock, signed events, the scheduler's scan."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from chatops.clock import FixedClock
from jobs.sla_scan import run_sla_scan
from tests.conftest import Harness

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # tests.events' default created_at
M = timedelta(minutes=1)
GREEN, YELLOW, RED, BREACH = "#2EB67D", "#ECB22E", "#E01E5A", "#8B0000"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def at_minutes(minutes: float) -> str:
    return iso(T0 + minutes * M)


def clock_of(app: Harness) -> FixedClock:
    clock = app.rt.clock
    assert isinstance(clock, FixedClock)
    return clock


def scan_at(app: Harness, minutes: float, deliver: bool = True) -> Any:
    """Move the clock to T0 + minutes, run the scan the scheduler runs, deliver everything
    (unless told not to)."""
    clock_of(app).set(T0 + minutes * M)
    result = run_sla_scan(app.rt)
    if deliver:
        assert app.deliver(max_seconds=20) == 0
    return result


def post_at(app: Harness, minutes: float, body: dict[str, Any]) -> None:
    """Post an event the way it happens: the clock at its `occurred_at` (T0 + minutes)."""
    clock_of(app).set(T0 + minutes * M)
    body = dict(body, occurred_at=at_minutes(minutes))
    assert app.post_event(body).status_code == 202


def parents(app: Harness, channel: str = "C0SUPPORT") -> list[dict[str, Any]]:
    return [m for m in app.fake.messages(channel) if not m.get("thread_ts")]


def parent_of(app: Harness, ticket_id: str = "1001") -> dict[str, Any]:
    found = [p for p in parents(app) if f"#{ticket_id}" in p["text"]]
    assert len(found) == 1, [p["text"] for p in parents(app)]
    return found[0]


def nudges(app: Harness, ticket_id: str = "1001") -> list[dict[str, Any]]:
    """Thread replies of the ticket that are SLA nudges (coloured attachments)."""
    parent = parent_of(app, ticket_id)
    return [m for m in app.fake.thread("C0SUPPORT", parent["ts"]) if m.get("attachments")]


def colour(message: dict[str, Any]) -> str:
    return message["attachments"][0]["color"]


def dump(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)
