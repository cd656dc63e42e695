"""Moments and durations as messages write them: Slack's `<!date>` (each reader's own time
zone), the plain text behind it, and `2 h 5 min`."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


def human_duration(delta: timedelta) -> str:
    """`2 d 3 h`, `1 h 5 min`, `15 min`, `40 s` (absolute value, rounded to what matters)."""
    seconds = abs(int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


@lru_cache(maxsize=4096)  # one due moment is written in the reply, the DMs, Teams and the parent
def plain_date(moment: datetime, timezone: str) -> str:
    """`Mon 23 Nov 10:00 UTC` in the team's time zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %H:%M ") + (local.tzname() or timezone)


@lru_cache(maxsize=4096)
def slack_date(moment: datetime, timezone: str = "UTC") -> str:
    """A date Slack shows in each reader's own time zone (the plain one as fallback)."""
    return (f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}"
            f"|{plain_date(moment, timezone)}>")
