"""The settings audit trail: every change with who, what, old and new value, and when."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.admin import AuditLine
from db.models_people import SettingChange

LATEST = 20


def record(session: Session, *, at: datetime, actor: str, team: str, setting: str,
           old: Any, new: Any) -> None:
    session.add(SettingChange(at=at, actor=actor, team=team, setting=setting,
                              old_value=json.dumps(old), new_value=json.dumps(new)))


def latest(session: Session, limit: int = LATEST) -> list[AuditLine]:
    """The newest changes first."""
    rows = session.scalars(select(SettingChange)
                           .order_by(SettingChange.at.desc(), SettingChange.id.desc())
                           .limit(limit))
    return [AuditLine(r.at, r.actor, r.team, r.setting, json.loads(r.old_value),
                       json.loads(r.new_value)) for r in rows]
