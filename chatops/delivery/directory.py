"""Helpdesk agents → Slack users by `users.lookupByEmail`, cached in the database."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery.errors import Outcome, classify_slack_error, is_unreachable, transient, unreachable
from db.models import SlackUser
from db.session import read_only
from db.upsert import dialect_insert

log = logging.getLogger("chatops.delivery")

FOUND_TTL = timedelta(days=7)
MISSING_TTL = timedelta(hours=1)


def remember(session: Session, email: str, user_id: str | None, now: datetime) -> None:
    """Upsert the cache row (two workers may look the same person up at once)."""
    statement = dialect_insert(session.get_bind().dialect.name, SlackUser.__table__).values(
        email=email, user_id=user_id, looked_up_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["email"], set_={"user_id": user_id, "looked_up_at": now}))


class LookupFailed(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


class UserDirectory:
    def __init__(self, client: WebClient, sessions: sessionmaker[Session]) -> None:
        self.client = client
        self.sessions = sessions

    def resolve(self, emails: set[str], attempts: int) -> dict[str, str | None]:
        """email → Slack user id (None when Slack has no such user). Raises LookupFailed."""
        found: dict[str, str | None] = {}
        now = datetime.now(UTC)
        with self.sessions() as session:
            read_only(session)
            for email in emails:
                row = session.get(SlackUser, email)
                ttl = FOUND_TTL if row and row.user_id else MISSING_TTL
                if row is not None and now - row.looked_up_at < ttl:
                    found[email] = row.user_id
        for email in emails - found.keys():
            found[email] = self._lookup(email, attempts)
            with self.sessions.begin() as session:
                remember(session, email, found[email], now)
        return found

    def _lookup(self, email: str, attempts: int) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            if data.get("error") == "users_not_found":
                log.info("no Slack user has the email %s; they are shown by name", email)
                return None
            outcome = classify_slack_error(exc, attempts)
            if outcome.kind == "permanent":
                # e.g. missing_scope (users:read.email not granted): show the name rather
                # than lose the message (and with a parent, its whole thread).
                log.error("users.lookupByEmail failed (%s); %s is shown by name", outcome.reason,
                          email)
                return None
            raise LookupFailed(outcome) from exc
        except Exception as exc:  # connection refused, reset, timeout …
            reason = f"users.lookupByEmail: {exc!r}"
            raise LookupFailed(unreachable(reason) if is_unreachable(exc)
                               else transient(reason, attempts)) from exc
        user = response.get("user") or {}
        return user.get("id")
