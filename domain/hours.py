"""Business hours as app.yaml writes them, parsed by one rule for config and calendars alike.

A day's hours are `"09:00-18:00"` or several ranges, comma-separated (`"09:00-13:00,14:00-18:00"`);
an end may be `24:00`; ranges may touch but not overlap (an overlap is refused, not merged). A
week maps `mon` … `sun` to a day's hours; a day left out is closed, and at least one day is open.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = "24x7"  # the built-in calendar's name

Range = tuple[int, int]  # minutes after local midnight, [start, end)
Week = tuple[tuple[Range, ...], ...]  # seven days, Monday first

_RANGE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


def _minutes(hour: str, minute: str, *, end: bool) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and (m or not end)):
        raise ValueError(f"{hour}:{minute} is not a time of day")
    return h * 60 + m


def parse_hours(value: str) -> tuple[Range, ...]:
    """Parse "09:00-13:00,14:00-18:00" into sorted (start, end) minutes after midnight."""
    ranges: list[Range] = []
    for part in value.split(","):
        match = _RANGE.fullmatch(part.strip())
        if not match:
            raise ValueError(f'"{value}" is not opening hours (expected "09:00-18:00" or "09:00-13:00,14:00-18:00")')
        start = _minutes(match[1], match[2], end=False)
        end = _minutes(match[3], match[4], end=True)
        if end <= start:
            raise ValueError(f'"{part.strip()}" ends before it starts')
        ranges.append((start, end))
    ranges.sort()
    for (_, end), (start, _) in zip(ranges, ranges[1:]):
        if start < end:
            raise ValueError(f'"{value}" has overlapping ranges')
    return tuple(ranges)


def parse_weekday(value: str) -> int:
    """`mon` → 0 … `sun` → 6."""
    if value not in WEEKDAYS:
        raise ValueError(f'"{value}" is not a day (expected one of {", ".join(WEEKDAYS)})')
    return WEEKDAYS.index(value)


def parse_week(hours: Mapping[str, str]) -> Week:
    """A week's opening ranges from `{"mon": "09:00-18:00", …}`; raises ValueError."""
    week: list[tuple[Range, ...]] = [()] * 7
    for day, text in hours.items():
        week[parse_weekday(day)] = parse_hours(text)
    if not any(week):
        raise ValueError("a calendar needs opening hours on at least one day")
    return tuple(week)


def parse_timezone(value: str) -> str:
    """An IANA time zone name, checked."""
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError, OSError for odd keys
        raise ValueError(f'"{value}" is not a known time zone (an IANA name such as Europe/Moscow or UTC)') from None
    return value
