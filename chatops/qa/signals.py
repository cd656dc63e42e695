"""The signals shown above the checklist, found in the ticket's own stored history: the
events in the order they happened (`received_events`, whatever order they arrived in), and
the SLA tables (a breach nudge recorded, or a clock met late or breached now)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chatops.sla import targets as t
from chatops.sla.clocks import target_clock
from chatops.sla.rules import SlaRules
from db.models import ReceivedEvent
from db.models_sla import SlaClock, SlaNudge
from domain.qa import Signals, side_of
from domain.tickets import DONE_STATUSES, TARGETS

COMMENTED = "ticket.commented"


@dataclass(frozen=True)
class Step:
    """One stored event of a ticket, as the signals read it."""

    type: str
    status: str | None  # the ticket's status in the event
    comment_role: str | None = None
    comment_public: bool | None = None


def signals_of(history: Iterable[Step], breached: Iterable[str] = ()) -> Signals:
    """The signals of a ticket's history (oldest first). An event's comment comes before its
    status: an agent who answers and solves in one update solved right after their reply."""
    agent_replies = run = longest = unconfirmed = reopened = 0
    last_side: str | None = None
    status: str | None = None
    for step in history:
        side = side_of(step.comment_role) if step.type == COMMENTED else None
        if side == "agent" and step.comment_public:
            agent_replies += 1
            run = 0
            last_side = side
        elif side == "customer":
            run += 1
            longest = max(longest, run)
            last_side = side
        if step.status is None:
            continue
        done = step.status in DONE_STATUSES
        was_done = status in DONE_STATUSES if status is not None else False
        if done and not was_done and last_side == "agent":
            unconfirmed += 1
        if was_done and not done:
            reopened += 1
        status = step.status
    return Signals(solved_unconfirmed=unconfirmed, customer_chased=longest if longest >= 2 else 0,
                   breached=tuple(x for x in TARGETS if x in set(breached)),
                   reopened=reopened, agent_replies=agent_replies)


def history(session: Session, ticket_id: str) -> list[Step]:
    e = ReceivedEvent
    rows = session.execute(select(e.type, e.status, e.comment_role, e.comment_public)
                           .where(e.ticket_id == ticket_id)
                           .order_by(e.occurred_at, e.received_at, e.id))
    return [Step(r.type, r.status, r.comment_role, r.comment_public) for r in rows]


def breached_targets(session: Session, rules: SlaRules, ticket_id: str, now: datetime) -> set[str]:
    """Targets whose breach mark was recorded, or whose clock was met late or is past due."""
    found = set(session.scalars(select(SlaNudge.target).where(SlaNudge.ticket_id == ticket_id,
                                                              SlaNudge.mark == 0)))
    for row in session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket_id)):
        seen = t.status(target_clock(row), rules.calendar(row.calendar), now)
        if seen.state == "breached" or seen.remaining < timedelta(0):
            found.add(row.target)
    return found


def ticket_signals(session: Session, rules: SlaRules, ticket_id: str, now: datetime) -> Signals:
    return signals_of(history(session, ticket_id), breached_targets(session, rules, ticket_id, now))
