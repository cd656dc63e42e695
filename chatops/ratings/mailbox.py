"""The only way ratings code can send anything: a DM to one of the team's leads or to the rated
agent. It has no method for a channel, a thread, Teams or an ephemeral message, and it refuses
any recipient it was not built for, so a rating cannot reach anyone else by construction.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from chatops.delivery import outbox
from domain.slack_ids import is_dm_channel, is_user_id


class NotARecipient(ValueError):
    """The ratings code tried to address someone it may not: a bug, never sent."""


def is_dm_target(target: str) -> bool:
    """A Slack user id, or `email:<address>` (delivery resolves it to a user, or skips it)."""
    if target.startswith("email:"):
        return "@" in target and not any(c.isspace() for c in target)
    return is_user_id(target)


class RatingMailbox:
    """DMs about one rating, bound to its leads and its agent when built."""

    def __init__(self, session: Session, leads: Iterable[str], agent: str | None) -> None:
        self._session = session
        self._leads = frozenset(leads)
        self._agent = agent
        for target in (*self._leads, *([agent] if agent is not None else [])):
            if not is_dm_target(target):
                raise NotARecipient(f"{target!r} is not a person to DM")

    @property
    def leads(self) -> frozenset[str]:
        return self._leads

    @property
    def agent(self) -> str | None:
        return self._agent

    def to_lead(self, lead: str, message: dict[str, Any]) -> None:
        if lead not in self._leads:
            raise NotARecipient(f"{lead} is not a lead of this rating's team")
        outbox.direct_message(self._session, lead, message)

    def to_agent(self, message: dict[str, Any]) -> bool:
        """DM the rated agent; False when the agent is not known (nothing is sent)."""
        if self._agent is None:
            return False
        outbox.direct_message(self._session, self._agent, message)
        return True

    def rewrite_lead_dm(self, lead: str, channel: str, ts: str, message: dict[str, Any]) -> None:
        """chat.update of a lead's DM (its D… channel and ts come from the button press)."""
        if lead not in self._leads:
            raise NotARecipient(f"{lead} is not a lead of this rating's team")
        if not is_dm_channel(channel):
            raise NotARecipient(f"{channel!r} is not a direct message channel")
        outbox.update_direct_message(self._session, lead, channel, ts, message)
