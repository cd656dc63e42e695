"""Countries' public holidays, from the `holidays` library, asked of a short-lived child process.

The library answers for one country only after importing every country it knows (about 390
modules): some 17 MB that a long-running process would keep for its whole life, in each process
of `chatops serve`. So the codes it knows and the dates of a country's years are computed by
`chatops/holidays_child.py`, run as a child process that prints JSON and exits, and kept here
per process: the codes once, the dates per country and year, a few years per child run.
"""
from __future__ import annotations

import functools
import json
import threading
from datetime import date
from pathlib import Path

from chatops.processes import ChildFailed, run_child

_CHILD = Path(__file__).with_name("holidays_child.py")
_YEARS_AHEAD = 2  # a run for one year also brings the year before and two after: SLAs cross years

_lock = threading.Lock()
_dates: dict[tuple[str, int], frozenset[date]] = {}


class HolidaysUnavailable(RuntimeError):
    """The child process could not answer (the library missing or failing)."""


def _ask(*args: str) -> object:
    try:
        return json.loads(run_child(_CHILD, *args))
    except (ChildFailed, ValueError) as exc:  # ValueError: not JSON
        raise HolidaysUnavailable(f"public holidays: {exc}") from exc


def parse_country(value: str) -> str:
    """An ISO country code whose public holidays the `holidays` library knows, upper-cased."""
    code = value.upper()
    try:
        known = known_countries()
    except HolidaysUnavailable as exc:
        raise ValueError(f'"{value}" cannot be checked: {exc}') from None
    if code not in known:
        raise ValueError(f'"{value}" is not a country known to the holidays library '
                         '(ISO code like RU, DE, US)')
    return code


@functools.cache
def _country_codes() -> frozenset[str]:
    codes = _ask("countries")
    if not isinstance(codes, list):
        raise HolidaysUnavailable("public holidays (countries): not a list")
    return frozenset(str(code) for code in codes)


def known_countries() -> frozenset[str]:
    """Every country code (ISO alpha-2 and alpha-3) the library has holidays for."""
    with _lock:  # one child run, however many threads ask first
        return _country_codes()


def holiday_dates(country: str, year: int) -> frozenset[date]:
    """The public holidays the library gives for ``country`` (a known code) in ``year`` (a
    holiday observed on another day may fall in the next or previous year)."""
    with _lock:  # web, worker and scheduler threads share this; one child run per window
        if (country, year) not in _dates:
            years = range(year - 1, year + _YEARS_AHEAD + 1)
            answer = _ask("dates", country, *(str(y) for y in years))
            if not isinstance(answer, dict) or any(str(y) not in answer for y in years):
                raise HolidaysUnavailable(f"public holidays ({country}): an answer without "
                                          "every year asked")
            for y in years:
                _dates.setdefault((country, y), frozenset(
                    date.fromisoformat(day) for day in answer[str(y)]))
        return _dates[(country, year)]
