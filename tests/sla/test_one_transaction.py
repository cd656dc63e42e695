"""Several events of a ticket not seen before, stored in one transaction (group commit, or
the events one native helpdesk request maps to): the first creates the SLA clocks, the next
ones move them. Before, each tried to create them and the batch failed on the unique key."""
from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from chatops.clock import FixedClock
from chatops.tickets.schema import parse_event
from db.models_sla import SlaClock
from tests.events import comment, event
from tests.sla.helpers import T0


def test_created_then_answered_in_one_transaction(make_harness: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    app = make_harness(clock=FixedClock(T0))
    created = event()
    answered = comment(event(occurred_at="2026-11-23T09:40:00Z", status="open"), "On it")
    with caplog.at_level(logging.WARNING, logger="chatops.ingest"):
        results = app.rt.ingest.handle_many([parse_event(json.dumps(e).encode())
                                             for e in (created, answered)])
    assert [r.duplicate for r in results] == [False, False]
    assert "failed" not in caplog.text
    clocks = {c.target: c for c in app.rows(SlaClock)}
    assert sorted(clocks) == ["first_response", "resolution"]
    assert clocks["first_response"].met_at is not None  # the second event's answer counted
