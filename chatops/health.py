"""What /healthz reports: the database, the outbox, paused transports, the in-process worker."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery import claims, pauses
from db.models import OutboxMessage
from db.session import read_only

# A message waiting longer than this means a backlog is building (or nothing gets through):
# /healthz says "degraded", still with a 200, so monitoring sees it before anyone complains.
DEGRADED_AFTER_SECONDS = 120.0


@dataclass(frozen=True)
class Health:
    ok: bool
    body: dict[str, Any]


def check(sessions: sessionmaker[Session], worker_alive: bool | None,
          now: datetime | None = None) -> Health:
    """Healthy unless the database is unreachable or the in-process worker died. Failed
    outbox rows (a channel the bot is not in …) are shown, not counted as unhealthy: a
    restart would not fix them. A paused transport, or a message pending longer than
    DEGRADED_AFTER_SECONDS, is "degraded"."""
    now = now or datetime.now(UTC)
    try:
        with sessions() as session:
            read_only(session).execute(text("SELECT 1"))
            counts = claims.counts(session)
            last = session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.status == "failed")
                                   .order_by(OutboxMessage.id.desc()).limit(1)).first()
            oldest = session.scalar(select(func.min(OutboxMessage.created_at))
                                    .where(OutboxMessage.status == "pending"))
            stopped = pauses.current(session)
    except Exception as exc:  # the database is the one part we cannot work without
        return Health(False, {"status": "error", "outbox_pending": None,
                              "db": f"unavailable: {type(exc).__name__}: {exc}"[:500]})
    waited = None if oldest is None else round(max((now - oldest).total_seconds(), 0.0), 1)
    body: dict[str, Any] = {"status": "ok", "db": "ok",
                            "outbox_pending": counts.get("pending", 0),
                            "outbox_failed": counts.get("failed", 0),
                            "oldest_pending_seconds": waited,
                            "paused": {key: {"kind": p.kind, "reason": p.reason,
                                             "since": p.since.isoformat(),
                                             "next_probe": p.until.isoformat()}
                                       for key, p in sorted(stopped.items())}}
    if stopped or (waited is not None and waited > DEGRADED_AFTER_SECONDS):
        body["status"] = "degraded"
    if last is not None:
        body["last_failure"] = {"outbox_id": last.id, "target": last.target,
                                "method": last.method, "error": last.last_error}
    if worker_alive is not None:
        body["worker"] = "running" if worker_alive else "stopped"
        if not worker_alive:
            body["status"] = "error"
            return Health(False, body)
    return Health(True, body)
