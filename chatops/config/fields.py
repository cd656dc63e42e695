"""The value types app.yaml's models are made of: each a domain parser wrapped for pydantic."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from domain.durations import parse_duration
from domain.hours import parse_timezone
from domain.quoting import quoted
from domain.recipients import parse_agent_key
from domain.slack_ids import CHANNEL_ID, USER_ID


class Model(BaseModel):
    """Every app.yaml section: an unknown key is an error (with a "did you mean")."""

    model_config = ConfigDict(extra="forbid")


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


def pattern(regex: re.Pattern[str] | str, what: str) -> AfterValidator:
    """A text field that must match `regex` whole; the error says it is not `what`."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f'"{value}" is not {what}')
        return value

    return AfterValidator(check)


def _colour(value: Any) -> Any:
    if value is None:
        raise ValueError('colour is empty: quote it, "#RRGGBB" (an unquoted # starts a YAML comment)')
    if isinstance(value, str) and re.fullmatch(r"#?[0-9A-Fa-f]{6}", value.strip()):
        return "#" + value.strip().lstrip("#").upper()
    raise ValueError(f'{quoted(value)} is not a colour (expected "#RRGGBB")')


Duration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]
TimeZone = Annotated[str, AfterValidator(parse_timezone)]
UserId = Annotated[str, pattern(USER_ID, "a Slack user ID (expected U… or W…)")]
ChannelId = Annotated[str, pattern(CHANNEL_ID, "a Slack channel ID (expected C… or G…)")]
EnvName = Annotated[str, pattern(r"[A-Z_][A-Z0-9_]*", "an environment variable name (e.g. TEAMS_WEBHOOK_SUPPORT)")]
Colour = Annotated[str, BeforeValidator(_colour)]
AgentKey = Annotated[str, AfterValidator(parse_agent_key)]  # an email, or `zendesk:<id>` …
