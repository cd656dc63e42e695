"""What the ticket's parent message shows of the SLA: a due line per target and a colour."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blocks.sla import DueLine, due_line
from chatops.sla import targets as t
from chatops.sla.clocks import target_clock
from chatops.sla.rules import Mark, SlaRules
from domain.tickets import TARGETS


@dataclass(frozen=True)
class TargetView:
    """One stored target, as the parent needs it."""

    target: str
    calendar: str
    clock: t.TargetClock
    mark_floor: int | None
    seen: t.TargetStatus | None = None  # its status now, when already computed

    @classmethod
    def of(cls, row: Any) -> TargetView:
        """From an `SlaClock` or a Core row with the same column names."""
        return cls(row.target, row.calendar, target_clock(row), row.mark_floor)


def parent_sla(views: Iterable[TargetView], rules: SlaRules, now: datetime,
               timezone: str) -> tuple[list[str], str | None]:
    """(due lines, colour) of a ticket's targets.

    The colour is the most urgent mark already nudged that is still crossed on a running
    target: it follows the nudges, and fades when a target is met, paused or given more time.
    """
    by_target = {view.target: view for view in views}
    lines: list[str] = []
    worst: Mark | None = None
    for target in TARGETS:
        view = by_target.get(target)
        if view is None:
            continue
        seen = view.seen or t.status(view.clock, rules.calendar(view.calendar), now)
        lines.append(due_line(DueLine(target, seen.state, seen.due_at, seen.remaining), timezone))
        if seen.state not in ("running", "breached") or view.mark_floor is None:
            continue
        recorded = rules.recorded(view.mark_floor)
        crossed = [i for i in t.crossed_marks(seen.fraction_left, rules.fractions) if i in recorded]
        if crossed:
            mark = rules.marks[max(crossed)]
            if worst is None or mark.fraction < worst.fraction:
                worst = mark
    return lines, (worst.colour if worst else None)
