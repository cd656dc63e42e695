"""The settings audit trail: every change with who, what, old and new value, and when."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from blocks.admin import AuditLine
from db.models_people import SettingChange

LATEST = 20
TRAIL: Table = SettingChange.__table__  # Core: a few plain rows, no ORM objects
# Built once: building a statement costs more than running it on a few rows.
_RECORD = insert(TRAIL)
_LATEST = (select(TRAIL.c.at, TRAIL.c.actor, TRAIL.c.team, TRAIL.c.setting, TRAIL.c.old_value,
                  TRAIL.c.new_value)
           .order_by(TRAIL.c.at.desc(), TRAIL.c.id.desc()).limit(bindparam("limit")))


def record(session: Session, *, at: datetime, actor: str, team: str, setting: str,
           old: Any, new: Any) -> None:
    session.execute(_RECORD, {"at": at, "actor": actor, "team": team, "setting": setting,
                              "old_value": json.dumps(old), "new_value": json.dumps(new)})


def latest(session: Session, limit: int = LATEST) -> list[AuditLine]:
    """The newest changes first."""
    rows = session.execute(_LATEST, {"limit": limit})
    return [AuditLine(r.at, r.actor, r.team, r.setting, json.loads(r.old_value),
                      json.loads(r.new_value)) for r in rows]
