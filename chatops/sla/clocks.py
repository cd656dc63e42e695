"""Stored target clocks: following a ticket's state, on every helpdesk event.

Moments come from the ticket (the newest snapshot's `occurred_at`, `first_response_at`,
`solved_at`), never from when the event arrived, so late or reordered events put pauses and
meetings where they happened. The arithmetic is `chatops.sla.targets`; this module only stores it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from chatops.sla import targets as t
from chatops.sla.calendars import BusinessCalendar
from chatops.sla.rules import SlaRules
from chatops.tickets.snapshot import is_new
from db.models import Ticket
from db.models_sla import SlaClock
from domain.tickets import DONE_STATUSES, TARGETS

Want = Literal["met", "paused", "running"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def target_clock(row: Any) -> t.TargetClock:
    return t.TargetClock(started_at=row.started_at, budget=timedelta(microseconds=row.budget_us),
                         paused_work=timedelta(microseconds=row.paused_work_us),
                         paused_since=row.paused_since, met_at=row.met_at)


def _store(row: StoredClock, clock: t.TargetClock) -> None:
    row.started_at = clock.started_at
    row.budget_us = _us(clock.budget)
    row.paused_work_us = _us(clock.paused_work)
    row.paused_since = clock.paused_since
    row.met_at = clock.met_at


def wanted(target: str, ticket: Ticket, rules: SlaRules) -> tuple[Want, datetime | None]:
    """What the ticket's state says the clock should be doing, and since when if met.

    First response is met by the first public agent comment; while the ticket is solved or
    closed without one it is stopped (nobody is nudged about a closed ticket). Resolution is
    met while solved or closed and stopped while the status is in `sla.pause_on`.
    """
    if target == "first_response":
        if ticket.first_response_at is not None:
            return "met", ticket.first_response_at
        return ("paused" if ticket.status in DONE_STATUSES else "running"), None
    if ticket.status in DONE_STATUSES:
        return "met", ticket.solved_at or ticket.state_at
    return ("paused" if ticket.status in rules.pause_on else "running"), None


def follow(clock: t.TargetClock, calendar: BusinessCalendar, want: Want, at: datetime,
           met_at: datetime | None) -> tuple[t.TargetClock, list[tuple[datetime, datetime]]]:
    """Move `clock` to `want` at `at`; returns it with the wall-clock spans that stopped being
    counted (a finished pause, or the time spent met before a reopen)."""
    spans: list[tuple[datetime, datetime]] = []
    if want == "met":
        assert met_at is not None
        if clock.met_at is not None and met_at < clock.met_at:  # an earlier reply arrived late
            return replace(clock, met_at=max(met_at, clock.started_at)), spans
        return t.meet(clock, met_at), spans
    if clock.met_at is not None:  # reopened
        stopped = min(clock.met_at, clock.paused_since or clock.met_at)
        spans.append((stopped, max(at, stopped)))
        clock = t.reopen(clock, calendar, at)
    if want == "paused":
        return t.pause(clock, calendar, at), spans
    if clock.paused_since is not None:
        spans.append((clock.paused_since, max(at, clock.paused_since)))
        clock = t.resume(clock, calendar, at)
    return clock, spans


def _load_spans(text: str) -> list[tuple[datetime, datetime]]:
    return [(_EPOCH + timedelta(microseconds=a), _EPOCH + timedelta(microseconds=b))
            for a, b in json.loads(text or "[]")]


def _dump_spans(spans: list[tuple[datetime, datetime]]) -> str:
    return json.dumps([[_us(a - _EPOCH), _us(b - _EPOCH)] for a, b in spans])


_SEEN = "sla_clocks"  # session.info key: the rows sync_ticket just handled, by ticket id
_COLUMNS = [c.name for c in SlaClock.__table__.columns]
_TABLE = SlaClock.__table__
_LOAD = select(_TABLE).where(_TABLE.c.ticket_id == bindparam("ticket_id"))
_SAVE = (update(_TABLE)
         .where(_TABLE.c.ticket_id == bindparam("k_ticket"), _TABLE.c.target == bindparam("k_target"))
         .values({name: bindparam(name) for name in _COLUMNS if name not in ("ticket_id", "target")}))


@dataclass
class StoredClock:
    """An `sla_clocks` row in memory: read and written with Core, the hot path of every event."""

    ticket_id: str
    target: str
    calendar: str
    started_at: datetime
    budget_us: int
    paused_work_us: int = 0
    paused_since: datetime | None = None
    met_at: datetime | None = None
    met_work_us: int | None = None
    pauses: str = "[]"
    due_at: datetime | None = None
    mark_floor: int | None = None
    next_mark_at: datetime | None = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS}


def clocks_of(session: Session, ticket_id: str) -> dict[str, StoredClock]:
    """The ticket's clock rows (those `sync_ticket` handled in this session, without a query).
    Read on the session's connection without an autoflush: the ticket's pending changes wait
    for the commit, as ingest intends."""
    seen = session.info.get(_SEEN, {}).get(ticket_id)
    if seen is not None:
        return dict(seen)
    rows = session.connection().execute(_LOAD, {"ticket_id": ticket_id})
    return {row.target: StoredClock(**row._mapping) for row in rows}


def sync_ticket(session: Session, rules: SlaRules, ticket: Ticket) -> bool:
    """Bring the ticket's clocks in line with its state (creating them the first time);
    recompute due moments and the next mark. True when what the parent shows changed."""
    # A ticket created in this transaction has no clocks yet, unless an earlier event of the
    # same transaction (group commit, or one request's several events) made them.
    new = is_new(session, ticket) and ticket.id not in session.info.get(_SEEN, {})
    rows = {} if new else clocks_of(session, ticket.id)
    changed = False
    inserts: list[dict[str, Any]] = []
    for target in TARGETS:
        name, budget = rules.policy(ticket.priority, target)
        calendar = rules.calendar(name)
        row = rows.get(target)
        before = row.values() if row is not None else None
        if row is None:
            row = rows[target] = StoredClock(ticket_id=ticket.id, target=target, calendar=name,
                                             started_at=ticket.created_at, budget_us=_us(budget))
        clock = replace(target_clock(row), started_at=ticket.created_at, budget=budget)
        spans = _load_spans(row.pauses) if row.pauses != "[]" else []
        if row.calendar != name:  # a priority change moved the target to another calendar
            clock = replace(clock, paused_work=sum(
                (calendar.between(a, b) for a, b in spans), timedelta(0)))
            row.calendar = name
        want, met_at = wanted(target, ticket, rules)
        clock, stopped = follow(clock, calendar, want, ticket.state_at, met_at)
        if stopped:
            row.pauses = _dump_spans(spans + stopped)
        _store(row, clock)
        row.met_work_us = _met_work(row, clock, calendar, before)
        refresh_marks(row, clock, calendar, rules)
        after = row.values()
        if before is None:
            inserts.append(after)
        elif after != before:
            session.connection().execute(_SAVE, {**after, "k_ticket": row.ticket_id,
                                                 "k_target": row.target})
        shown = ("due_at", "met_at", "paused_since", "budget_us")
        changed = changed or before is None or any(after[k] != before[k] for k in shown)
    if inserts:
        if ticket in session.new:
            session.flush()  # the ticket's row first (foreign key); the commit would anyway
        session.connection().execute(insert(_TABLE), inserts)
    session.info.setdefault(_SEEN, {})[ticket.id] = rows
    return changed


def _met_work(row: StoredClock, clock: t.TargetClock, calendar: BusinessCalendar,
              before: dict[str, Any] | None) -> int | None:
    """The working time a met target used (the weekly review's "met on time" and median
    first response), measured once when it is met; None while it is not."""
    if clock.met_at is None:
        return None
    if before is not None and before["met_work_us"] is not None and all(
            before[k] == getattr(row, k) for k in ("met_at", "started_at", "calendar", "paused_work_us")):
        return int(before["met_work_us"])
    return _us(clock.budget - t.status(clock, calendar, clock.met_at).remaining)


def refresh_marks(row: StoredClock, clock: t.TargetClock, calendar: BusinessCalendar,
                  rules: SlaRules) -> None:
    """Store the running due moment and when the next unrecorded mark is crossed."""
    running = clock.met_at is None and clock.paused_since is None
    row.due_at = calendar.add(clock.started_at, clock.budget + clock.paused_work) if running else None
    row.next_mark_at = t.next_mark_at(clock, calendar, rules.fractions, rules.recorded(row.mark_floor))
