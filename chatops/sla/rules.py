"""The SLA part of app.yaml, ready for arithmetic: calendars built, marks keyed, policies looked up."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from chatops.config import AppConfig
from chatops.sla.calendars import BusinessCalendar, build_calendars
from domain.hours import ALWAYS_OPEN

log = logging.getLogger("chatops.sla")



def mark_key(fraction: float) -> int:
    """A mark's identity in the database: basis points of time left (50 % -> 5000, breach -> 0)."""
    return round(fraction * 10_000)


@dataclass(frozen=True)
class Mark:
    index: int  # position in app.yaml: a higher index is more urgent
    fraction: float  # time left when the mark is crossed; 0 = breached
    colour: str  # "#RRGGBB"

    @property
    def key(self) -> int:
        return mark_key(self.fraction)

    @property
    def breach(self) -> bool:
        return self.fraction <= 0


@dataclass(frozen=True)
class SlaRules:
    calendars: dict[str, BusinessCalendar]
    budgets: dict[str, dict[str, timedelta]]  # priority -> target -> working time
    calendar_of: dict[str, str]  # priority -> calendar name
    marks: tuple[Mark, ...]  # most relaxed first
    pause_on: frozenset[str]
    notify_thread: bool
    notify_dm: bool

    @classmethod
    def from_config(cls, config: AppConfig) -> SlaRules:
        sla = config.sla
        calendars = build_calendars(config.calendars, config.timezone)
        budgets: dict[str, dict[str, timedelta]] = {
            p: {"first_response": pol.first_response, "resolution": pol.resolution}
            for p, pol in sla.policies.items()}
        marks = tuple(Mark(i, n.remaining, n.colour) for i, n in enumerate(sla.nudges))
        return cls(calendars=calendars, budgets=budgets,
                   calendar_of={p: pol.calendar for p, pol in sla.policies.items()},
                   marks=marks, pause_on=frozenset(sla.pause_on),
                   notify_thread="thread" in sla.notify, notify_dm="assignee_dm" in sla.notify)

    @property
    def fractions(self) -> list[float]:
        return [m.fraction for m in self.marks]

    def policy(self, priority: str, target: str) -> tuple[str, timedelta]:
        """(calendar name, budget) of a target at a priority; unknown priority: the lowest."""
        budgets = self.budgets.get(priority) or self.budgets[list(self.budgets)[-1]]
        name = self.calendar_of.get(priority, ALWAYS_OPEN)
        return (name if name in self.calendars else ALWAYS_OPEN), budgets[target]

    def calendar(self, name: str) -> BusinessCalendar:
        found = self.calendars.get(name)
        if found is None:  # a calendar removed from app.yaml since the clock was stored
            log.warning("unknown calendar %r: counting 24x7", name)
            return self.calendars[ALWAYS_OPEN]
        return found

    def recorded(self, floor: int | None) -> set[int]:
        """Indexes of the marks already behind a target whose most urgent recorded mark is
        `floor`: every mark at least as relaxed (a mark added to app.yaml later included,
        so a relaxed nudge never follows an urgent one)."""
        if floor is None:
            return set()
        return {m.index for m in self.marks if m.key >= floor}
