"""Helpdesk agents → Slack users by `users.lookupByEmail`, cached in the database."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery.errors import Outcome, classify_slack_error, transient
from db.models import SlackUser

log = logging.getLogger("chatops.delivery")

FOUND_TTL = timedelta(days=7)
MISSING_TTL = timedelta(hours=1)


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
        now = datetime.now(timezone.utc)
        with self.sessions() as session:
            for email in emails:
                row = session.get(SlackUser, email)
                ttl = FOUND_TTL if row and row.user_id else MISSING_TTL
                if row is not None and now - row.looked_up_at < ttl:
                    found[email] = row.user_id
        for email in emails - found.keys():
            found[email] = self._lookup(email, attempts)
            with self.sessions.begin() as session:
                session.merge(SlackUser(email=email, user_id=found[email], looked_up_at=now))
        return found

    def _lookup(self, email: str, attempts: int) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            if data.get("error") == "users_not_found":
                log.info("no Slack user has the email %s; they are shown by name", email)
                return None
            raise LookupFailed(classify_slack_error(exc, attempts)) from exc
        except Exception as exc:  # connection refused, reset, timeout …
            raise LookupFailed(transient(f"users.lookupByEmail: {exc!r}", attempts)) from exc
        user = response.get("user") or {}
        return user.get("id")
