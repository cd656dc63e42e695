"""BusinessCalendar: explicit cases and property tests against a wall-clock oracle."""

from __future__ import annotations

import time as perf
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatops.sla.calendars import BusinessCalendar, build_calendars
from domain.hours import WEEKDAYS as DAYS

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
WEEKDAYS = {day: "09:00-18:00" for day in DAYS[:5]}
H = timedelta(hours=1)
US = timedelta(microseconds=1)


def office(**kwargs: object) -> BusinessCalendar:
    return BusinessCalendar("Europe/Moscow", WEEKDAYS, **kwargs)  # type: ignore[arg-type]


def every_day(zone: str, hours: str) -> BusinessCalendar:
    return BusinessCalendar(zone, {day: hours for day in DAYS})


# ---------------------------------------------------------------- explicit cases


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    cal = office()
    # 16:30 + 1 h still fits on Friday ...
    assert cal.add(datetime(2026, 11, 20, 16, 30, tzinfo=MSK), H) == datetime(2026, 11, 20, 17, 30, tzinfo=MSK)
    # ... 17:30 + 1 h is 30 min on Friday and 30 min on Monday, not Friday 18:30.
    due = cal.add(datetime(2026, 11, 20, 17, 30, tzinfo=MSK), H)
    assert due == datetime(2026, 11, 23, 9, 30, tzinfo=MSK)
    assert due.tzinfo == UTC
    assert cal.between(datetime(2026, 11, 20, 17, 30, tzinfo=MSK), due) == H


def test_start_outside_hours_and_zero_work() -> None:
    cal = office()
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=MSK)
    assert cal.add(saturday, timedelta(0)) == saturday  # documented: zero work is start itself
    assert cal.add(saturday, timedelta(minutes=1)) == datetime(2026, 11, 23, 9, 1, tzinfo=MSK)
    assert not cal.is_open(saturday)
    assert cal.is_open(datetime(2026, 11, 23, 9, 0, tzinfo=MSK))
    assert not cal.is_open(datetime(2026, 11, 23, 18, 0, tzinfo=MSK))
    # ending exactly at closing time returns the end of the interval, not the next opening
    assert cal.add(datetime(2026, 11, 23, 17, 0, tzinfo=MSK), H) == datetime(2026, 11, 23, 18, 0, tzinfo=MSK)


def test_explicit_holiday_is_skipped() -> None:
    cal = office(holidays=[date(2026, 12, 31)])
    due = cal.add(datetime(2026, 12, 30, 17, 30, tzinfo=MSK), H)
    assert due == datetime(2027, 1, 1, 9, 30, tzinfo=MSK)  # Thursday 31st skipped
    assert not cal.is_open(datetime(2026, 12, 31, 12, 0, tzinfo=MSK))
    assert cal.between(datetime(2026, 12, 28, tzinfo=MSK), datetime(2027, 1, 2, tzinfo=MSK)) == 4 * 9 * H


def test_country_holidays_are_loaded_per_year() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS, country="US")
    # Thanksgiving 2026 is Thursday 26 November
    due = cal.add(datetime(2026, 11, 25, 17, 30, tzinfo=NY), H)
    assert due == datetime(2026, 11, 27, 9, 30, tzinfo=NY)
    ru = BusinessCalendar("Europe/Moscow", WEEKDAYS, country="RU")
    assert not ru.is_open(datetime(2027, 1, 5, 12, 0, tzinfo=MSK))  # New Year holidays
    assert ru.is_open(datetime(2027, 1, 11, 12, 0, tzinfo=MSK))


def test_split_ranges_and_lunch_break() -> None:
    cal = BusinessCalendar("Europe/London", {"mon": "09:00-13:00, 14:00-18:00"})
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 11, 23, 12, 30, tzinfo=london)
    assert cal.add(start, H) == datetime(2026, 11, 23, 14, 30, tzinfo=london)
    assert cal.add(start, 8 * H) == datetime(2026, 11, 30, 12, 30, tzinfo=london)  # next Monday


@pytest.mark.parametrize(
    ("hours", "spring", "autumn"),
    [("00:00-24:00", 23 * H, 25 * H), ("01:00-03:00", 1 * H, 3 * H), ("02:00-03:00", timedelta(0), 1 * H)],
)
def test_new_york_dst_days(hours: str, spring: timedelta, autumn: timedelta) -> None:
    cal = every_day("America/New_York", hours)
    for day, expected in ((date(2026, 3, 8), spring), (date(2026, 11, 1), autumn)):
        start = datetime.combine(day, time(), NY)
        end = datetime.combine(day + timedelta(days=1), time(), NY)
        assert cal.between(start, end) == expected, (hours, day)
        assert cal.between(start - timedelta(days=1), start) == cal.between(end, end + timedelta(days=1))


