"""The outbox: every call to Slack or Teams is first a row here, written in the transaction of
the change that caused it, so a message exists exactly when that change was committed. It is
the only way domain code sends anything.

A `Message` is one row before it is written; the functions below build each kind the app
sends, and `add` writes them. A *deferred* message (transport `internal`) names a registered
handler and carries its arguments instead of a call: the delivery worker expands it into the
real messages (`chatops.delivery.deferred`), so hot paths (a webhook request, the SLA scan)
write one small row and the rendering happens off them. `Job` is a claimed row, as the
senders see it.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from db.models import OutboxMessage
from domain.recipients import Recipient

POST = "chat.postMessage"
UPDATE = "chat.update"
TEAMS = "teams.post"
EPHEMERAL = "chat.postEphemeral"
DEFER = "defer"  # the method of a deferred row; its target names the handler
FILE_UPLOAD = "files.upload_v2"  # a file into a stream's thread: Slack's three-call upload
INTERNAL = "internal"  # the transport of deferred rows: the worker handles them itself

# What a row is to its ticket's thread or its reader: `parent` posts the ticket's parent
# message (its ts is remembered), `reply` posts in its thread, `parent_update` rewrites it.
# `dm_rewrite` rewrites the DM sent earlier under the same `ref` to the same recipient;
# `ephemeral` shows a message to one user in one channel. A thread not keyed by a ticket is
# keyed by its stream: `thread_parent` posts the message whose ts is remembered for the
# stream, `thread_reply` and `thread_file` go into its thread.
Role = Literal["parent", "reply", "parent_update", "dm", "dm_update", "teams", "deferred",
               "dm_rewrite", "ephemeral", "thread_parent", "thread_reply", "thread_file"]

_TABLE = OutboxMessage.__table__
_INSERT = insert(_TABLE)  # built once: this runs for every accepted event
_IN_PLACE = (update(_TABLE)
             .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.status == "pending",
                    _TABLE.c.transport == INTERNAL))
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class Message:
    """One outbox row before it is written: a call to make, or deferred work."""

    stream: str  # rows of one stream go strictly in order
    transport: str  # slack | teams | internal
    method: str
    target: str  # channel, user, `email:<address>`, team name, or a deferred handler's name
    payload: dict[str, Any]
    role: Role
    ticket_id: str | None = None
    ref: str | None = None  # what the message is about: its DMs can be rewritten later

    def columns(self) -> dict[str, Any]:
        return dict(stream=self.stream, transport=self.transport, method=self.method,
                    target=self.target, role=self.role, ticket_id=self.ticket_id,
                    payload=_dumps(self.payload), ref=self.ref)


@dataclass(frozen=True)
class Job:
    """A claimed row, detached from its session."""

    id: int
    transport: str
    method: str
    target: str
    role: str
    ticket_id: str | None
    payload: str
    attempts: int
    created_at: datetime | None = None
    ref: str | None = None
    stream: str = ""

    @classmethod
    def of(cls, row: OutboxMessage | Row[Any]) -> Job:
        return cls(row.id, row.transport, row.method, row.target, row.role, row.ticket_id,
                   row.payload, row.attempts, row.created_at, row.ref, row.stream)


def ticket_stream(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def parent_post(ticket_id: str, channel: str, payload: dict[str, Any]) -> Message:
    """The ticket's parent message; its ts is remembered for the thread."""
    return Message(ticket_stream(ticket_id), "slack", POST, channel, payload, "parent", ticket_id)


def thread_reply(ticket_id: str, channel: str, payload: dict[str, Any]) -> Message:
    return Message(ticket_stream(ticket_id), "slack", POST, channel, payload, "reply", ticket_id)


def parent_update(ticket_id: str, channel: str, payload: dict[str, Any]) -> Message:
    return Message(ticket_stream(ticket_id), "slack", UPDATE, channel, payload, "parent_update",
                   ticket_id)


def direct_message(to: Recipient, payload: dict[str, Any], ref: str | None = None,
                   stream: str | None = None) -> Message:
    """A DM; an email recipient is resolved to a Slack user at delivery. With a `ref`, it can
    be rewritten later (`rewrite_dms`). In the recipient's own stream unless `stream` puts it
    in line behind other rows (a weekly review's)."""
    return Message(stream or f"dm:{to}", "slack", POST, str(to), payload, "dm", ref=ref)


