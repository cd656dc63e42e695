"""The only way ratings code can send anything: a DM to one of the team's leads or to the rated
agent. It has no method for a channel, a thread, Teams or an ephemeral message, and it refuses
any recipient it was not built for, so a rating cannot reach anyone else by construction.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from chatops.delivery import outbox
from domain.recipients import Recipient
from domain.slack_ids import is_dm_channel


class NotARecipient(ValueError):
    """The ratings code tried to address someone it may not: a bug, never sent."""


class RatingMailbox:
    """DMs about one rating, bound to its leads and its agent when built."""

    def __init__(self, session: Session, leads: Iterable[str], agent: str | None) -> None:
        """`leads`: Slack user ids; `agent`: a recipient's string form (`U…`/`email:…`)."""
        self._session = session
        self._leads = frozenset(_recipient(lead) for lead in leads)
        self._agent = _recipient(agent) if agent is not None else None

    def to_lead(self, lead: str, message: dict[str, Any]) -> None:
        outbox.add(self._session, outbox.direct_message(self._lead(lead), message))

    def to_agent(self, message: dict[str, Any]) -> bool:
        """DM the rated agent; False when the agent is not known (nothing is sent)."""
        if self._agent is None:
            return False
        outbox.add(self._session, outbox.direct_message(self._agent, message))
        return True

    def rewrite_lead_dm(self, lead: str, channel: str, ts: str, message: dict[str, Any]) -> None:
        """chat.update of a lead's DM (its D… channel and ts come from the button press)."""
        to = self._lead(lead)
        if not is_dm_channel(channel):
            raise NotARecipient(f"{channel!r} is not a direct message channel")
        outbox.add(self._session, outbox.direct_message_update(to, channel, ts, message))

    def _lead(self, lead: str) -> Recipient:
        to = _recipient(lead)
        if to not in self._leads:
            raise NotARecipient(f"{lead} is not a lead of this rating's team")
        return to


def _recipient(target: str) -> Recipient:
    try:
        return Recipient.parse(target)
    except ValueError as exc:
        raise NotARecipient(f"{target!r} is not a person to DM: {exc}") from None
