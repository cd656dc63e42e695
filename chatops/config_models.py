"""Pydantic models of app.yaml (CONTRACT section 5) and their value parsers.

Import from :mod:`chatops.config`, which re-exports everything here.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

Priority = Literal["urgent", "high", "normal", "low"]
Status = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
Visibility = Literal["leads_only", "after_review", "score_only", "score_and_comment"]

PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BUILTIN_CALENDAR = "24x7"

__all__ = [
    "BUILTIN_CALENDAR", "DEFAULT_CHECKLIST", "DEFAULT_NUDGES", "DEFAULT_POLICIES", "PRIORITIES", "WEEKDAYS",
    "CalendarConfig", "Duration", "Nudge", "Priority", "QaConfig", "QaItem", "RatingsConfig", "SlaConfig",
    "SlaPolicy", "Status", "TeamConfig", "TimeZone", "UserId", "Visibility", "WeeklyReviewConfig",
    "parse_duration", "parse_hours",
]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_RE = re.compile(r"(?:\d+[smhdw])+")
_DURATION_PART = re.compile(r"(\d+)([smhdw])")
_DURATION_HINT = "expected e.g. 30s, 15m, 4h, 3d or 1h30m"


def _q(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def parse_duration(value: str | int) -> timedelta:
    """Parse "30s", "15m", "4h", "3d", "1w", "1h30m" or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{_q(value)} is not a duration ({_DURATION_HINT})")
    try:
        if isinstance(value, (int, float)):
            if value < 0:
                raise ValueError(f"{value} is negative; a duration cannot be")
            return timedelta(seconds=value)
        text = re.sub(r"\s+", "", value).lower()
        if text.isdigit():
            return timedelta(seconds=int(text))
        if not _DURATION_RE.fullmatch(text):
            raise ValueError(f'"{value}" is not a duration ({_DURATION_HINT})')
        return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in _DURATION_PART.findall(text)))
    except OverflowError:
        raise ValueError(f'"{value}" is too long a duration') from None


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError, OSError for odd keys
        raise ValueError(f'"{value}" is not a known time zone (an IANA name such as Europe/Moscow or UTC)') from None
    return value


def _pattern(regex: str, what: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f'"{value}" is not {what}')
        return value

    return AfterValidator(check)


TimeZone = Annotated[str, AfterValidator(_timezone)]
UserId = Annotated[str, _pattern(r"[UW][A-Z0-9]{2,}", "a Slack user ID (expected U… or W…)")]
ChannelId = Annotated[str, _pattern(r"[CG][A-Z0-9]{2,}", "a Slack channel ID (expected C… or G…)")]
EnvName = Annotated[str, _pattern(r"[A-Z_][A-Z0-9_]*", "an environment variable name (e.g. TEAMS_WEBHOOK_SUPPORT)")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- calendars ---------------------------------------------------------------

_RANGE_RE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


def _minutes(hour: str, minute: str, *, end: bool) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and (m or not end)):
        raise ValueError(f"{hour}:{minute} is not a time of day")
    return h * 60 + m


def parse_hours(value: str) -> list[tuple[int, int]]:
    """Parse "09:00-13:00,14:00-18:00" into sorted (start, end) minutes after midnight."""
    ranges: list[tuple[int, int]] = []
    for part in value.split(","):
        match = _RANGE_RE.fullmatch(part.strip())
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
    return ranges


def _weekday(value: str) -> str:
    if value not in WEEKDAYS:
        raise ValueError(f'"{value}" is not a day (expected one of {", ".join(WEEKDAYS)})')
    return value


def _hours(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'{value} is not opening hours: quote it, e.g. "09:00-18:00"')
    if isinstance(value, str):
        parse_hours(value)
    return value