def test_new_york_dst_add() -> None:
    cal = every_day("America/New_York", "01:00-03:00")
    # spring forward: 01:00 EST .. 02:00 EST (= 03:00 EDT): one hour of work, then the next night
    start = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # 01:00 EST
    assert cal.add(start, H) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert cal.add(start, 90 * timedelta(minutes=1)) == datetime(2026, 3, 9, 5, 30, tzinfo=UTC)  # 01:30 EDT
    # fall back: 01:00 EDT .. 03:00 EST is three real hours, through both 01:xx hours
    start = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT
    assert cal.add(start, 150 * timedelta(minutes=1)) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert cal.is_open(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # 01:30 EST, the second one
    # an ambiguous end: 01:00-01:30 happens twice on fall-back day
    twice = every_day("America/New_York", "01:00-01:30")
    assert twice.between(datetime(2026, 11, 1, tzinfo=NY), datetime(2026, 11, 2, tzinfo=NY)) == H


def test_evening_hours_west_of_utc_count_after_utc_midnight() -> None:
    cal = BusinessCalendar("America/New_York", {"mon": "20:00-24:00"})
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Monday 21:00 in New York
    assert cal.is_open(start)
    assert cal.add(start, H) == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert cal.between(start, start + 5 * H) == 3 * H


def test_always_open_and_build_calendars() -> None:
    cal = BusinessCalendar.always_open()
    start = datetime(2026, 3, 8, 1, 0, tzinfo=NY)
    assert cal.add(start, 30 * timedelta(minutes=1)) == start + timedelta(minutes=30)
    assert cal.between(start + H, start) == -H
    assert cal.is_open(start)

    @dataclass
    class Cfg:
        timezone: str | None
        hours: dict[str, str]
        holidays: list[date]
        country: str | None = None

    built = build_calendars(
        {"office": Cfg(None, WEEKDAYS, [date(2026, 12, 31)]), "uk": {"timezone": "Europe/London", "hours": WEEKDAYS}},
        "Europe/Moscow",
    )
    assert set(built) == {"24x7", "office", "uk"}
    assert built["office"].timezone == "Europe/Moscow"
    assert not built["office"].is_open(datetime(2026, 12, 31, 12, tzinfo=MSK))
    with pytest.raises(ValueError, match="calendar 'bad'"):
        build_calendars({"bad": Cfg("Mars/Base", WEEKDAYS, [])}, "UTC")


@pytest.mark.parametrize(
    "hours",
    [{}, {"mon": ""}, {"mon": "18:00-09:00"}, {"mon": "9-18"}, {"funday": "09:00-18:00"},
     {"mon": "09:00-24:30"}, {"mon": "25:00-26:00"}],
)
def test_bad_hours_rejected(hours: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar("UTC", hours)


def test_bad_zone_and_country_rejected() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar("Nowhere/Town", WEEKDAYS)
    with pytest.raises(ValueError):
        BusinessCalendar("UTC", WEEKDAYS, country="XX")


def test_endless_holidays_raise_instead_of_looping() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=w) for w in range(53 * 4)]
    cal = BusinessCalendar("UTC", {"mon": "09:00-10:00"}, holidays=mondays)
    with pytest.raises(ValueError, match="no working time"):
        cal.add(datetime(2026, 1, 1, tzinfo=UTC), H)
    assert cal.between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)) == timedelta(0)


def test_naive_datetimes_rejected() -> None:
    with pytest.raises(ValueError):
        office().add(datetime(2026, 1, 1), H)


def test_long_spans_are_fast() -> None:
    cal = office(country="RU")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    began = perf.perf_counter()
    due = cal.add(start, timedelta(days=5))
    assert cal.between(start, due) == timedelta(days=5)
    assert cal.between(start, start + timedelta(days=365)) > timedelta(days=80)
    assert perf.perf_counter() - began < 0.5


# ---------------------------------------------------------------- property tests

ZONES = ["Europe/Moscow", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC", "Asia/Kolkata",
         "America/Los_Angeles"]
# DST changes in 2026 (New York, EU, Lord Howe) to start near
ANCHORS = [datetime(2026, 3, 8, 7), datetime(2026, 3, 29, 1), datetime(2026, 10, 25, 1),
           datetime(2026, 11, 1, 6), datetime(2026, 4, 4, 15), datetime(2026, 10, 3, 15, 30),
           datetime(2026, 12, 25, 12)]


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


