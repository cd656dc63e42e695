"""Typed SQLAlchemy models: ticket state, received events, Slack threads, the outbox."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime


class Base(DeclarativeBase):
    # Every model is one plain table: typed so, Core statements built on it type-check.
    __table__: ClassVar[Table]


class Ticket(Base):
    """Current state of one helpdesk ticket (the newest snapshot by `occurred_at`)."""

    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    team: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    requester_name: Mapped[str] = mapped_column(Text)
    requester_email: Mapped[str | None] = mapped_column(Text)
    assignee_name: Mapped[str | None] = mapped_column(Text)
    assignee_email: Mapped[str | None] = mapped_column(Text)
    # The helpdesk's own ids of the people (`zendesk:123`), when a native route knows them.
    requester_ref: Mapped[str | None] = mapped_column(String(210))
    assignee_ref: Mapped[str | None] = mapped_column(String(210))
    # First seen through a partial snapshot (a rating, a comment's event): the next whole one
    # is taken whatever its `occurred_at`.
    state_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The weekly review counts a team's tickets opened and solved in a week, and finds the
    # team of an SLA clock's ticket without reading the ticket.
    __table_args__ = (Index("ix_tickets_team_created", "team", "created_at"),
                      Index("ix_tickets_team_solved", "team", "solved_at"),
                      Index("ix_tickets_id_team", "id", "team"))


class ReceivedEvent(Base):
    """Every accepted helpdesk event id, so a redelivery has no effect; with what the event
    said of the ticket's history (its status then, the comment's author role and visibility),
    read back in `occurred_at` order by QA's signals."""

    __tablename__ = "received_events"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(20))  # the ticket's status in the event
    comment_role: Mapped[str | None] = mapped_column(String(40))  # author_role of its comment
    comment_public: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (Index("ix_received_events_ticket", "ticket_id", "occurred_at"),)


class SlackThread(Base):
    """The Slack parent message of a ticket: where its thread lives."""

    __tablename__ = "slack_threads"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(40))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_slack_threads_message", "channel", "ts"),)


class OutboxMessage(Base):
    """One call to Slack or Teams waiting to be made (or made, or given up on).

    `stream` orders rows: a row is sent only when no earlier row of its stream is pending.
    `ticket_id` + `role` tie a row to a ticket's thread: `parent` posts it and records its ts,
    `reply` posts in its thread, `parent_update` rewrites it. A deferred row (transport
    `internal`) names a handler in `target`; the worker turns it into the real rows.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream: Mapped[str] = mapped_column(String(300))
    transport: Mapped[str] = mapped_column(String(10))  # slack | teams | internal
    method: Mapped[str] = mapped_column(String(40))  # chat.postMessage | chat.update | teams.post | defer
    target: Mapped[str] = mapped_column(String(300))  # channel / user / email:<addr> / team / handler
    role: Mapped[str] = mapped_column(String(20), default="plain")
    ticket_id: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    result_channel: Mapped[str | None] = mapped_column(String(40))
    result_ts: Mapped[str | None] = mapped_column(String(40))
    # Under a backlog: `reply` rows of one stream may be sent as one message, an `update` is
    # dropped when a later `update` of its stream replaces it; NULL: never merged or dropped.
    merge: Mapped[str | None] = mapped_column(String(10))
    # What the row is about (e.g. `qa:review:12:agent`): DMs sent under one ref can be
    # rewritten later (role `dm_rewrite`), each in its recipient's stream.
    ref: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_stream", "stream", "status", "id"),
        Index("ix_outbox_transport", "transport", "status", "id"),
        Index("ix_outbox_ref", "ref"),
    )


class ChannelPace(Base):
    """Earliest moment the next message may be posted to a channel (shared by all workers)."""

    __tablename__ = "channel_pace"

    channel: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryPause(Base):
    """A transport (`slack`, `teams:<team>`) paused as a whole: unreachable, answering 5xx, or
    refusing our credentials. Every worker skips its rows until `until`, when one of them
    (`probe_by`) lets one row through; any answer about that row resumes the transport."""

    __tablename__ = "delivery_pauses"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # outage | credentials
    reason: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime] = mapped_column(UTCDateTime())  # the next probe, not before
    failures: Mapped[int] = mapped_column(Integer)  # probes failed in a row (the backoff's step)
    probe_by: Mapped[str | None] = mapped_column(String(100))


class SlackUser(Base):
    """Cache of `users.lookupByEmail`: user_id is None when Slack knows no such user."""

    __tablename__ = "slack_users"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(40))
    looked_up_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HelpdeskPerson(Base):
    """Cache of a helpdesk's people by their id (`zendesk:123` → name, email), filled from
    the helpdesk's API at delivery; name and email are None when the helpdesk knows no such
    person."""

    __tablename__ = "helpdesk_people"

    ref: Mapped[str] = mapped_column(String(210), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    looked_up_at: Mapped[datetime] = mapped_column(UTCDateTime())
