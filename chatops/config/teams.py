"""app.yaml's `teams`: each team's channel, leads, agents, rating visibility and weekly review."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from chatops.config.fields import AgentKey, ChannelId, EnvName, Model, TimeZone, UserId, pattern
from domain.ratings import Visibility


def _cron(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f'"{value}" is not a cron expression "minute hour day month weekday": {exc}') from None
    return value


class WeeklyReviewConfig(Model):
    """When the weekly review posts (team or global timezone)."""

    cron: Annotated[str, AfterValidator(_cron)] = "0 10 * * mon"
    per_agent: bool = False


class TeamConfig(Model):
    """One support team and its Slack channel."""

    name: Annotated[str, pattern(r"\S+", "a team name (no spaces, not empty)")]
    channel: ChannelId
    leads: list[UserId] = []
    # helpdesk agent → Slack user: by email, or by the helpdesk's own id (`zendesk:123`)
    agents: dict[AgentKey, UserId] = {}
    rating_visibility: Visibility = "leads_only"
    teams_webhook_env: EnvName | None = None
    weekly_review: WeeklyReviewConfig = Field(default_factory=WeeklyReviewConfig)
    timezone: TimeZone | None = None
