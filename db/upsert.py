"""Insert-if-absent in one statement, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import import_module
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from db.models import ReceivedEvent, SlackThread
from db.models_review import StreamThread


def dialect_insert(dialect: str, table: Table) -> Any:
    """`INSERT` with `ON CONFLICT` for `dialect` (sqlite or postgresql). The dialect's module
    is loaded by the first statement built for it: a process on SQLite never loads
    PostgreSQL's (about 2 MB)."""
    return import_module(f"sqlalchemy.dialects.{dialect}").insert(table)


_TABLE = ReceivedEvent.__table__


@cache  # built once per dialect: constructing statements per request costs ingest time
def _record_event(dialect: str) -> Any:
    # RETURNING, not rowcount: PostgreSQL's rowcount is not kept for such inserts.
    return (dialect_insert(dialect, _TABLE).on_conflict_do_nothing(index_elements=["id"])
            .returning(_TABLE.c.id))


def record_event_once(session: Session, event_id: str, type_: str, ticket_id: str | None,
                      occurred_at: datetime, received_at: datetime, *, status: str | None = None,
                      comment_role: str | None = None, comment_public: bool | None = None) -> bool:
    """Store the event id (with what it says of the ticket's history); False when it was
    stored before (a redelivery)."""
    connection = session.connection()
    statement = _record_event(connection.dialect.name)
    result = connection.execute(statement, dict(
        id=event_id, type=type_, ticket_id=ticket_id, occurred_at=occurred_at,
        received_at=received_at, status=status, comment_role=comment_role,
        comment_public=comment_public))
    return result.first() is not None


@cache
def _insert_if_absent(dialect: str, table: Table, key: str) -> Any:
    """Insert a row unless its `key` is there already (then nothing); built once per dialect
    and table."""
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=[key])


def remember_thread(session: Session, ticket_id: str, channel: str, ts: str,
                    posted_at: datetime) -> None:
    """Where a ticket's parent message lives; the first one recorded stays."""
    connection = session.connection()
    connection.execute(_insert_if_absent(connection.dialect.name, SlackThread.__table__,
                                         "ticket_id"),
                       dict(ticket_id=ticket_id, channel=channel, ts=ts, posted_at=posted_at))


def remember_stream_thread(session: Session, stream: str, channel: str, ts: str,
                           posted_at: datetime) -> None:
    """Where an outbox stream's thread parent lives; the first one recorded stays."""
    connection = session.connection()
    connection.execute(_insert_if_absent(connection.dialect.name, StreamThread.__table__,
                                         "stream"),
                       dict(stream=stream, channel=channel, ts=ts, posted_at=posted_at))
