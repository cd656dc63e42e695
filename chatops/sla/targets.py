"""Pure SLA target arithmetic: due times, time left, pauses and nudge marks.

A target's clock measures *working time* on a :class:`BusinessCalendar` from the ticket's
creation, minus the working time spent paused (resolution only). Nothing here reads the clock:
every function takes the moment it is about.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from chatops.sla.calendars import BusinessCalendar

__all__ = [
    "TargetState", "TargetClock", "TargetStatus",
    "status", "pause", "resume", "meet", "reopen", "crossed_marks", "next_mark_at",
]

TargetState = Literal["met", "paused", "running", "breached"]
_ZERO = timedelta(0)
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class TargetClock:
    """What is stored per ticket per target."""

    started_at: datetime  # ticket created_at
    budget: timedelta  # policy duration, in working time
    paused_work: timedelta = _ZERO  # working time spent in finished pauses
    paused_since: datetime | None = None  # set while paused
    met_at: datetime | None = None


@dataclass(frozen=True)
class TargetStatus:
    """A target as seen at one moment."""

    due_at: datetime | None  # None if met; while paused: the due moment if it resumed now
    remaining: timedelta  # working time left, negative when breached; frozen while paused
    fraction_left: float  # remaining / budget, <= 0 when breached
    state: TargetState


def _fraction(remaining: timedelta, budget: timedelta) -> float:
    """remaining / budget; a zero budget counts as already used up (0.0 or less)."""
    if budget > _ZERO:
        return remaining / budget
    return 0.0 if remaining >= _ZERO else -1.0


def _consumed(clock: TargetClock, calendar: BusinessCalendar, at: datetime) -> timedelta:
    """Working time counted against the budget as of ``at`` (stops at a pause or when met)."""
    end = at
    for stop in (clock.paused_since, clock.met_at):
        if stop is not None and stop < end:
            end = stop
    end = max(end, clock.started_at)
    return max(calendar.between(clock.started_at, end) - clock.paused_work, _ZERO)


def status(clock: TargetClock, calendar: BusinessCalendar, now: datetime) -> TargetStatus:
    """The target's state at ``now``. Met keeps the time that was left when it was met."""
    remaining = clock.budget - _consumed(clock, calendar, now)
    fraction = _fraction(remaining, clock.budget)
    if clock.met_at is not None:
        return TargetStatus(None, remaining, fraction, "met")
    if clock.paused_since is not None:
        if remaining > _ZERO:
            due = calendar.add(max(now, clock.paused_since), remaining)
        else:
            due = calendar.add(clock.started_at, clock.budget + clock.paused_work)
        return TargetStatus(due, remaining, fraction, "paused")
    due = calendar.add(clock.started_at, clock.budget + clock.paused_work)
    return TargetStatus(due, remaining, fraction, "breached" if remaining <= _ZERO else "running")


def pause(clock: TargetClock, calendar: BusinessCalendar, at: datetime) -> TargetClock:
    """Stop the clock at ``at``; no-op if already paused or met."""
    del calendar  # symmetry with resume(); the pause is accounted for when it ends
    if clock.paused_since is not None or clock.met_at is not None:
        return clock
    return replace(clock, paused_since=max(at, clock.started_at))


def resume(clock: TargetClock, calendar: BusinessCalendar, at: datetime) -> TargetClock:
    """Restart a paused clock at ``at``, adding the working time spent paused; no-op if running."""
    if clock.paused_since is None or clock.met_at is not None:
        return clock
    spent = calendar.between(clock.paused_since, max(at, clock.paused_since))
    return replace(clock, paused_work=clock.paused_work + spent, paused_since=None)


def meet(clock: TargetClock, at: datetime) -> TargetClock:
    """Mark the target met at ``at``; the first meeting wins. A pause in progress stays
    recorded, so the time left is the time left when the pause began."""
    if clock.met_at is not None:
        return clock
    return replace(clock, met_at=max(at, clock.started_at))


def reopen(clock: TargetClock, calendar: BusinessCalendar, at: datetime) -> TargetClock:
    """Undo ``meet`` at ``at`` (ticket reopened): the time spent met counts as paused."""
    if clock.met_at is None:
        return clock
    stopped = min(clock.met_at, clock.paused_since or clock.met_at)
    spent = calendar.between(stopped, max(at, stopped))
    return replace(clock, paused_work=clock.paused_work + spent, paused_since=None, met_at=None)


def _is_crossed(fraction_left: float, mark: float) -> bool:
    return fraction_left < mark if mark > 0 else fraction_left <= mark


def crossed_marks(fraction_left: float, marks: Sequence[float]) -> list[int]:
    """Indexes of the marks crossed at ``fraction_left``: a mark m > 0 when fraction_left < m,
    the breach mark 0 (or a negative, overdue mark m) when fraction_left <= m."""
    return [index for index, mark in enumerate(marks) if _is_crossed(fraction_left, mark)]


def _work_to_cross(budget: timedelta, mark: float) -> timedelta | None:
    """The least working time consumed (to the microsecond) at which ``mark`` is crossed,
    with the same float comparison as :func:`crossed_marks`; None if it never is."""

    def crossed(consumed: timedelta) -> bool:
        return _is_crossed(_fraction(budget - consumed, budget), mark)

    try:
        consumed = max(budget * (1 - mark), _ZERO) if budget > _ZERO else _ZERO
    except OverflowError:
        return None
    for _ in range(1000):  # float rounding moves the answer by a microsecond or two at most
        if crossed(consumed):
            break
        consumed += _TICK
    else:
        return None  # e.g. a zero budget never gets below -1.0
    while consumed > _ZERO and crossed(consumed - _TICK):
        consumed -= _TICK
    return consumed


def next_mark_at(
    clock: TargetClock,
    calendar: BusinessCalendar,
    marks: Sequence[float],
    already_sent: Collection[int],
) -> datetime | None:
    """The earliest moment at which a mark not in ``already_sent`` is crossed (possibly in the
    past, meaning "due now"); None if met, paused, or every mark was sent."""
    if clock.met_at is not None or clock.paused_since is not None:
        return None
    pending = [mark for index, mark in enumerate(marks) if index not in already_sent]
    if not pending:
        return None
    # A higher mark is crossed no later than a lower one, so the first pending mark from
    # the top that is ever crossed is the earliest: one computation, not one per mark.
    for mark in sorted(pending, reverse=True):
        work = _work_to_cross(clock.budget, mark)
        if work is not None:
            return calendar.add(clock.started_at, work + clock.paused_work)
    return None
