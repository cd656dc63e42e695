"""The week a review covers: the 7 days before its run moment, in the team's time zone.

Days are counted on the local wall clock, so a week across a daylight-saving change is 167
or 169 hours long, and each of its seven days starts at the run's local time of day (a
review run at 10:00 has days from 10:00 to 10:00; one run at midnight has calendar days).
The week before (for the change shown next to each headline figure) is the 7 days before
that. "Once per ISO week" is the ISO week of the run moment's local date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = 7


def _days_before(local_end: datetime, days: int) -> datetime:
    """`days` local calendar days before `local_end`, same wall-clock time, in UTC."""
    wall = local_end.replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=local_end.tzinfo).astimezone(UTC)


def iso_week(moment: datetime, timezone: str) -> str:
    """`2026-W48`: the ISO week of `moment`'s date in `timezone`."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ReviewWindow:
    timezone: str
    before_start: datetime  # the week before: [before_start, start)
    bounds: tuple[datetime, ...]  # the 8 day boundaries: start, …, end (UTC)

    @classmethod
    def ending(cls, end: datetime, timezone: str) -> ReviewWindow:
        local_end = end.astimezone(ZoneInfo(timezone))
        bounds = tuple(_days_before(local_end, DAYS - k) for k in range(DAYS)) + (
            end.astimezone(UTC),)
        return cls(timezone=timezone, before_start=_days_before(local_end, 2 * DAYS),
                   bounds=bounds)

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    @property
    def iso_week(self) -> str:
        return iso_week(self.end, self.timezone)

    def day_starts(self) -> list[datetime]:
        """The local start of each of the seven days (for labels)."""
        zone = ZoneInfo(self.timezone)
        return [b.astimezone(zone) for b in self.bounds[:DAYS]]
