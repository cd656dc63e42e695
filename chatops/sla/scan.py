"""The SLA scan: reads only the clocks whose next mark is due, records the marks crossed,
and turns the most urgent new one per target into nudges, all in one transaction.

"At most once, ever" is the unique key of `sla_nudges`: marks are inserted with
ON CONFLICT DO NOTHING, and only the rows this transaction really inserted are sent, so two
schedulers running by accident (or a restart mid-scan) never send a nudge twice.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from blocks.sla import NudgeView
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.sla import targets as t
from chatops.sla.clocks import target_clock
from chatops.sla.deferred_nudges import nudge_later
from chatops.sla.parent import TargetView
from chatops.sla.rules import SlaRules
from chatops.tickets.views import agent_person
from db.models import Ticket
from db.models_sla import SlaClock, SlaNudge
from db.upsert import dialect_insert

_CLOCKS = SlaClock.__table__
_C = _CLOCKS.c
_T = Ticket.__table__.c
_FIELDS = ("target", "calendar", "started_at", "budget_us", "paused_work_us", "paused_since",
           "met_at", "mark_floor")
_DUE = (select(_C.ticket_id, *(_C[f] for f in _FIELDS), _T.id, _T.team, _T.subject, _T.url,
               _T.priority, _T.status, _T.requester_name,
               _T.requester_email, _T.assignee_name, _T.assignee_email, _T.assignee_ref)
        .join_from(_CLOCKS, Ticket.__table__, _C.ticket_id == _T.id)
        .where(_C.next_mark_at <= bindparam("now"))
        .order_by(_C.next_mark_at).limit(bindparam("limit")))
_MOVE = (update(_CLOCKS)
         .where(_C.ticket_id == bindparam("t_id"), _C.target == bindparam("t_target"))
         .values(next_mark_at=bindparam("t_next"), mark_floor=bindparam("t_floor")))
_NUDGES = SlaNudge.__table__


@cache
def _record(dialect: str) -> Any:
    return dialect_insert(dialect, _NUDGES).on_conflict_do_nothing(
        index_elements=["ticket_id", "target", "mark"]).returning(
        _NUDGES.c.ticket_id, _NUDGES.c.target, _NUDGES.c.mark)
_RECHECK = timedelta(seconds=1)  # float edge: a "next" mark not strictly in the future
_EARLIEST = select(func.min(_C.next_mark_at))  # one lookup on the index


def earliest_mark(session: Session) -> datetime | None:
    """When the next unsent mark of any running target is crossed (None: no target runs)."""
    return session.execute(_EARLIEST).scalar()


@dataclass
class ScanResult:
    scanned: int = 0  # tickets read
    sent: int = 0  # nudges sent (one per target and scan at most)
    marks: list[str] = field(default_factory=list)  # "50%" / "breach", one per nudge sent
    full: bool = False  # the batch limit was reached: more may be due


@dataclass
class _Due:
    row: Any
    view: TargetView  # after this scan (new mark floor)
    most: int | None  # index of the most urgent mark crossed, not recorded before
    crossed: list[int]
    next_at: datetime | None


def _locking(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        # Two schedulers split the work instead of racing; ingest waits for our commit.
        return _DUE.with_for_update(skip_locked=True, of=[_CLOCKS, Ticket.__table__])
    return _DUE


def _plan(row: Any, rules: SlaRules, now: datetime) -> _Due:
    """What one due clock needs: the marks crossed now, its next mark and new floor."""
    clock = target_clock(row)
    calendar = rules.calendar(row.calendar)
    recorded = rules.recorded(row.mark_floor)
    if clock.met_at is not None or clock.paused_since is not None:  # stale: nothing is due
        return _Due(row, TargetView(row.target, row.calendar, clock, row.mark_floor), None, [], None)
    seen = t.status(clock, calendar, now)
    crossed = [i for i in t.crossed_marks(seen.fraction_left, rules.fractions) if i not in recorded]
    next_at = t.next_mark_at(clock, calendar, rules.fractions, recorded.union(crossed))
    if next_at is not None and next_at <= now:
        next_at = now + _RECHECK
    most = max(crossed) if crossed else None
    floor = row.mark_floor
    if most is not None:
        key = rules.marks[most].key
        floor = key if floor is None else min(key, floor)
    return _Due(row, TargetView(row.target, row.calendar, clock, floor, seen), most, crossed,
                next_at)


def scan_batch(session: Session, config: AppConfig, rules: SlaRules, now: datetime, limit: int = 1000,
               on_sent: Callable[[NudgeView], None] | None = None) -> ScanResult:
    """One transaction's worth: at most `limit` due clocks."""
    rows = session.execute(_locking(session), {"now": now, "limit": limit}).all()
    result = ScanResult(scanned=len({r.ticket_id for r in rows}), full=len(rows) >= limit)
    if not rows:
        return result
    dues = [_plan(row, rules, now) for row in rows]
    records = [{"ticket_id": d.row.ticket_id, "target": d.row.target,
                "mark": rules.marks[i].key, "colour": rules.marks[i].colour,
                "sent": i == d.most, "recorded_at": now} for d in dues for i in d.crossed]
    inserted: set[tuple[str, str, int]] = set()
    if records:
        statement = _record(session.get_bind().dialect.name)
        inserted = {(r[0], r[1], r[2]) for r in session.execute(statement, records)}
    session.execute(_MOVE, [{"t_id": d.row.ticket_id, "t_target": d.row.target,
                             "t_next": d.next_at, "t_floor": d.view.mark_floor} for d in dues])
    teams: dict[str | None, tuple[TeamConfig, str]] = {}
    redrawn: set[str] = set()
    work: list[outbox.Message] = []
    for d in dues:
        if d.most is None or d.view.seen is None:
            continue
        row, mark, seen = d.row, rules.marks[d.most], d.view.seen
        if (row.ticket_id, row.target, mark.key) not in inserted:
            continue  # recorded by another scan in the meantime: it sent it
        if row.team not in teams:
            team = config.team_for(row.team)
            teams[row.team] = (team, config.team_timezone(team))
        team, timezone = teams[row.team]
        nudge = NudgeView(ticket_id=row.ticket_id, subject=row.subject, url=row.url,
                      priority=row.priority, target=row.target, mark=mark.fraction,
                      colour=mark.colour, due_at=seen.due_at, remaining=seen.remaining,
                      assignee=agent_person(row.assignee_name, row.assignee_email, team.agents,
                                            row.assignee_ref),
                      timezone=timezone)
        # The parent's colour and due lines follow: redrawn once per ticket, at expansion.
        redraw = row.ticket_id not in redrawn
        redrawn.add(row.ticket_id)
        work.append(nudge_later(nudge, team.name, redraw))
        result.sent += 1
        result.marks.append("breach" if mark.breach else f"{mark.fraction:.0%}")
        if on_sent is not None:
            on_sent(nudge)
    outbox.add(session, *work)
    return result
