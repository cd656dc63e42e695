"""Business calendars: working-time arithmetic across nights, weekends, holidays and DST.

A calendar is a set of local wall-clock ranges per weekday in one IANA zone, minus holidays.
A moment is *working time* when its local wall time (in the calendar's zone) falls inside a range
of its local date and that date is not a holiday. Every local range is mapped to UTC exactly,
one constant-offset segment at a time, so a range crossing a DST change keeps only the instants
that really exist: 01:00-03:00 in New York lasts 1 h on spring-forward day and 3 h on fall-back day.

All public methods take timezone-aware datetimes (any zone) and return aware UTC datetimes.
Arithmetic is exact to the microsecond and steps per working interval, never per minute.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chatops.public_holidays import holiday_dates, parse_country
from domain.hours import ALWAYS_OPEN, parse_timezone, parse_week

__all__ = ["BusinessCalendar", "build_calendars"]

_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MAX_IDLE_DAYS = 3 * 366 + 7  # `add` gives up after this many days without any working time
_CACHE_LIMIT = 50_000

_Range = tuple[timedelta, timedelta]  # offsets from local midnight, [start, end)
_Piece = tuple[datetime, datetime]  # naive UTC, [start, end)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware datetime")
    return moment.astimezone(UTC).replace(tzinfo=None)


_HOLIDAY_LOCK = threading.Lock()


class BusinessCalendar:
    """Working hours per weekday in one timezone, minus holidays.

    ``hours`` maps "mon".."sun" to opening hours as app.yaml writes them, parsed by the same
    rule as config validation (`domain.hours`); a missing day is closed. ``hours=None`` means
    open all day every day; explicit ``holidays``/``country`` still close their dates (with
    none, the calendar is 24x7). ``country`` adds that country's public holidays from the
    ``holidays`` library, per year lazily.
    """

    def __init__(
        self,
        timezone: str,
        hours: Mapping[str, str] | None,
        holidays: Iterable[date | str] = (),
        country: str | None = None,
    ) -> None:
        self._tz = ZoneInfo(parse_timezone(str(timezone)))
        self.timezone = str(timezone)
        self.holidays = frozenset(_as_date(h) for h in holidays)
        self.country = parse_country(country) if country else None
        self._always_open = hours is None and not self.holidays and not self.country
        if hours is None:
            self._week: tuple[tuple[_Range, ...], ...] = ((((_ZERO, _DAY),),) * 7)
        else:
            self._week = tuple(tuple((timedelta(minutes=start), timedelta(minutes=end))
                                     for start, end in day) for day in parse_week(hours))
        self._country_years: set[int] = set()
        self._country_days: set[date] = set()
        self._cache: dict[date, tuple[_Piece, ...]] = {}

    @classmethod
    def always_open(cls) -> BusinessCalendar:
        """A 24x7 calendar: working time equals wall time."""
        return cls("UTC", None)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.timezone!r}, country={self.country!r})"

    # ------------------------------------------------------------------ public API

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The earliest moment at which ``work`` working time has elapsed since ``start``.

        ``work == 0`` returns ``start`` itself (in UTC), even outside working hours; for
        ``work > 0`` the result is inside working time or the end of a working interval.
        """
        if work < _ZERO:
            raise ValueError("work must not be negative")
        origin = _naive_utc(start)
        if not work or self._always_open:
            return (origin + work).replace(tzinfo=UTC)
        remaining = work
        for begin, end in self._pieces_from(origin, None):
            begin = max(begin, origin)
            if remaining <= end - begin:
                return (begin + remaining).replace(tzinfo=UTC)
            remaining -= end - begin
        raise AssertionError("unreachable: the piece iterator is infinite or raises")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); negative (``-between(b, a)``) when b < a."""
        if b < a:
            return -self.between(b, a)
        lo, hi = _naive_utc(a), _naive_utc(b)
        if self._always_open:
            return hi - lo
        total = _ZERO
        for begin, end in self._pieces_from(lo, hi):
            if begin >= hi:
                break
            total += min(end, hi) - max(begin, lo)
        return total

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` is working time."""
        instant = _naive_utc(moment)
        if self._always_open:
            return True
        local_day = moment.astimezone(self._tz).date()
        return any(begin <= instant < end for begin, end in self._day_pieces(local_day))

    def is_holiday(self, day: date) -> bool:
        """Whether the local date ``day`` is closed as a holiday."""
        if day in self.holidays:
            return True
        if not self.country:
            return False
        if day.year not in self._country_years:
            with _HOLIDAY_LOCK:  # web, worker and scheduler threads share calendars
                if day.year not in self._country_years:
                    self._country_days.update(holiday_dates(self.country, day.year))
                    self._country_years.add(day.year)  # only once the days are in
        return day in self._country_days

    # ------------------------------------------------------------------ internals

    def _offset(self, instant: datetime) -> timedelta:
        offset = instant.replace(tzinfo=UTC).astimezone(self._tz).utcoffset()
        assert offset is not None
        return offset

    def _find_transitions(
        self, lo: datetime, off_lo: timedelta, hi: datetime, off_hi: timedelta,
        out: list[tuple[datetime | None, timedelta]],
    ) -> None:
        """Bisect (to the second, as tzdata) for offset changes in [lo, hi]; append in order."""
        if off_lo == off_hi:
            return
        seconds = int((hi - lo).total_seconds())
        if seconds <= 1:
            out.append((hi, off_hi))
            return
        mid = lo + timedelta(seconds=seconds // 2)
        off_mid = self._offset(mid)
        self._find_transitions(lo, off_lo, mid, off_mid, out)
        self._find_transitions(mid, off_mid, hi, off_hi, out)

    def _segments(self, day: date) -> list[tuple[datetime | None, timedelta]]:
        """Constant-offset segments (start or None, offset) covering every instant of ``day``."""
        midnight = datetime.combine(day, time())
        lo, mid, hi = midnight - _DAY, midnight + timedelta(hours=12), midnight + 2 * _DAY
        off_lo, off_mid, off_hi = self._offset(lo), self._offset(mid), self._offset(hi)
        segments: list[tuple[datetime | None, timedelta]] = [(None, off_lo)]
        self._find_transitions(lo, off_lo, mid, off_mid, segments)
        self._find_transitions(mid, off_mid, hi, off_hi, segments)
        return segments

    def _day_pieces(self, day: date) -> tuple[_Piece, ...]:
        """Working intervals (naive UTC, sorted, merged) whose local date is ``day``."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        ranges = () if self.is_holiday(day) else self._week[day.weekday()]
        pieces: list[_Piece] = []
        if ranges:
            midnight = datetime.combine(day, time())
            segments = self._segments(day)
            for index, (seg_start, offset) in enumerate(segments):
                seg_end = segments[index + 1][0] if index + 1 < len(segments) else None
                for range_start, range_end in ranges:
                    begin, end = midnight + range_start - offset, midnight + range_end - offset
                    if seg_start is not None and begin < seg_start:
                        begin = seg_start
                    if seg_end is not None and end > seg_end:
                        end = seg_end
                    if begin < end:
                        pieces.append((begin, end))
            pieces.sort()
        merged: list[_Piece] = []
        for begin, end in pieces:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((begin, end))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        result = self._cache[day] = tuple(merged)
        return result

    def _pieces_from(self, origin: datetime, stop: datetime | None) -> Iterator[_Piece]:
        """Working intervals ending after ``origin``, in UTC order, up to ``stop`` (or forever).

        Local dates are visited in order; as wall time may step back (fall-back), pieces are
        held in a heap until no later date can start before them (|offset| < 24 h).
        Without ``stop``, raises ValueError after ~3 years without any working time.
        """
        day = (origin - _DAY).date()
        last_working_day = day
        heap: list[_Piece] = []
        while True:
            floor = datetime.combine(day, time()) - _DAY  # pieces of `day` or later start after
            while heap and heap[0][0] <= floor:
                piece = heapq.heappop(heap)
                if piece[1] > origin:
                    yield piece
            if stop is not None and floor >= stop:
                while heap:
                    piece = heapq.heappop(heap)
                    if piece[1] > origin:
                        yield piece
                return
            pieces = self._day_pieces(day)
            if pieces:
                last_working_day = day
                for piece in pieces:
                    heapq.heappush(heap, piece)
            elif stop is None and (day - last_working_day).days > _MAX_IDLE_DAYS:
                raise ValueError(
                    f"calendar {self!r} has no working time for over 3 years after {origin}Z"
                )
            day += _DAY


def build_calendars(calendars: Mapping[str, Any], default_timezone: str) -> dict[str, BusinessCalendar]:
    """Build calendars from config objects (attributes or mapping keys: timezone, hours,
    holidays, country). Always contains "24x7" (config validation refuses to redefine it)."""
    result: dict[str, BusinessCalendar] = {ALWAYS_OPEN: BusinessCalendar.always_open()}
    for name, config in (calendars or {}).items():
        if isinstance(config, Mapping):
            get = config.get
        else:
            def get(key: str, default: Any = None, _config: Any = config) -> Any:
                return getattr(_config, key, default)
        try:
            result[str(name)] = BusinessCalendar(
                get("timezone") or default_timezone,
                get("hours"),
                holidays=get("holidays") or (),
                country=get("country"),
            )
        except ValueError as exc:
            raise ValueError(f"calendar {name!r}: {exc}") from exc
    return result
