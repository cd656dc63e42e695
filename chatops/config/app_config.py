"""The whole of app.yaml (CONTRACT §5) and the checks that span its sections."""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from chatops.config.errors import CrossFieldError, Loc
from chatops.config.fields import Model, TimeZone, UserId
from chatops.config.helpdesks import HelpdesksConfig
from chatops.config.qa_ratings import QaConfig, RatingsConfig
from chatops.config.sla import CalendarConfig, SlaConfig
from chatops.config.teams import TeamConfig
from domain.hours import ALWAYS_OPEN


def cross_field_errors(data: Any) -> list[tuple[Loc, str]]:
    """Checks spanning sections, on raw data or on a validated config's skeleton."""
    if not isinstance(data, dict):
        return []
    items: list[tuple[Loc, str]] = []
    calendars = data.get("calendars")
    names = {ALWAYS_OPEN} | (set(map(str, calendars)) if isinstance(calendars, dict) else set())
    if isinstance(calendars, dict) and ALWAYS_OPEN in calendars:
        items.append((("calendars", ALWAYS_OPEN),
                      f'the calendar "{ALWAYS_OPEN}" is built in and cannot be redefined'))
    sla = data.get("sla")
    policies = sla.get("policies") if isinstance(sla, dict) else None
    for priority, policy in policies.items() if isinstance(policies, dict) else ():
        calendar = policy.get("calendar") if isinstance(policy, dict) else None
        if isinstance(calendar, str) and calendar not in names:
            known = ", ".join(sorted(names))
            items.append((("sla", "policies", priority, "calendar"), f'unknown calendar "{calendar}" (known: {known})'))
    teams = data.get("teams")
    first: dict[str, int] = {}
    for i, team in enumerate(teams if isinstance(teams, list) else ()):
        name = team.get("name") if isinstance(team, dict) else None
        if isinstance(name, str) and name in first:
            items.append((("teams", i, "name"), f'the team name "{name}" is already used by teams[{first[name]}]'))
        elif isinstance(name, str):
            first[name] = i
    return items + _helpdesk_team_errors(data.get("helpdesks"), set(first))


def _helpdesk_team_errors(helpdesks: Any, teams: set[str]) -> list[tuple[Loc, str]]:
    """`helpdesks.<name>.teams` must name teams of `teams`."""
    items: list[tuple[Loc, str]] = []
    for helpdesk, section in helpdesks.items() if isinstance(helpdesks, dict) else ():
        groups = section.get("teams") if isinstance(section, dict) else None
        for group, team in groups.items() if isinstance(groups, dict) else ():
            if isinstance(team, str) and team not in teams:
                known = ", ".join(sorted(teams))
                items.append((("helpdesks", helpdesk, "teams", group),
                              f'unknown team "{team}" (known: {known})'))
    return items


class AppConfig(Model):
    """The whole of app.yaml."""

    timezone: TimeZone = "UTC"
    slash_command: str = "/chatops"
    admins: list[UserId] = []
    calendars: dict[str, CalendarConfig] = {}
    sla: SlaConfig = Field(default_factory=SlaConfig)
    teams: Annotated[list[TeamConfig], Field(min_length=1)]
    qa: QaConfig = Field(default_factory=QaConfig)
    ratings: RatingsConfig = Field(default_factory=RatingsConfig)
    helpdesks: HelpdesksConfig = Field(default_factory=HelpdesksConfig)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty_sections(cls, data: Any) -> Any:
        """`calendars:` left empty in YAML means the default, not null."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @field_validator("slash_command")
    @classmethod
    def _slash(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z0-9][a-z0-9_-]{0,30}", value):
            raise ValueError(f'"{value}" is not a slash command '
                             '(a "/" then lower-case letters, digits, - or _; e.g. /chatops)')
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> AppConfig:
        skeleton = {
            "calendars": self.calendars,
            "sla": {"policies": {p: {"calendar": pol.calendar} for p, pol in self.sla.policies.items()}},
            "teams": [{"name": t.name} for t in self.teams],
            "helpdesks": {h: {"teams": groups} for h, groups in self.helpdesks.teams_named().items()},
        }
        items = cross_field_errors(skeleton)
        if items:  # not a ValueError, so pydantic lets it through untouched
            raise CrossFieldError(items)
        return self

    def team(self, name: str | None) -> TeamConfig | None:
        """The team with exactly this name, or None."""
        return next((t for t in self.teams if t.name == name), None)

    def team_for(self, name: str | None) -> TeamConfig:
        """The named team, or the first team when the name is absent or unknown."""
        return self.team(name) or self.teams[0]

    def team_timezone(self, team: TeamConfig) -> str:
        """The team's timezone, else the global one."""
        return team.timezone or self.timezone
