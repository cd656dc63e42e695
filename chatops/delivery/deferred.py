"""Deferred work: named handlers that turn a deferred outbox row into the messages to send.

Handlers are registered once (by `chatops.app`); the worker's expansion pass calls `expand`
for each pending deferred row, inside one transaction: the handler returns the messages, the
first takes the row's own place (same id, so a parent post still precedes its thread's
replies), the others become new rows. The in-place update is a compare-and-set, so each row
is expanded exactly once however many workers run.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chatops.delivery import outbox
from db.models import OutboxMessage

# (session, args) -> the messages to send; an empty list means nothing any more.
DeferredHandler = Callable[[Session, dict[str, Any]], list[outbox.Message]]

_TABLE = OutboxMessage.__table__
_PENDING = select(_TABLE.c.id, _TABLE.c.target, _TABLE.c.payload).where(
    _TABLE.c.status == "pending", _TABLE.c.transport == outbox.INTERNAL)


class DeferredWork:
    """The registry of deferred handlers, and the expansion of one row."""

    def __init__(self) -> None:
        self._handlers: dict[str, DeferredHandler] = {}

    def register(self, name: str, handler: DeferredHandler) -> None:
        if name in self._handlers:
            raise ValueError(f"a deferred handler named {name!r} is registered already")
        self._handlers[name] = handler

    def pending(self, session: Session, limit: int) -> list[int]:
        """Ids of deferred rows waiting to be expanded, oldest first."""
        return list(session.scalars(select(_TABLE.c.id).where(
            _TABLE.c.status == "pending", _TABLE.c.transport == outbox.INTERNAL)
            .order_by(_TABLE.c.id).limit(limit)))

    def expand(self, session: Session, row_id: int) -> bool:
        """Expand one row in the caller's transaction; false when it is no longer pending."""
        row = session.execute(_PENDING.where(_TABLE.c.id == row_id)).first()
        if row is None:
            return False
        handler = self._handlers.get(row.target)
        if handler is None:
            raise LookupError(f"no deferred handler named {row.target!r}")
        messages = handler(session, json.loads(row.payload))
        if not messages:
            return outbox.settle_deferred(session, row_id, "skipped", "nothing to send any more")
        if not outbox.put_in_place(session, row_id, messages[0]):
            return False
        outbox.add(session, *messages[1:])
        return True
