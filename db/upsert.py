"""Insert-if-absent in one statement, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import ReceivedEvent, SlackThread
from db.models_review import StreamThread

_TABLE = ReceivedEvent.__table__
# Built once: constructing statements per request is a measurable share of ingest time.
_RECORD_EVENT = {
    # RETURNING, not rowcount: PostgreSQL's rowcount is not kept for such inserts.
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=["id"])
    .returning(_TABLE.c.id),
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["id"])
    .returning(_TABLE.c.id),
}


def record_event_once(session: Session, event_id: str, type_: str, ticket_id: str | None,
                      occurred_at: datetime, received_at: datetime, *, status: str | None = None,
                      comment_role: str | None = None, comment_public: bool | None = None) -> bool:
    """Store the event id (with what it says of the ticket's history); False when it was
    stored before (a redelivery)."""
    connection = session.connection()
    statement = _RECORD_EVENT[connection.dialect.name]
    result = connection.execute(statement, dict(
        id=event_id, type=type_, ticket_id=ticket_id, occurred_at=occurred_at,
        received_at=received_at, status=status, comment_role=comment_role,
        comment_public=comment_public))
    return result.first() is not None


def _insert_if_absent(table: Table, key: str) -> dict[str, Insert]:
    """Per dialect: insert a row unless its `key` is there already (then nothing)."""
    return {"postgresql": postgresql.insert(table).on_conflict_do_nothing(index_elements=[key]),
            "sqlite": sqlite.insert(table).on_conflict_do_nothing(index_elements=[key])}


_REMEMBER_THREAD = _insert_if_absent(SlackThread.__table__, "ticket_id")


def remember_thread(session: Session, ticket_id: str, channel: str, ts: str,
                    posted_at: datetime) -> None:
    """Where a ticket's parent message lives; the first one recorded stays."""
    connection = session.connection()
    connection.execute(_REMEMBER_THREAD[connection.dialect.name],
                       dict(ticket_id=ticket_id, channel=channel, ts=ts, posted_at=posted_at))


_REMEMBER_STREAM_THREAD = _insert_if_absent(StreamThread.__table__, "stream")


def remember_stream_thread(session: Session, stream: str, channel: str, ts: str,
                           posted_at: datetime) -> None:
    """Where an outbox stream's thread parent lives; the first one recorded stays."""
    connection = session.connection()
    connection.execute(_REMEMBER_STREAM_THREAD[connection.dialect.name],
                       dict(stream=stream, channel=channel, ts=ts, posted_at=posted_at))
