"""Driving the native helpdesk routes, and the yardstick they are held to: the same story told
once in the helpdesk's own payloads and once in CONTRACT §4 events must leave Slack (and
Teams) exactly the same."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from chatops.clock import FixedClock
from db.schema import Base
from jobs.sla_scan import run_sla_scan
from tests.conftest import Harness
from tests.delivery.threads import parts
from tests.helpdesk_requests import Signed


def send(app: Harness, request: Signed) -> Any:
    return app.client.open(request.path, method=request.method, data=request.body,
                           headers=request.headers)


@dataclass(frozen=True)
class Step:
    """At `at`: a request (native), a §4 event (the contract's telling), or an SLA scan."""

    at: datetime
    native: Signed | None = None
    contract: dict[str, Any] | None = None

    @property
    def scan(self) -> bool:
        return self.native is None and self.contract is None


def slack_view(app: Harness) -> dict[str, Any]:
    """What people see: each channel's (and DM's) top-level messages as they read now, with
    their threads, and each team's Teams posts; timestamps left out."""
    channels: dict[str, list[dict[str, Any]]] = {}
    roots: dict[tuple[str, str], dict[str, Any]] = {}
    for m in app.fake.messages():
        content = {"text": m["text"], "blocks": m["blocks"], "attachments": m["attachments"]}
        thread = m["thread_ts"]
        if thread and thread != m["ts"]:
            roots[(m["channel"], thread)]["thread"].append(content)
        else:
            roots[(m["channel"], m["ts"])] = {"message": content, "thread": []}
            channels.setdefault(m["channel"], []).append(roots[(m["channel"], m["ts"])])
    return {"slack": channels, "teams": app.fake.teams_posts("support")}


def wipe(app: Harness) -> None:
    """Back to an empty database and an empty Slack (ids restart, as in a fresh one)."""
    tables = Base.metadata.sorted_tables
    with app.rt.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
    app.fake.reset()


def play(app: Harness, steps: Sequence[Step], native: bool) -> dict[str, Any]:
    """Tell the story one way, deliver everything, and return what Slack shows."""
    clock = app.rt.clock
    assert isinstance(clock, FixedClock)
    for step in steps:
        clock.set(step.at)
        if step.scan:
            run_sla_scan(app.rt)
        elif native:
            assert step.native is not None
            response = send(app, step.native)
            assert response.status_code in (200, 202), response.get_data()
        else:
            response = app.post_event(step.contract)
            assert response.status_code in (200, 202), response.get_data()
        assert app.deliver(max_seconds=20) == 0
    return slack_view(app)


def told_both_ways(app: Harness, steps: Sequence[Step]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Slack after the helpdesk's payloads, Slack after the same story in §4 events)."""
    native = play(app, steps, native=True)
    wipe(app)
    contract = play(app, steps, native=False)
    return native, contract


def dumped(view: Any) -> str:
    return json.dumps(view, ensure_ascii=False)


def parent_and_thread(view: dict[str, Any], channel: str = "C0SUPPORT") -> tuple[str, list[str]]:
    """The channel's only ticket: its parent as it reads now, and its thread's texts, one per
    reply as a reader reads it: a reply that carries several queued ones (a backlog coalesced,
    parts separated by a divider) counts as each of them, in their order."""
    [ticket] = view["slack"][channel]
    return dumped(ticket["message"]), [dumped(part) for reply in ticket["thread"]
                                       for part in _reply_parts(reply)]


def _reply_parts(reply: dict[str, Any]) -> list[dict[str, Any]]:
    split = parts(reply)
    return [reply] if len(split) < 2 else [{"blocks": blocks} for blocks in split]


def in_order(thread: list[str], *expected: str) -> bool:
    """Each expected text is in some reply, each in a later reply than the one before."""
    at = 0
    for wanted in expected:
        found = next((i for i in range(at, len(thread)) if wanted in thread[i]), None)
        if found is None:
            return False
        at = found + 1
    return True
