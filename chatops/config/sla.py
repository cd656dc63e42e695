"""app.yaml's `calendars` and `sla`: business hours, targets per priority, nudge marks."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BeforeValidator, Field, field_validator

from blocks import colours
from chatops.config.fields import Colour, Duration, Model, TimeZone
from chatops.public_holidays import parse_country
from domain.hours import ALWAYS_OPEN, WEEKDAYS, parse_hours, parse_weekday
from domain.tickets import PAUSED_STATUSES, Priority, Status


def _weekday(value: str) -> str:
    parse_weekday(value)
    return value


def _hours(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'{value} is not opening hours: quote it, e.g. "09:00-18:00"')
    if isinstance(value, str):
        parse_hours(value)
    return value


def _country(value: Any) -> Any:
    if value is False:  # YAML 1.1 reads an unquoted NO (Norway) as false
        value = "NO"
    return parse_country(value) if isinstance(value, str) else value  # else pydantic: wrong type


class CalendarConfig(Model):
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


class SlaPolicy(Model):
    """Targets of one priority."""

    first_response: Duration
    resolution: Duration
    calendar: str = ALWAYS_OPEN


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


class MarkConfig(Model):
    """One entry of `sla.nudges`: a mark of time remaining on a target, and its nudge's colour."""

    remaining: Annotated[float, BeforeValidator(_fraction), AfterValidator(_below_one)]
    colour: Colour = Field(validation_alias=AliasChoices("colour", "color"))


DEFAULT_MARKS: list[dict[str, Any]] = [
    {"remaining": remaining, "colour": colour}
    for remaining, colour in zip((0.5, 0.25, 0.1, 0.0), colours.DEFAULT_MARK_COLOURS, strict=True)
]


class SlaConfig(Model):
    """SLA targets per priority, clock pauses and nudge marks."""

    policies: Annotated[dict[Priority, SlaPolicy], BeforeValidator(_merge_policies)] = Field(
        default_factory=lambda: {k: SlaPolicy.model_validate(v) for k, v in DEFAULT_POLICIES.items()}
    )
    pause_on: list[Status] = list(PAUSED_STATUSES)
    nudges: list[MarkConfig] = Field(default_factory=lambda: [MarkConfig.model_validate(n) for n in DEFAULT_MARKS])
    notify: list[Literal["thread", "assignee_dm"]] = ["thread", "assignee_dm"]
    scan_every: Duration = timedelta(seconds=60)

    @field_validator("nudges")
    @classmethod
    def _decreasing(cls, value: list[MarkConfig]) -> list[MarkConfig]:
        for i in range(1, len(value)):
            if value[i].remaining >= value[i - 1].remaining:
                raise ValueError(
                    f"marks must be strictly decreasing, most relaxed first: nudges[{i}] "
                    f"({value[i].remaining:.0%}) is not below nudges[{i - 1}] ({value[i - 1].remaining:.0%})"
                )
        return value