def _country(value: Any) -> Any:
    import holidays

    if value is False:  # YAML 1.1 reads an unquoted NO (Norway) as false
        value = "NO"
    if not isinstance(value, str):
        return value  # pydantic reports the wrong type
    try:
        holidays.country_holidays(value.upper())
    except NotImplementedError:
        raise ValueError(f'"{value}" is not a country known to the holidays library '
                         '(ISO code like RU, DE, US)') from None
    return value.upper()


class CalendarConfig(_Model):
    """Business hours: the SLA clock of a policy using it runs only inside them."""

    timezone: TimeZone | None = None
    hours: dict[
        Annotated[str, AfterValidator(_weekday)],
        Annotated[str, BeforeValidator(_hours)],
    ] = Field(default_factory=lambda: {day: "09:00-18:00" for day in WEEKDAYS[:5]})
    holidays: list[date] = []
    country: Annotated[str | None, BeforeValidator(_country)] = None

    @field_validator("hours")
    @classmethod
    def _some_hours(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("a calendar needs opening hours on at least one day")
        return value

    def open_minutes(self) -> dict[int, list[tuple[int, int]]]:
        """Opening ranges per weekday (0 = Monday) in minutes after midnight."""
        return {WEEKDAYS.index(day): parse_hours(text) for day, text in self.hours.items()}


# --- SLA -----------------------------------------------------------------------


class SlaPolicy(_Model):
    """Targets of one priority."""

    first_response: Duration
    resolution: Duration
    calendar: str = BUILTIN_CALENDAR


DEFAULT_POLICIES: dict[Priority, dict[str, str]] = {
    "urgent": {"first_response": "30m", "resolution": "4h"},
    "high": {"first_response": "1h", "resolution": "8h"},
    "normal": {"first_response": "4h", "resolution": "3d"},
    "low": {"first_response": "1d", "resolution": "5d"},
}


def _merge_policies(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    merged: dict[Any, Any] = {k: dict(v) for k, v in DEFAULT_POLICIES.items()}
    for key, given in value.items():
        base = merged.get(key)
        merged[key] = {**base, **given} if isinstance(base, dict) and isinstance(given, dict) else given
    return merged


def _fraction(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{value} is not a fraction (write 50% or 0.5)")
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError(f'"{value}" is not a fraction (write 50% or 0.5)') from None
    return value


def _below_one(value: float) -> float:
    if not 0 <= value < 1:
        raise ValueError(f"{value:g} is outside [0, 1): write a percentage like 50% or a fraction like 0.5")
    return value


def _colour(value: Any) -> Any:
    if value is None:
        raise ValueError('colour is empty: quote it, "#RRGGBB" (an unquoted # starts a YAML comment)')
    if isinstance(value, str) and re.fullmatch(r"#?[0-9A-Fa-f]{6}", value.strip()):
        return "#" + value.strip().lstrip("#").upper()
    raise ValueError(f'{_q(value)} is not a colour (expected "#RRGGBB")')


class Nudge(_Model):
    """A mark of time remaining on a target, and the colour of its nudge."""

    remaining: Annotated[float, BeforeValidator(_fraction), AfterValidator(_below_one)]
    colour: Annotated[str, BeforeValidator(_colour)] = Field(validation_alias=AliasChoices("colour", "color"))


DEFAULT_NUDGES: list[dict[str, Any]] = [
    {"remaining": 0.5, "colour": "#2EB67D"},
    {"remaining": 0.25, "colour": "#ECB22E"},
    {"remaining": 0.1, "colour": "#E01E5A"},
    {"remaining": 0.0, "colour": "#8B0000"},
]


class SlaConfig(_Model):
    """SLA targets per priority, clock pauses and nudge marks."""

    policies: Annotated[dict[Priority, SlaPolicy], BeforeValidator(_merge_policies)] = Field(
        default_factory=lambda: {k: SlaPolicy.model_validate(v) for k, v in DEFAULT_POLICIES.items()}
    )
    pause_on: list[Status] = ["pending", "on_hold"]
    nudges: list[Nudge] = Field(default_factory=lambda: [Nudge.model_validate(n) for n in DEFAULT_NUDGES])
    notify: list[Literal["thread", "assignee_dm"]] = ["thread", "assignee_dm"]
    scan_every: Duration = timedelta(seconds=60)

    @field_validator("nudges")
    @classmethod
    def _decreasing(cls, value: list[Nudge]) -> list[Nudge]:
        for i in range(1, len(value)):
            if value[i].remaining >= value[i - 1].remaining:
                raise ValueError(
                    f"marks must be strictly decreasing, most relaxed first: nudges[{i}] "
                    f"({value[i].remaining:.0%}) is not below nudges[{i - 1}] ({value[i - 1].remaining:.0%})"
                )
        return value


# --- teams ---------------------------------------------------------------------


def _cron(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f'"{value}" is not a cron expression "minute hour day month weekday": {exc}') from None
    return value


class WeeklyReviewConfig(_Model):
    """When the weekly review posts (team or global timezone)."""

    cron: Annotated[str, AfterValidator(_cron)] = "0 10 * * mon"
    per_agent: bool = False


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise ValueError(f'"{value}" is not an email address')
    return value.lower()


class TeamConfig(_Model):
    """One support team and its Slack channel."""

    name: Annotated[str, _pattern(r"\S+", "a team name (no spaces, not empty)")]
    channel: ChannelId
    leads: list[UserId] = []
    agents: dict[Annotated[str, AfterValidator(_email)], UserId] = {}
    rating_visibility: Visibility = "leads_only"
    teams_webhook_env: EnvName | None = None
    weekly_review: WeeklyReviewConfig = Field(default_factory=WeeklyReviewConfig)
    timezone: TimeZone | None = None


# --- QA and ratings ---------------------------------------------------------------


class QaItem(_Model):
    """One checklist item: pass / fail / not applicable."""

    id: Annotated[str, _pattern(r"[A-Za-z0-9_.-]{1,50}", "an item id (letters, digits, _ . -; at most 50)")]
    text: Annotated[str, Field(min_length=1)]
    weight: Annotated[int, Field(gt=0)] = 1
    critical: bool = False


DEFAULT_CHECKLIST: list[dict[str, Any]] = [
    {"id": "knowledge", "text": "Knows the product in theory and in practice", "weight": 2},
    {"id": "attentive", "text": "Read the whole request; no template sent by mistake", "weight": 2},
    {"id": "efficient", "text": "Drove the ticket without customer reminders; right diagnostics", "weight": 1},
    {"id": "composure", "text": "Kept calm and correct under pressure or negativity", "weight": 1},
    {"id": "closure", "text": "Closed only after the customer confirmed the fix", "weight": 2, "critical": True},
]


class QaConfig(_Model):
    """QA review: who reviews, the pass mark and the checklist."""

    reviewers: list[UserId] = []
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 80
    appeal_window: Duration = timedelta(days=14)
    checklist: Annotated[list[QaItem], Field(min_length=1)] = Field(
        default_factory=lambda: [QaItem.model_validate(i) for i in DEFAULT_CHECKLIST]
    )

    @field_validator("checklist")
    @classmethod
    def _unique_ids(cls, value: list[QaItem]) -> list[QaItem]:
        ids = [item.id for item in value]
        for i, item in enumerate(value):
            if item.id in ids[:i]:
                raise ValueError(f'the id "{item.id}" is used twice (items [{ids.index(item.id)}] and [{i}])')
        return value


def _score(value: Any) -> str | int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, str) and value in ("good", "neutral", "bad"):
        return value
    if type(value) is int and 1 <= value <= 5:
        return value
    raise ValueError(f"{_q(value)} is not a rating score (expected good, neutral, bad or 1 to 5)")


class RatingsConfig(_Model):
    """Which customer scores count as negative."""

    negative: list[Annotated[str | int, BeforeValidator(_score)]] = ["bad", 1, 2]
