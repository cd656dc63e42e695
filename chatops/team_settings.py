"""A team's effective settings: app.yaml, overridden by what admins changed in Slack."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chatops.config import AppConfig


def leads_of(session: Session, config: AppConfig, team: str) -> list[str]:
    """Slack user ids of the team's leads."""
    found = config.team(team)
    return list(found.leads) if found else []


def visibility_of(session: Session, config: AppConfig, team: str) -> str:
    """The team's rating visibility mode."""
    found = config.team(team)
    return found.rating_visibility if found else "leads_only"
