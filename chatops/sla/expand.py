"""A crossed mark travels from the scan to the delivery worker as one small row; the worker
expands it into the real messages (thread reply, DMs, Teams card, parent redraw).

This keeps the scan's cost to a few small writes per due ticket, while the messages are
still written through the outbox in one transaction, exactly once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from blocks.people import Person
from blocks.sla import Nudge

WORK = "sla.nudge"
SUBJECT_KEEP = 3000  # builders shorten further; this only bounds the row


def nudge_args(nudge: Nudge, team: str, redraw: bool) -> dict[str, Any]:
    a = nudge.assignee
    return {
        "team": team, "redraw": redraw, "ticket_id": nudge.ticket_id,
        "subject": nudge.subject[:SUBJECT_KEEP], "url": nudge.url[:SUBJECT_KEEP],
        "priority": nudge.priority, "target": nudge.target, "mark": nudge.mark,
        "colour": nudge.colour, "due_at": nudge.due_at.isoformat() if nudge.due_at else None,
        "remaining_s": nudge.remaining.total_seconds(), "timezone": nudge.timezone,
        "assignee": None if a is None else [a.name, a.email, a.user_id],
    }


def nudge_of(args: dict[str, Any]) -> Nudge:
    a = args["assignee"]
    return Nudge(
        ticket_id=args["ticket_id"], subject=args["subject"], url=args["url"],
        priority=args["priority"], target=args["target"], mark=args["mark"],
        colour=args["colour"],
        due_at=datetime.fromisoformat(args["due_at"]) if args["due_at"] else None,
        remaining=timedelta(seconds=args["remaining_s"]),
        assignee=None if a is None else Person(name=a[0], email=a[1], user_id=a[2]),
        timezone=args["timezone"])
