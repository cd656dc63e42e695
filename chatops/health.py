"""What /healthz reports: the database, the outbox, the in-process worker."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims
from db.models import OutboxMessage
from db.session import read_only


@dataclass(frozen=True)
class Health:
    ok: bool
    body: dict[str, Any]


def check(sessions: sessionmaker[Session], worker_alive: bool | None) -> Health:
    """Healthy unless the database is unreachable or the in-process worker died. Failed
    outbox rows (a channel the bot is not in …) are shown, not counted as unhealthy: a
    restart would not fix them."""
    try:
        with sessions() as session:
            read_only(session).execute(text("SELECT 1"))
            counts = claims.counts(session)
            last = session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.status == "failed")
                                   .order_by(OutboxMessage.id.desc()).limit(1)).first()
    except Exception as exc:  # the database is the one part we cannot work without
        return Health(False, {"status": "error", "outbox_pending": None,
                              "db": f"unavailable: {type(exc).__name__}: {exc}"[:500]})
    body: dict[str, Any] = {"status": "ok", "db": "ok",
                            "outbox_pending": counts.get("pending", 0),
                            "outbox_failed": counts.get("failed", 0)}
    if last is not None:
        body["last_failure"] = {"outbox_id": last.id, "target": last.target,
                                "method": last.method, "error": last.last_error}
    if worker_alive is not None:
        body["worker"] = "running" if worker_alive else "stopped"
        if not worker_alive:
            body["status"] = "error"
            return Health(False, body)
    return Health(True, body)
