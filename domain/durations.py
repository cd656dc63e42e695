"""Durations as app.yaml writes them: `30s`, `15m`, `4h`, `3d`, `1w`, combined (`1h30m`), or seconds."""
from __future__ import annotations

import re
from datetime import timedelta

from domain.quoting import quoted

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:\d+[smhdw])+")
_PART = re.compile(r"(\d+)([smhdw])")
_HINT = "expected e.g. 30s, 15m, 4h, 3d or 1h30m"


def parse_duration(value: object) -> timedelta:
    """Parse "30s", "15m", "4h", "3d", "1w", "1h30m" or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{quoted(value)} is not a duration ({_HINT})")
    try:
        if isinstance(value, (int, float)):
            if value < 0:
                raise ValueError(f"{value} is negative; a duration cannot be")
            return timedelta(seconds=value)
        text = re.sub(r"\s+", "", value).lower()
        if text.isdigit():
            return timedelta(seconds=int(text))
        if not _DURATION.fullmatch(text):
            raise ValueError(f'"{value}" is not a duration ({_HINT})')
        return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in _PART.findall(text)))
    except OverflowError:
        raise ValueError(f'"{value}" is too long a duration') from None
