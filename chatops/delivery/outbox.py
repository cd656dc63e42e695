"""Writing to the outbox: the only way domain code sends anything to Slack or Teams.

Rows are added in the caller's transaction, so a message exists exactly when the state
change that caused it was committed.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import OutboxMessage

POST = "chat.postMessage"
UPDATE = "chat.update"
TEAMS = "teams.post"
EXPAND = "expand"
RENDER = "render"
INTERNAL = "internal"  # rows the worker handles itself, without calling out

_INSERT = insert(OutboxMessage.__table__)


def _row(*, stream: str, transport: str, method: str, target: str, payload: dict[str, Any],
         role: str = "plain", ticket_id: str | None = None) -> dict[str, Any]:
    # Delivery timing is wall-clock time (not the domain clock): it schedules real retries.
    now = datetime.now(UTC)
    return dict(stream=stream, transport=transport, method=method, target=target, role=role,
                ticket_id=ticket_id, payload=json.dumps(payload, ensure_ascii=False),
                status="pending", attempts=0, created_at=now, next_attempt_at=now)


def _add(session: Session, **row: Any) -> None:
    # A prebuilt Core insert: this runs for every accepted event; the ORM costs more.
    session.connection().execute(_INSERT, _row(**row))


def ticket_stream(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def post_parent(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> None:
    """The ticket's parent message; its ts is remembered for the thread."""
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=POST,
                target=channel, payload=message, role="parent", ticket_id=ticket_id)


def reply_in_thread(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> None:
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=POST,
                target=channel, payload=message, role="reply", ticket_id=ticket_id)


def update_parent(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> None:
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=UPDATE,
                target=channel, payload=message, role="parent_update",
                ticket_id=ticket_id)


def direct_message(session: Session, user: str, message: dict[str, Any]) -> None:
    """A DM. `user` is a Slack user id, or `email:<address>` resolved at delivery."""
    return _add(session, stream=f"dm:{user}", transport="slack", method=POST, target=user,
                payload=message, role="dm")


def update_direct_message(session: Session, user: str, channel: str, ts: str,
                          message: dict[str, Any]) -> None:
    """Rewrite a DM in place (chat.update): `channel` is its D… id, `ts` the message's ts."""
    payload = {k: v for k, v in message.items() if k not in ("unfurl_links", "unfurl_media")}
    return _add(session, stream=f"dm:{user}", transport="slack", method=UPDATE, target=channel,
                payload={**payload, "ts": ts}, role="dm_update")


def teams_card(session: Session, team: str, card: dict[str, Any]) -> None:
    """A card for the team's Teams channel (URL taken from its env var at delivery)."""
    return _add(session, stream=f"teams:{team}", transport="teams", method=TEAMS, target=team,
                payload=card, role="teams")


def expand_later(session: Session, work: str, key: str, args: dict[str, Any]) -> None:
    """Work the delivery worker turns into messages (a registered expander, no network):
    keeps hot paths such as the SLA scan to one small row per nudge. `key` names the row's
    own stream, so expansions never wait for one another."""
    _add(session, stream=f"expand:{key}", transport=INTERNAL, method=EXPAND, target=work,
         payload=args, role="expand")


def expand_many(session: Session, work: str, items: list[tuple[str, dict[str, Any]]]) -> None:
    """`expand_later` for many rows in one executemany."""
    if not items:
        return
    now = datetime.now(UTC)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    session.connection().execute(_INSERT, [
        dict(stream=f"expand:{key}", transport=INTERNAL, method=EXPAND, target=work,
             role="expand", ticket_id=None, payload=dumps(args), status="pending", attempts=0,
             created_at=now, next_attempt_at=now) for key, args in items])


def render_later(renderer: str, **args: Any) -> dict[str, Any]:
    """A payload the worker renders when it sends (a registered renderer, from the state
    stored then): a parent message always shows the ticket as it is at delivery."""
    return {RENDER: renderer, "args": args}