boundaries = st.one_of(st.integers(0, 1440), st.sampled_from([0, 60, 90, 120, 150, 180, 1200, 1320, 1440]))
day_hours = st.lists(boundaries, max_size=6, unique=True).map(
    lambda points: [(a, b) for a, b in zip(sorted(points)[::2], sorted(points)[1::2])]
)


@dataclass
class Spec:
    zone: str
    week: list[list[tuple[int, int]]]
    holidays: set[date]

    def calendar(self) -> BusinessCalendar:
        hours = {DAYS[i]: ",".join(f"{_fmt(a)}-{_fmt(b)}" for a, b in r)
                 for i, r in enumerate(self.week) if r}  # a day left out is closed
        return BusinessCalendar(self.zone, hours, holidays=self.holidays)

    def open_at(self, moment: datetime) -> bool:
        """Oracle: wall-clock membership, straight from zoneinfo."""
        local = moment.astimezone(ZoneInfo(self.zone))
        if local.date() in self.holidays:
            return False
        minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        return any(a <= minute < b for a, b in self.week[local.weekday()])


specs = st.builds(
    Spec,
    st.sampled_from(ZONES),
    st.lists(day_hours, min_size=7, max_size=7).filter(any),
    st.sets(st.dates(date(2026, 1, 1), date(2027, 3, 1)), max_size=20),
)
moments = st.builds(
    lambda anchor, seconds, micro: (anchor + timedelta(seconds=seconds, microseconds=micro)).replace(tzinfo=UTC),
    st.sampled_from(ANCHORS),
    st.integers(-4 * 86400, 4 * 86400),
    st.sampled_from([0, 0, 1, 999_999]) | st.integers(0, 999_999),
)
durations = st.one_of(
    st.integers(0, 14 * 24 * 60).map(lambda m: timedelta(minutes=m)),
    st.integers(0, 5 * 86400 * 10**6).map(lambda us: timedelta(microseconds=us)),
    st.sampled_from([timedelta(0), US, H]),
)
prop = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
light = settings(prop, max_examples=100)


@prop
@given(specs, moments, durations)
def test_add_then_between_round_trips(spec: Spec, start: datetime, work: timedelta) -> None:
    cal = spec.calendar()
    due = cal.add(start, work)
    assert due >= start and due.tzinfo == UTC
    assert cal.between(start, due) == work
    if work:
        assert cal.is_open(due - US) and spec.open_at(due - US)
        assert cal.between(start, due - US) == work - US  # earliest such moment


@light
@given(specs, moments, durations, durations)
def test_add_is_monotonic(spec: Spec, start: datetime, d1: timedelta, d2: timedelta) -> None:
    cal = spec.calendar()
    small, large = sorted((d1, d2))
    assert cal.add(start, small) <= cal.add(start, large)


@light
@given(specs, moments, moments, moments)
def test_between_is_additive(spec: Spec, a: datetime, b: datetime, c: datetime) -> None:
    cal = spec.calendar()
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert cal.between(a, b) == -cal.between(b, a)


@prop
@given(specs, moments)
def test_is_open_matches_wall_clock(spec: Spec, moment: datetime) -> None:
    cal = spec.calendar()
    assert cal.is_open(moment) == spec.open_at(moment)
    assert cal.is_open(moment) == (cal.between(moment, moment + US) == US)


@settings(max_examples=40, deadline=None)
@given(specs, moments, st.integers(0, 36 * 60))
def test_between_matches_minute_by_minute_oracle(spec: Spec, start: datetime, minutes: int) -> None:
    start = start.replace(second=0, microsecond=0)
    expected = sum(spec.open_at(start + timedelta(minutes=m)) for m in range(minutes))
    assert spec.calendar().between(start, start + timedelta(minutes=minutes)) == timedelta(minutes=expected)


def test_country_holidays_come_from_a_child_process_not_this_one() -> None:
    import subprocess
    import sys

    code = ("import sys; from datetime import date; from chatops.public_holidays import "
            "holiday_dates, known_countries; assert 'RU' in known_countries() and 'XX' not in "
            "known_countries(); days = holiday_dates('RU', 2027); assert date(2027, 1, 7) in days; "
            "assert date(2027, 1, 11) not in days; assert holiday_dates('RU', 2028) is not None; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # the library's ~390 modules never entered this process


def test_a_failing_holidays_child_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from chatops import public_holidays
    from chatops.public_holidays import parse_country

    broken = tmp_path / "child.py"
    broken.write_text("raise ImportError('No module named holidays')\n")
    monkeypatch.setattr(public_holidays, "_CHILD", broken)
    public_holidays._country_codes.cache_clear()
    try:
        with pytest.raises(ValueError, match=r'"RU" cannot be checked: .*No module named holidays'):
            parse_country("RU")
    finally:
        public_holidays._country_codes.cache_clear()
