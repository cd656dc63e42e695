"""A team's effective settings: app.yaml, overridden by what admins changed in Slack.

Reading only; `chatops.admin.changes` writes the overrides (with their audit rows). The
overrides are read with plain Core selects (a handful of small rows), not as ORM objects:
`settings` reads every team's in one query.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, Table, bindparam, select
from sqlalchemy.orm import Session

from chatops.config import AppConfig, TeamConfig
from db.models_people import TeamSetting

VISIBILITY = "rating_visibility"
LEADS = "leads"
KEYS = (VISIBILITY, LEADS)

T = TypeVar("T")
OVERRIDES: Table = TeamSetting.__table__


@dataclass(frozen=True)
class Effective(Generic[T]):
    """A setting's value and where it comes from: app.yaml, or an admin's change."""

    value: T
    changed_by: str | None = None  # None: straight from app.yaml
    changed_at: datetime | None = None

    @property
    def from_config(self) -> bool:
        return self.changed_by is None


# Built once: building a statement costs more than running it on these few rows.
_c = OVERRIDES.c
_ALL: Select[Any] = select(_c.team, _c.key, _c.value, _c.changed_by, _c.changed_at)
_ONE = _ALL.where(_c.team == bindparam("team"), _c.key == bindparam("key"))
_ONE_LOCKED = _ONE.with_for_update()


def override_row(session: Session, team: str, key: str, lock: bool = False) -> Row[Any] | None:
    """The stored override of `key` for `team`, if any; `lock`: held (FOR UPDATE on
    PostgreSQL) until the transaction ends."""
    return session.execute(_ONE_LOCKED if lock else _ONE, {"team": team, "key": key}).first()


def _from_config(team: TeamConfig | None, key: str) -> Any:
    if team is None:
        return [] if key == LEADS else "leads_only"
    return list(team.leads) if key == LEADS else team.rating_visibility


def resolve(config: AppConfig, team: str, key: str, row: Row[Any] | None) -> Effective[Any]:
    """The effective value of `key` for `team`, given its stored override row (or None)."""
    if row is not None:
        return Effective(json.loads(row.value), row.changed_by, row.changed_at)
    return Effective(_from_config(config.team(team), key))


def effective(session: Session, config: AppConfig, team: str, key: str) -> Effective[Any]:
    """The value of `key` for `team`: the stored override if any, else app.yaml."""
    return resolve(config, team, key, override_row(session, team, key))


def effective_all(session: Session, config: AppConfig,
                  teams: Iterable[str]) -> dict[tuple[str, str], Effective[Any]]:
    """(team, key) -> the effective value, for every key of each of `teams`, in one query."""
    names = list(teams)
    rows = {(r.team, r.key): r for r in session.execute(_ALL)}  # a row or two per team
    return {(team, key): resolve(config, team, key, rows.get((team, key)))
            for team in names for key in KEYS}


def leads_of(session: Session, config: AppConfig, team: str) -> list[str]:
    """Slack user ids of the team's leads."""
    return list(effective(session, config, team, LEADS).value)


def visibility_of(session: Session, config: AppConfig, team: str) -> str:
    """The team's rating visibility mode."""
    return str(effective(session, config, team, VISIBILITY).value)
