"""Deferred work: named handlers that turn a deferred outbox row into the messages to send.

Handlers are registered once (by `chatops.app`). The worker's expansion pass asks each
pending row's handler for its messages on a read-only snapshot (`messages`: rendering never
holds the database's write lock, which the webhook's writers share), then writes them all in
one short transaction (`apply`): the first message takes the row's own place (same id, so a
parent post still precedes its thread's replies), the others become new rows. The in-place
update is a compare-and-set, so each row is expanded exactly once however many workers run.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
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

    def pending(self, session: Session, limit: int,
                created_before: datetime | None = None) -> list[Row[Any]]:
        """Deferred rows waiting to be expanded (id, handler name, args), oldest first; only
        those written before `created_before`, when given."""
        query = _PENDING if created_before is None else _PENDING.where(
            _TABLE.c.created_at < created_before)
        return list(session.execute(query.order_by(_TABLE.c.id).limit(limit)))

    def messages(self, session: Session, row: Row[Any]) -> list[outbox.Message]:
        """What the row's handler says to send now (it only reads)."""
        handler = self._handlers.get(row.target)
        if handler is None:
            raise LookupError(f"no deferred handler named {row.target!r}")
        return handler(session, json.loads(row.payload))

    def apply(self, session: Session, row_id: int, messages: list[outbox.Message]) -> bool:
        """Write a row's messages in its place; false when another worker did it first."""
        if not messages:
            return outbox.settle_deferred(session, row_id, "skipped", "nothing to send any more")
        if not outbox.put_in_place(session, row_id, messages[0]):
            return False
        outbox.add(session, *messages[1:])
        return True