def direct_message_update(to: Recipient, channel: str, ts: str, payload: dict[str, Any]) -> Message:
    """Rewrite a DM in place (chat.update): `channel` is its D… id, `ts` the message's ts."""
    kept = {k: v for k, v in payload.items() if k not in ("unfurl_links", "unfurl_media")}
    return Message(f"dm:{to}", "slack", UPDATE, channel, {**kept, "ts": ts}, "dm_update")


def rewrite_dms(session: Session, ref: str, payload: dict[str, Any]) -> list[Message]:
    """A chat.update of every DM sent under `ref`, one per recipient, each in that recipient's
    stream: it is sent after the DM itself, so a DM still waiting to be delivered is delivered
    first and then rewritten. Delivery finds the DM's channel and ts by the ref."""
    kept = {k: v for k, v in payload.items() if k not in ("unfurl_links", "unfurl_media")}
    targets = session.scalars(select(_TABLE.c.target).where(
        _TABLE.c.ref == ref, _TABLE.c.role == "dm").distinct().order_by(_TABLE.c.target))
    return [Message(f"dm:{target}", "slack", UPDATE, target, kept, "dm_rewrite", ref=ref)
            for target in targets]


def ephemeral(channel: str, user: str, payload: dict[str, Any]) -> Message:
    """A message only `user` sees, in `channel` (chat.postEphemeral): refusals and answers
    to a button press or a shortcut."""
    kept = {k: v for k, v in payload.items() if k not in ("unfurl_links", "unfurl_media")}
    return Message(f"ephemeral:{user}", "slack", EPHEMERAL, channel, {**kept, "user": user},
                   "ephemeral")


def thread_parent(stream: str, channel: str, payload: dict[str, Any]) -> Message:
    """A channel message that starts `stream`'s thread (its ts is remembered for the stream)."""
    return Message(stream, "slack", POST, channel, payload, "thread_parent")


def stream_reply(stream: str, channel: str, payload: dict[str, Any]) -> Message:
    """A reply in the thread that `stream`'s `thread_parent` started."""
    return Message(stream, "slack", POST, channel, payload, "thread_reply")


def stream_file(stream: str, channel: str, content: bytes, filename: str, title: str,
                alt_text: str) -> Message:
    """A file uploaded into the thread that `stream`'s `thread_parent` started."""
    payload = {"filename": filename, "title": title, "alt_txt": alt_text,
               "content_b64": base64.b64encode(content).decode("ascii")}
    return Message(stream, "slack", FILE_UPLOAD, channel, payload, "thread_file")


def teams_card(team: str, cards: dict[str, Any]) -> Message:
    """A card for the team's Teams channel (URL taken from its env var at delivery)."""
    return Message(f"teams:{team}", "teams", TEAMS, team, cards, "teams")


def deferred(handler: str, args: dict[str, Any], *, stream: str,
             ticket_id: str | None = None) -> Message:
    """Work for the worker: the handler registered as `handler` turns `args` into messages.
    The first of them takes this row's place in `stream` (so its order there is kept)."""
    return Message(stream, INTERNAL, DEFER, handler, args, "deferred", ticket_id)


def add(session: Session, *messages: Message) -> None:
    """Write rows in the caller's transaction (a prebuilt Core insert: the ORM costs more)."""
    if not messages:
        return
    # Delivery timing is wall-clock time (not the domain clock): it schedules real retries.
    now = datetime.now(UTC)
    rows = [dict(m.columns(), status="pending", attempts=0, created_at=now, next_attempt_at=now)
            for m in messages]
    session.connection().execute(_INSERT, rows if len(rows) > 1 else rows[0])


def put_in_place(session: Session, row_id: int, message: Message) -> bool:
    """A pending deferred row becomes `message`, keeping its id (compare-and-set: false when
    another worker expanded it first)."""
    done = session.connection().execute(_IN_PLACE, dict(message.columns(), b_id=row_id))
    return done.rowcount == 1


def settle_deferred(session: Session, row_id: int, status: str, reason: str) -> bool:
    """A deferred row that sends nothing (`skipped`) or whose handler failed (`failed`)."""
    done = session.connection().execute(_IN_PLACE, dict(b_id=row_id, status=status,
                                                        last_error=reason[:500]))
    return done.rowcount == 1
