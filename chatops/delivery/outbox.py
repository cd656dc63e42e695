"""Writing to the outbox: the only way domain code sends anything to Slack or Teams.

Rows are added in the caller's transaction, so a message exists exactly when the state
change that caused it was committed.
"""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from db.models import OutboxMessage

POST = "chat.postMessage"
UPDATE = "chat.update"
TEAMS = "teams.post"


def _add(session: Session, *, stream: str, transport: str, method: str, target: str,
         payload: dict[str, Any], role: str = "plain",
         ticket_id: str | None = None) -> OutboxMessage:
    # Delivery timing is wall-clock time (not the domain clock): it schedules real retries.
    now = datetime.now(timezone.utc)
    row = OutboxMessage(stream=stream, transport=transport, method=method, target=target,
                        role=role, ticket_id=ticket_id, payload=json.dumps(payload),
                        status="pending", attempts=0, created_at=now, next_attempt_at=now)
    session.add(row)
    return row


def ticket_stream(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def post_parent(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> OutboxMessage:
    """The ticket's parent message; its ts is remembered for the thread."""
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=POST,
                target=channel, payload=message, role="parent", ticket_id=ticket_id)


def reply_in_thread(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> OutboxMessage:
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=POST,
                target=channel, payload=message, role="reply", ticket_id=ticket_id)


def update_parent(session: Session, ticket_id: str, channel: str, message: dict[str, Any]) -> OutboxMessage:
    return _add(session, stream=ticket_stream(ticket_id), transport="slack", method=UPDATE,
                target=channel, payload=message, role="parent_update",
                ticket_id=ticket_id)


def direct_message(session: Session, user: str, message: dict[str, Any]) -> OutboxMessage:
    """A DM. `user` is a Slack user id, or `email:<address>` resolved at delivery."""
    return _add(session, stream=f"dm:{user}", transport="slack", method=POST, target=user,
                payload=message, role="dm")


def teams_card(session: Session, team: str, card: dict[str, Any]) -> OutboxMessage:
    """A card for the team's Teams channel (URL taken from its env var at delivery)."""
    return _add(session, stream=f"teams:{team}", transport="teams", method=TEAMS, target=team,
                payload=card, role="teams")


class Wakeup:
    """Lets the web handler wake an in-process worker right after a commit."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        fired = self._event.wait(timeout)
        self._event.clear()
        return fired
