"""A team's effective settings: app.yaml, overridden by what admins changed in Slack.

Reading only; `chatops.admin.changes` writes the overrides (with their audit rows).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from chatops.config import AppConfig, TeamConfig
from db.models_people import TeamSetting

VISIBILITY = "rating_visibility"
LEADS = "leads"

T = TypeVar("T")


@dataclass(frozen=True)
class Effective(Generic[T]):
    """A setting's value and where it comes from: app.yaml, or an admin's change."""

    value: T
    changed_by: str | None = None  # None: straight from app.yaml
    changed_at: datetime | None = None

    @property
    def from_config(self) -> bool:
        return self.changed_by is None


def _override(session: Session, team: str, key: str) -> TeamSetting | None:
    return session.get(TeamSetting, (team, key))


def _from_config(team: TeamConfig, key: str) -> Any:
    return list(team.leads) if key == LEADS else team.rating_visibility


def effective(session: Session, config: AppConfig, team: str, key: str) -> Effective[Any]:
    """The value of `key` for `team`: the stored override if any, else app.yaml."""
    found = config.team(team)
    row = _override(session, team, key)
    if row is not None:
        return Effective(json.loads(row.value), row.changed_by, row.changed_at)
    if found is None:
        return Effective([] if key == LEADS else "leads_only")
    return Effective(_from_config(found, key))


def leads_of(session: Session, config: AppConfig, team: str) -> list[str]:
    """Slack user ids of the team's leads."""
    return list(effective(session, config, team, LEADS).value)


def visibility_of(session: Session, config: AppConfig, team: str) -> str:
    """The team's rating visibility mode."""
    return str(effective(session, config, team, VISIBILITY).value)
