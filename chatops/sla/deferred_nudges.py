"""A crossed mark travels from the scan to the delivery worker as one deferred outbox row
(`nudge_later`: the nudge serialised by `nudge_args`); the worker's handler (`expand_nudge`)
looks at the target again and returns the real messages (thread reply, DMs, Teams card,
parent redraw).

This keeps the scan's cost to a few small writes per due ticket, while the messages are
still written through the outbox in one transaction, exactly once.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from blocks.people import PersonView
from blocks.sla import NudgeView
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.sla import targets as t
from chatops.sla.clocks import clocks_of, target_clock
from chatops.sla.notifiers import Notifier
from chatops.sla.rules import SlaRules
from db.models import Ticket

# The parent message as the ticket stands (a chat.update), inside the worker's transaction.
ParentRedraw = Callable[[Session, Ticket], outbox.Message]

NUDGE = "sla.nudge"  # the deferred handler's name
SUBJECT_KEEP = 3000  # builders shorten further; this only bounds the row


def nudge_args(nudge: NudgeView, team: str, redraw: bool) -> dict[str, Any]:
    a = nudge.assignee
    return {
        "team": team, "redraw": redraw, "ticket_id": nudge.ticket_id,
        "subject": nudge.subject[:SUBJECT_KEEP], "url": nudge.url[:SUBJECT_KEEP],
        "priority": nudge.priority, "target": nudge.target, "mark": nudge.mark,
        "colour": nudge.colour, "due_at": nudge.due_at.isoformat() if nudge.due_at else None,
        "remaining_s": nudge.remaining.total_seconds(), "timezone": nudge.timezone,
        "assignee": None if a is None else [a.name, a.email, a.user_id, a.ref],
    }


def nudge_of(args: dict[str, Any]) -> NudgeView:
    a = args["assignee"]
    return NudgeView(
        ticket_id=args["ticket_id"], subject=args["subject"], url=args["url"],
        priority=args["priority"], target=args["target"], mark=args["mark"],
        colour=args["colour"],
        due_at=datetime.fromisoformat(args["due_at"]) if args["due_at"] else None,
        remaining=timedelta(seconds=args["remaining_s"]),
        # (rows written before helpdesk refs existed hold three items)
        assignee=None if a is None else PersonView(name=a[0], email=a[1], user_id=a[2],
                                                    ref=a[3] if len(a) > 3 else None),
        timezone=args["timezone"])


def nudge_later(nudge: NudgeView, team: str, redraw: bool) -> outbox.Message:
    """The deferred row of one nudge; in its ticket's stream, so the thread keeps its order."""
    return outbox.deferred(NUDGE, nudge_args(nudge, team, redraw),
                           stream=outbox.ticket_stream(nudge.ticket_id), ticket_id=nudge.ticket_id)


def expand_nudge(session: Session, config: AppConfig, rules: SlaRules,
                 notifiers: Sequence[Notifier], args: dict[str, Any], redraw: ParentRedraw,
                 now: datetime) -> list[outbox.Message]:
    """The delivery worker's half: the nudge's messages, and the parent redrawn.

    The target is looked at again first (on the worker's read-only snapshot): if it was met or
    paused since the scan (an agent answered a moment later), or the mark is no longer crossed
    (a priority change gave it more time), no nudge is sent (the parent is still redrawn when
    asked)."""
    nudge = nudge_of(args)
    team = config.team_for(args["team"])
    ticket = session.get(Ticket, nudge.ticket_id)
    row = clocks_of(session, nudge.ticket_id).get(nudge.target)
    messages: list[outbox.Message] = []
    if row is not None:
        seen = t.status(target_clock(row), rules.calendar(row.calendar), now)
        if seen.state in ("running", "breached") and t.crossed_marks(seen.fraction_left, [nudge.mark]):
            nudge = replace(nudge, due_at=seen.due_at, remaining=seen.remaining)
            for notifier in notifiers:
                messages += notifier.messages(session, team, nudge)
    if args["redraw"] and ticket is not None:
        messages.append(redraw(session, ticket))
    return messages
