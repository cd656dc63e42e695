"""Admins' changes to team settings: stored over app.yaml, each with its audit row.

The caller has already checked that the actor is an admin (the Bolt middleware does).
Results and refusals are plain data (`blocks.slash_answers` writes them).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from blocks.slash_answers import LastLead, LeadChange, NoSuchTeam, NotALead, VisibilityChange
from chatops.admin import audit
from chatops.admin.command_line import CommandError
from chatops.config import AppConfig, TeamConfig
from chatops.team_settings import LEADS, OVERRIDES, VISIBILITY, override_row, resolve

# Built once (as chatops.team_settings's selects): the values come as parameters.
_INSERT = insert(OVERRIDES)
_UPDATE = update(OVERRIDES).where(OVERRIDES.c.team == bindparam("at_team"),
                                  OVERRIDES.c.key == bindparam("at_key"))


class Refused(CommandError):
    """The change cannot be made; nothing was changed."""


def resolve_team(config: AppConfig, name: str) -> TeamConfig:
    """The team named so (exactly, else ignoring case), or Refused naming the teams."""
    found = config.team(name)
    if found is None:
        folded = [t for t in config.teams if t.name.casefold() == name.casefold()]
        found = folded[0] if len(folded) == 1 else None
    if found is None:
        raise Refused(NoSuchTeam(name, tuple(t.name for t in config.teams)))
    return found


def set_visibility(session: Session, config: AppConfig, team_name: str, mode: str,
                   actor: str, now: datetime) -> VisibilityChange:
    team = resolve_team(config, team_name)
    row = override_row(session, team.name, VISIBILITY, lock=True)
    old = resolve(config, team.name, VISIBILITY, row).value
    if old != mode:
        _store(session, team.name, VISIBILITY, old, mode, actor, now, row is not None)
    return VisibilityChange(team.name, old, mode)


def change_lead(session: Session, config: AppConfig, op: Literal["add", "remove"],
                team_name: str, user: str, actor: str, now: datetime) -> LeadChange:
    team = resolve_team(config, team_name)
    row = override_row(session, team.name, LEADS, lock=True)
    old: list[str] = list(resolve(config, team.name, LEADS, row).value)
    if op == "add":
        if user in old:
            return LeadChange(op, user, team.name, tuple(old), changed=False)
        new = [*old, user]
    else:
        if user not in old:
            raise Refused(NotALead(user, team.name, tuple(old)))
        if len(old) == 1:
            raise Refused(LastLead(user, team.name))
        new = [u for u in old if u != user]
    _store(session, team.name, LEADS, old, new, actor, now, row is not None)
    return LeadChange(op, user, team.name, tuple(new), changed=True)


def _store(session: Session, team: str, key: str, old: Any, new: Any, actor: str,
           now: datetime, stored: bool) -> None:
    """Write the override and its audit row. The caller read the override with `lock`, so
    two admins' changes apply one after the other (PostgreSQL holds the row; SQLite takes
    the write lock when the transaction begins). Without a row yet, two first changes race
    to insert it: one fails on the primary key and is retried by the caller."""
    values = {"value": json.dumps(new), "changed_by": actor, "changed_at": now}
    if stored:
        session.execute(_UPDATE, {"at_team": team, "at_key": key, **values})
    else:
        session.execute(_INSERT, {"team": team, "key": key, **values})
    audit.record(session, at=now, actor=actor, team=team, setting=key, old=old, new=new)
